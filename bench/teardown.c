/* teardown: what a VM's in-kernel devices cost to create and to close, one
 * ioctl at a time (the evidence behind vmm's choice of KVM configuration;
 * bench row 2c and bench/results.md's Notes).
 *
 * usage: teardown [--irqchip|--split] [--pit] [--reinject-off] [--vcpu]
 *                 [--reps N]
 * Each repetition creates a VM with what the options ask for, in vmm's
 * order (irqchip, PIT, vCPU), then closes it, timing every step with
 * CLOCK_MONOTONIC. --split asks for the split irqchip (KVM_CAP_SPLIT_IRQCHIP,
 * LAPICs in the kernel, PIC and IOAPIC left to user space) instead of
 * KVM_CREATE_IRQCHIP; --reinject-off follows KVM_CREATE_PIT2 with
 * KVM_REINJECT_CONTROL (pit_reinject = 0). The vCPU's kvm_run mapping is
 * unmapped and its fd closed before the VM fd, so the VM's last reference
 * goes with the timed close.
 * Prints one line per step: NAME MEDIAN_US MIN_US MAX_US. */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/kvm.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_REPS 1000
#define MAX_STEPS 8

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void fail(const char *what)
{
	fprintf(stderr, "teardown: %s: %s\n", what, strerror(errno));
	exit(6);
}

struct steps {
	const char *name[MAX_STEPS];
	double us[MAX_STEPS][MAX_REPS];
	int n;
};

/* Time one call; a failing one ends the program. */
#define STEP(s, rep, label, call)                        \
	do {                                             \
		double t0_ = now_us();                   \
		if ((call) < 0)                          \
			fail(label);                     \
		(s)->name[(s)->n] = (label);             \
		(s)->us[(s)->n++][rep] = now_us() - t0_; \
	} while (0)

struct config {
	int irqchip, split, pit, reinject_off, vcpu, slot_after, coalesced, reps;
	int exit_open, detach_child, detach_uring;
};

/* Guest RAM as vmm registers it; the memslot update ends with an expedited
 * grace period of the VM's SRCU (kvm_swap_active_memslots). */
static int add_slot(int vm)
{
	static void *ram;
	struct kvm_userspace_memory_region r = { .slot = 0, .memory_size = 2 << 20 };

	if (!ram)
		ram = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			   0);
	if (ram == MAP_FAILED)
		fail("mmap");
	r.userspace_addr = (unsigned long)ram;
	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r);
}

/* A ring whose registered files hold the VM: the ring's release at exit is
 * deferred to a kernel worker, and the VM's last reference goes with it. */
static int uring_hold(int vm)
{
	struct io_uring_params p = { 0 };
	int ring = syscall(__NR_io_uring_setup, 1, &p);

	if (ring < 0)
		return ring;
	return syscall(__NR_io_uring_register, ring, IORING_REGISTER_FILES, &vm, 1);
}

/* A child sharing our file table (CLONE_FILES) holds it past our exit:
 * killed when we die, its exit closes the files, the VM's among them. */
static void detach_child(void)
{
	pid_t pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL, NULL, NULL, NULL);

	if (pid < 0)
		fail("clone");
	if (pid == 0) {
		setsid();
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
}

static void one_vm(int kvm, const struct config *c, struct steps *s, int rep)
{
	struct kvm_pit_config pit = { .flags = 0 };
	struct kvm_reinject_control rc = { .pit_reinject = 0 };
	struct kvm_coalesced_mmio_zone zone = { .addr = 0x3f8, .size = 1, .pio = 1 };
	struct kvm_enable_cap split = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args = { 24 } };
	int vm, vcpu = -1;
	long size = 0;
	void *run = NULL;

	s->n = 0;
	STEP(s, rep, "KVM_CREATE_VM", vm = ioctl(kvm, KVM_CREATE_VM, 0));
	if (!c->slot_after)
		STEP(s, rep, "KVM_SET_USER_MEMORY_REGION", add_slot(vm));
	if (c->irqchip)
		STEP(s, rep, "KVM_CREATE_IRQCHIP", ioctl(vm, KVM_CREATE_IRQCHIP, 0));
	if (c->split)
		STEP(s, rep, "KVM_ENABLE_CAP(SPLIT_IRQCHIP)", ioctl(vm, KVM_ENABLE_CAP, &split));
	if (c->pit)
		STEP(s, rep, "KVM_CREATE_PIT2", ioctl(vm, KVM_CREATE_PIT2, &pit));
	if (c->reinject_off)
		STEP(s, rep, "KVM_REINJECT_CONTROL(0)", ioctl(vm, KVM_REINJECT_CONTROL, &rc));
	if (c->coalesced)
		STEP(s, rep, "KVM_REGISTER_COALESCED_MMIO(pio)",
		     ioctl(vm, KVM_REGISTER_COALESCED_MMIO, &zone));
	if (c->slot_after)
		STEP(s, rep, "KVM_SET_USER_MEMORY_REGION", add_slot(vm));
	if (c->vcpu) {
		STEP(s, rep, "KVM_CREATE_VCPU", vcpu = ioctl(vm, KVM_CREATE_VCPU, 0));
		size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
		run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
		if (run == MAP_FAILED)
			fail("mmap kvm_run");
		munmap(run, size);
		close(vcpu);
	}
	if (c->detach_uring)
		STEP(s, rep, "io_uring register(vm)", uring_hold(vm));
	if (c->exit_open)
		return; /* the process's exit closes it: time that with bench/launch */
	STEP(s, rep, "close(vm)", close(vm));
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void parse(int argc, char **argv, struct config *c)
{
	*c = (struct config){ .reps = 21 };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--irqchip"))
			c->irqchip = 1;
		else if (!strcmp(argv[i], "--split"))
			c->split = 1;
		else if (!strcmp(argv[i], "--pit"))
			c->pit = 1;
		else if (!strcmp(argv[i], "--reinject-off"))
			c->reinject_off = 1;
		else if (!strcmp(argv[i], "--slot-after"))
			c->slot_after = 1;
		else if (!strcmp(argv[i], "--coalesced"))
			c->coalesced = 1;
		else if (!strcmp(argv[i], "--exit"))
			c->exit_open = 1;
		else if (!strcmp(argv[i], "--detach-child"))
			c->detach_child = c->exit_open = 1;
		else if (!strcmp(argv[i], "--detach-uring"))
			c->detach_uring = c->exit_open = 1;
		else if (!strcmp(argv[i], "--vcpu"))
			c->vcpu = 1;
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			c->reps = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: teardown [--irqchip|--split] [--pit] "
					"[--reinject-off] [--slot-after] [--vcpu] [--reps N]\n");
			exit(2);
		}
	}
	if (c->reps < 1 || c->reps > MAX_REPS || (c->irqchip && c->split)) {
		fprintf(stderr, "teardown: --reps 1..%d; --irqchip or --split, not both\n",
			MAX_REPS);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	static struct steps s;
	struct config c;
	int kvm;

	parse(argc, argv, &c);
	if (c.exit_open)
		c.reps = 1;
	if (c.detach_child)
		detach_child();
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		fail("/dev/kvm");
	for (int rep = 0; rep < c.reps; rep++)
		one_vm(kvm, &c, &s, rep);
	for (int i = 0; i < s.n; i++) {
		qsort(s.us[i], c.reps, sizeof(double), cmp);
		printf("%s %.1f %.1f %.1f\n", s.name[i], s.us[i][c.reps / 2], s.us[i][0],
		       s.us[i][c.reps - 1]);
	}
	return 0;
}
