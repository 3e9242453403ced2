/* msrs: the seed's trade-off in numbers (bench row 9): N MSRs moved with
 * one KVM_SET_MSRS (a list) against N KVM_SET_ONE_REG calls (one register
 * per ioctl, Linux 6.18's x86 ids), and the same for reading. One VM, one
 * vCPU that never runs; CPU time of this thread (the ioctls' kernel work
 * is in it) over `iters` batches per measurement, the four ways
 * interleaved A B C D, D C B A, ... per repetition.
 *
 * usage: msrs REPS ITERS
 * Prints one line per repetition: "rep R N set_msrs set_onereg get_msrs
 * get_onereg" in ns per batch of N MSRs, for N = 1 and N = 10; or
 * "unsupported: WHY" (exit 0) when the host serves no MSR through ONE_REG. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/machine.h"
#include "vm/onereg.h"

#define NR_MSRS 10
#define CPUID_MAX_ENTRIES 256

/* MSRs a host-initiated write always takes, with values each accepts. */
static const uint32_t msr_index[NR_MSRS] = {
	MSR_IA32_SYSENTER_CS,
	MSR_IA32_SYSENTER_CS + 1,
	MSR_IA32_SYSENTER_CS + 2, /* ESP, EIP */
	MSR_STAR,
	MSR_LSTAR,
	MSR_LSTAR + 1,
	MSR_LSTAR + 2, /* CSTAR, SFMASK */
	MSR_FS_BASE,
	MSR_GS_BASE,
	MSR_KERNEL_GS_BASE,
};

static int vcpu;

/* The x86 ONE_REG id of an MSR (vm/onereg.h has the type's definition). */
static uint64_t msr_id(uint32_t index)
{
	return KVM_REG_X86 | KVM_REG_SIZE_U64 | (uint64_t)KVM_X86_REG_TYPE_MSR << 32 | index;
}

static void fail(const char *what)
{
	fprintf(stderr, "msrs: %s: %s\n", what, strerror(errno));
	exit(6);
}

static int64_t cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void one_reg(unsigned long req, int n, uint64_t *values)
{
	for (int i = 0; i < n; i++) {
		struct kvm_one_reg r = { msr_id(msr_index[i]), (uintptr_t)&values[i] };

		if (ioctl(vcpu, req, &r) < 0)
			fail(req == KVM_SET_ONE_REG ? "KVM_SET_ONE_REG" : "KVM_GET_ONE_REG");
	}
}

static void list(unsigned long req, int n, uint64_t *values)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[NR_MSRS];
	} m = { .hdr.nmsrs = (uint32_t)n };

	for (int i = 0; i < n; i++)
		m.e[i] = (struct kvm_msr_entry){ .index = msr_index[i], .data = values[i] };
	if (ioctl(vcpu, req, &m) != n)
		fail(req == KVM_SET_MSRS ? "KVM_SET_MSRS" : "KVM_GET_MSRS");
	for (int i = 0; i < n; i++)
		values[i] = m.e[i].data;
}

/* ns per batch of n MSRs, way w: 0 set list, 1 set one by one, 2 get
 * list, 3 get one by one. */
static double measure(int w, int n, int iters)
{
	uint64_t values[NR_MSRS];
	int64_t t0;

	for (int i = 0; i < NR_MSRS; i++)
		values[i] = 0x1000 * (uint64_t)(i + 1); /* canonical, and a valid selector */
	t0 = cpu_ns();
	for (int k = 0; k < iters; k++) {
		if (w == 0)
			list(KVM_SET_MSRS, n, values);
		else if (w == 1)
			one_reg(KVM_SET_ONE_REG, n, values);
		else if (w == 2)
			list(KVM_GET_MSRS, n, values);
		else
			one_reg(KVM_GET_ONE_REG, n, values);
	}
	return (double)(cpu_ns() - t0) / iters;
}

static void setup(void)
{
	size_t sz = sizeof(struct kvm_cpuid2) + CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *cpuid = calloc(1, sz);
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm;

	if (kvm < 0 || !cpuid)
		fail("/dev/kvm");
	if ((vm = ioctl(kvm, KVM_CREATE_VM, 0)) < 0)
		fail("KVM_CREATE_VM");
	if ((vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0)
		fail("KVM_CREATE_VCPU");
	cpuid->nent = CPUID_MAX_ENTRIES; /* long mode's MSRs need its CPUID bits */
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid) < 0 ||
	    ioctl(vcpu, KVM_SET_CPUID2, cpuid) < 0)
		fail("CPUID");
	free(cpuid);
}

int main(int argc, char **argv)
{
	int reps = argc > 2 ? atoi(argv[1]) : 0, iters = argc > 2 ? atoi(argv[2]) : 0;
	uint64_t probe[NR_MSRS];
	struct kvm_one_reg r = { msr_id(MSR_EFER), (uintptr_t)probe };
	static const int sizes[] = { 1, NR_MSRS };

	if (reps < 1 || iters < 1) {
		fprintf(stderr, "usage: msrs REPS ITERS\n");
		return 2;
	}
	setup();
	if (ioctl(vcpu, KVM_GET_ONE_REG, &r) < 0) {
		printf("unsupported: KVM_GET_ONE_REG of an MSR: %s\n", strerror(errno));
		return 0;
	}
	for (int rep = 0; rep < reps; rep++) {
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			double t[4];

			for (int k = 0; k < 4; k++) {
				int w = rep % 2 ? 3 - k : k;

				t[w] = measure(w, sizes[s], iters);
			}
			printf("rep %d %d %.1f %.1f %.1f %.1f\n", rep, sizes[s], t[0], t[1], t[2],
			       t[3]);
		}
	}
	return 0;
}
