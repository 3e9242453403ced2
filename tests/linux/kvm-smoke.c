/* kvm-smoke: proves that a /dev/kvm runs guest code, for the harness's own
 * self-test (tests/linux/selftest.sh). Not part of vmm.
 *
 * Creates a VM with one vCPU in real mode, runs a 16-bit loop that does
 * N `out dx, al` to port 0x10 and then `hlt`, and checks the exits:
 * N x KVM_EXIT_IO (port 0x10, value = iteration count low byte), then
 * KVM_EXIT_HLT. Prints "KVM-SMOKE-OK <µs per PIO exit>" and exits 0, or
 * "KVM-SMOKE-FAIL <why>" and exits 1. Build: gcc -static -O2. */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define FAIL(...)                          \
	do {                               \
		printf("KVM-SMOKE-FAIL "); \
		printf(__VA_ARGS__);       \
		printf("\n");              \
		exit(1);                   \
	} while (0)
#define N 1000

int main(void)
{
	/* 0x1000: mov cx,N; mov dx,0x10; xor ax,ax
     *   loop: inc ax; out dx,al; dec cx; jnz loop; hlt */
	const uint8_t code[] = {
		0xb9, N & 0xff, N >> 8, /* mov cx, N     */
		0xba, 0x10,     0x00,   /* mov dx, 0x10  */
		0x31, 0xc0,             /* xor ax, ax    */
		0x40,                   /* inc ax        */
		0xee,                   /* out dx, al    */
		0x49,                   /* dec cx        */
		0x75, 0xfb,             /* jnz -5        */
		0xf4,                   /* hlt           */
	};
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		FAIL("open /dev/kvm: %m");
	int api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION)
		FAIL("KVM_GET_API_VERSION = %d", api);
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		FAIL("KVM_CREATE_VM: %m");

	size_t memsz = 0x10000;
	uint8_t *mem = mmap(NULL, memsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		FAIL("mmap: %m");
	memcpy(mem + 0x1000, code, sizeof code);
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = memsz,
		.userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		FAIL("KVM_SET_USER_MEMORY_REGION: %m");

	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		FAIL("KVM_CREATE_VCPU: %m");
	int runsz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	struct kvm_run *run = mmap(NULL, runsz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		FAIL("mmap kvm_run: %m");

	struct kvm_sregs sregs;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		FAIL("KVM_GET_SREGS: %m");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		FAIL("KVM_SET_SREGS: %m");
	struct kvm_regs regs = { .rip = 0x1000, .rflags = 0x2 };
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		FAIL("KVM_SET_REGS: %m");

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 1;; i++) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			FAIL("KVM_RUN: %m");
		if (run->exit_reason == KVM_EXIT_HLT) {
			if (i != N + 1)
				FAIL("HLT after %d PIO exits, want %d", i - 1, N);
			break;
		}
		if (run->exit_reason != KVM_EXIT_IO)
			FAIL("exit reason %u at exit %d (internal error suberror %u)",
			     run->exit_reason, i,
			     run->exit_reason == KVM_EXIT_INTERNAL_ERROR ? run->internal.suberror
									 : 0);
		uint8_t v = *((uint8_t *)run + run->io.data_offset);
		if (run->io.direction != KVM_EXIT_IO_OUT || run->io.port != 0x10 || v != (uint8_t)i)
			FAIL("exit %d: io dir %u port %#x value %u", i, run->io.direction,
			     run->io.port, v);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double us = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / (N + 1);
	printf("KVM-SMOKE-OK %.1f us per exit (%d PIO exits + HLT)\n", us, N);
	return 0;
}
