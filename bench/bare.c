/* bare: the least a KVM user can do per exit, as the floor vmm is measured
 * against (bench row 1). One memslot, one vCPU in long mode, KVM_RUN in a
 * loop that handles port I/O only: no irqchip, no signals, no devices, no
 * statistics. The guest is a flat long-mode image at 1 MiB, as vmm runs it.
 *
 * usage: bare [--irqchip] [--sync-regs] [--mark] IMAGE
 * The first two options add what vmm does on top, to tell its costs apart:
 * --irqchip creates the in-kernel PIC, IOAPIC, LAPIC and PIT as vmm does;
 * --sync-regs asks KVM to copy the registers into kvm_run on every exit.
 * --mark writes one byte to stdout just before the first KVM_RUN, so a
 * launcher can time exec to first KVM_RUN.
 * Exit status as vmm: (V << 1) | 1 after V is written to port 0xf4, 0 on
 * HLT; 6 when KVM fails, 10 on any other exit reason. Writes to other
 * ports are dropped and reads return 0xff. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/machine.h"

#define RAM_SIZE (4u << 20)
#define CPUID_MAX_ENTRIES 256

static void fail(const char *what)
{
	fprintf(stderr, "bare: %s: %s\n", what, strerror(errno));
	exit(STATUS_HOST);
}

static int xioctl(int fd, unsigned long req, void *arg, const char *name)
{
	int r = ioctl(fd, req, arg);

	if (r < 0)
		fail(name);
	return r;
}

static void load_image(const char *path, uint8_t *ram)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		fail(path);
	n = read(fd, ram + KERNEL_LOAD, RAM_SIZE - KERNEL_LOAD);
	if (n < 0)
		fail(path);
	close(fd);
}

/* Identity map of the first GiB in 2 MiB pages, and a GDT whose code
 * descriptor (selector 0x10) is 64-bit: the state vmm's long mode uses. */
static void write_tables(uint8_t *ram)
{
	uint64_t *pml4 = (uint64_t *)(ram + BOOT_PML4_ADDR);
	uint64_t *pdpt = (uint64_t *)(ram + BOOT_PDPT_ADDR);
	uint64_t *pd = (uint64_t *)(ram + BOOT_PD_ADDR);
	uint64_t *gdt = (uint64_t *)(ram + BOOT_GDT_ADDR);

	pml4[0] = BOOT_PDPT_ADDR | PTE_PRESENT | PTE_WRITE;
	pdpt[0] = BOOT_PD_ADDR | PTE_PRESENT | PTE_WRITE;
	for (uint64_t i = 0; i < 512; i++)
		pd[i] = (i << 21) | PTE_PRESENT | PTE_WRITE | PTE_HUGE;
	gdt[2] = 0x00af9b000000ffffull; /* code: present, L=1 */
	gdt[3] = 0x00cf93000000ffffull; /* data: present, writable */
}

static void set_long_mode(int vcpu)
{
	struct kvm_sregs s;
	struct kvm_segment code = { .base = 0,
				    .limit = 0xffffffff,
				    .selector = 0x10,
				    .type = 0xb,
				    .present = 1,
				    .s = 1,
				    .l = 1,
				    .g = 1 };
	struct kvm_segment data = code;
	struct kvm_segment tss = { .limit = 0x67, .type = 0xb, .present = 1 };
	struct kvm_regs regs = { .rip = KERNEL_LOAD, .rsp = KERNEL_LOAD, .rflags = 0x2 };

	data.selector = 0x18;
	data.type = 0x3;
	data.l = 0;
	data.db = 1;
	xioctl(vcpu, KVM_GET_SREGS, &s, "KVM_GET_SREGS");
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.tr = tss; /* VM entry wants a busy 64-bit TSS in long mode */
	s.gdt.base = BOOT_GDT_ADDR;
	s.gdt.limit = 4 * 8 - 1;
	s.cr3 = BOOT_PML4_ADDR;
	s.cr4 = CR4_PAE;
	s.cr0 = CR0_PE | CR0_PG;
	s.efer = EFER_LME | EFER_LMA;
	xioctl(vcpu, KVM_SET_SREGS, &s, "KVM_SET_SREGS");
	xioctl(vcpu, KVM_SET_REGS, &regs, "KVM_SET_REGS");
}

/* Long mode needs CPUID to admit it (KVM checks EFER.LME against it). */
static void set_cpuid(int kvm, int vcpu)
{
	size_t sz = sizeof(struct kvm_cpuid2) + CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *cpuid = calloc(1, sz);

	if (!cpuid)
		fail("calloc");
	cpuid->nent = CPUID_MAX_ENTRIES;
	xioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid, "KVM_GET_SUPPORTED_CPUID");
	xioctl(vcpu, KVM_SET_CPUID2, cpuid, "KVM_SET_CPUID2");
	free(cpuid);
}

struct options {
	bool irqchip, sync_regs, mark;
	const char *image;
};

static void parse_options(int argc, char **argv, struct options *o)
{
	memset(o, 0, sizeof(*o));
	for (; argc > 2 && argv[1][0] == '-'; argc--, argv++) {
		if (!strcmp(argv[1], "--irqchip"))
			o->irqchip = true;
		else if (!strcmp(argv[1], "--sync-regs"))
			o->sync_regs = true;
		else if (!strcmp(argv[1], "--mark"))
			o->mark = true;
		else
			break;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: bare [--irqchip] [--sync-regs] [--mark] IMAGE\n");
		exit(2);
	}
	o->image = argv[1];
}

/* The VM with its one memslot, holding the image and the boot tables. */
static int create_vm(int kvm, const struct options *o)
{
	int vm = xioctl(kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM");
	uint8_t *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			    0);
	struct kvm_userspace_memory_region slot = { .memory_size = RAM_SIZE };
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY }; /* as vmm */

	if (ram == MAP_FAILED)
		fail("mmap");
	load_image(o->image, ram);
	write_tables(ram);
	slot.userspace_addr = (uintptr_t)ram;
	xioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot, "KVM_SET_USER_MEMORY_REGION");
	if (o->irqchip) {
		xioctl(vm, KVM_CREATE_IRQCHIP, NULL, "KVM_CREATE_IRQCHIP");
		xioctl(vm, KVM_CREATE_PIT2, &pit, "KVM_CREATE_PIT2");
	}
	return vm;
}

static int run(int vcpu, struct kvm_run *run)
{
	for (;;) {
		uint8_t *data;

		if (ioctl(vcpu, KVM_RUN, NULL) < 0) {
			if (errno == EINTR)
				continue;
			fail("KVM_RUN");
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			return 0;
		if (run->exit_reason != KVM_EXIT_IO) {
			fprintf(stderr, "bare: exit reason %u\n", run->exit_reason);
			return STATUS_INTERNAL;
		}
		data = (uint8_t *)run + run->io.data_offset;
		if (run->io.direction == KVM_EXIT_IO_IN)
			memset(data, 0xff, (size_t)run->io.size * run->io.count);
		else if (run->io.port == DEBUG_EXIT_PORT)
			return (data[0] << 1) | 1;
	}
}

int main(int argc, char **argv)
{
	struct options o;
	struct kvm_run *kr;
	int kvm, vm, vcpu;

	parse_options(argc, argv, &o);
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		fail("/dev/kvm");
	vm = create_vm(kvm, &o);
	vcpu = xioctl(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
	kr = mmap(NULL, xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, NULL, "KVM_GET_VCPU_MMAP_SIZE"),
		  PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (kr == MAP_FAILED)
		fail("mmap kvm_run");
	if (o.sync_regs)
		kr->kvm_valid_regs = KVM_SYNC_X86_REGS;
	set_cpuid(kvm, vcpu);
	set_long_mode(vcpu);
	if (o.mark && write(STDOUT_FILENO, "B", 1) != 1)
		fail("write");
	return run(vcpu, kr);
}
