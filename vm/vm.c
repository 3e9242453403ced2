#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/machine.h"
#include "vm/vm.h"

int kvm_call(struct vm *vm, int fd, unsigned long req, void *arg, const char *name)
{
	int r;

	/* Only when asked: counting takes a lock, and this runs per KVM_RUN. */
	if (vm->stats && vm->stats->enabled)
		stats_ioctl(vm->stats, req, name);
	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR && req != KVM_RUN);
	return r;
}

int kvm_must(struct vm *vm, int fd, unsigned long req, void *arg, const char *name)
{
	int r = kvm_call(vm, fd, req, arg, name);

	if (r < 0)
		die_errno(name);
	return r;
}

void vm_open(struct vm *vm, const char *dev_path, struct stats *stats)
{
	int version;

	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = vm->ring_fd = -1;
	vm->stats = stats;
	vm->kvm_fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		int e = errno;

		die(STATUS_HOST, "%s: %s%s", dev_path, strerror(e),
		    e == ENOENT   ? " (is the kvm module loaded?)"
		    : e == EACCES ? " (are you in the kvm group?)"
				  : "");
	}
	version = kvm_call(vm, vm->kvm_fd, KVM_GET_API_VERSION, NULL, "KVM_GET_API_VERSION");
	if (version < 0)
		die(STATUS_HOST, "%s: not a KVM device (KVM_GET_API_VERSION: %s)", dev_path,
		    strerror(errno));
	if (version != KVM_API_VERSION_NEEDED)
		die(STATUS_HOST, "%s: KVM API version %d, vmm needs %d", dev_path, version,
		    KVM_API_VERSION_NEEDED);
}

int vm_cap(struct vm *vm, long cap)
{
	int fd = vm->vm_fd >= 0 ? vm->vm_fd : vm->kvm_fd;
	int r = KVM_CALL(vm, fd, KVM_CHECK_EXTENSION, (void *)cap);

	return r < 0 ? 0 : r;
}

static void add_memslot(struct vm *vm, uint32_t slot, const struct mem_region *r)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.guest_phys_addr = r->gpa,
		.memory_size = r->size,
		.userspace_addr = (uintptr_t)r->host,
	};

	KVM_MUST(vm, vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region);
}

/* Closing a VM waits for SRCU grace periods (the in-kernel devices' buses,
 * the PIT's interrupt notifiers): ~15-25 ms on 6.18, most of a short run.
 * An io_uring whose registered files hold the VM's file takes that wait out
 * of vmm's exit: a ring is released by a kernel worker, so the VM's last
 * reference, and its teardown, go after vmm is reaped (bench/results.md,
 * "Closing a VM"). The vCPUs' files hold the VM too: they are closed first
 * (vcpu_destroy before vm_destroy), or the last of them would do the
 * teardown. Without io_uring the teardown happens at exit, as it did. */
static int defer_teardown(int vm_fd)
{
	struct io_uring_params p = { 0 };
	int ring = (int)syscall(__NR_io_uring_setup, 1, &p);

	if (ring < 0)
		return -1;
	if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_FILES, &vm_fd, 1) < 0) {
		close(ring);
		return -1;
	}
	return ring;
}

void vm_create(struct vm *vm, uint64_t ram_size, bool pit_on)
{
	uint64_t identity = KVM_IDENTITY_MAP_ADDR;
	/* SPEAKER_DUMMY: port 0x61 (channel 2's gate and output, which Linux's
	 * PIT calibration polls) answered by the in-kernel PIT too, as on a PC;
	 * without it, 0x61 is left to user space (KVM API, KVM_CREATE_PIT2). */
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

	vm->vm_fd = KVM_MUST(vm, vm->kvm_fd, KVM_CREATE_VM, 0);
	vm->ring_fd = defer_teardown(vm->vm_fd);
	/* NORESERVE: a large guest costs host memory only as it touches it. */
	vm->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED)
		die_errno("mmap guest RAM");
	mem_layout(&vm->mem, vm->ram, ram_size);
	for (int i = 0; i < vm->mem.nr; i++)
		add_memslot(vm, i, &vm->mem.region[i]);
	vm->nr_slots = vm->mem.nr;

	KVM_MUST(vm, vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity);
	KVM_MUST(vm, vm->vm_fd, KVM_SET_TSS_ADDR, (void *)KVM_TSS_ADDR);
	/* The irqchip before any vCPU, so each vCPU gets an in-kernel LAPIC. */
	KVM_MUST(vm, vm->vm_fd, KVM_CREATE_IRQCHIP, NULL);
	vm->has_pit = pit_on;
	if (pit_on)
		KVM_MUST(vm, vm->vm_fd, KVM_CREATE_PIT2, &pit);
	bus_init(&vm->pio, "port");
	bus_init(&vm->mmio, "mmio");
}

void vm_pit_discard(struct vm *vm)
{
	struct kvm_reinject_control control = { .pit_reinject = 0 };

	if (vm->has_pit)
		KVM_MUST(vm, vm->vm_fd, KVM_REINJECT_CONTROL, &control);
}

/* Program PIT channel 0 (mode, initial count; 0 means 65536), as the
 * guest would through port 0x43 and 0x40 (KVM_SET_PIT2). */
static void pit_program(struct vm *vm, int mode, uint16_t count)
{
	struct kvm_pit_state2 pit;
	struct kvm_pit_channel_state *c = &pit.channels[0];

	KVM_MUST(vm, vm->vm_fd, KVM_GET_PIT2, &pit);
	c->mode = mode;
	c->count = count; /* KVM reloads it: 0 is 65536, and the timer starts */
	c->bcd = 0;
	c->rw_mode = c->read_state = c->write_state = 3; /* low byte, then high byte */
	c->gate = 1;
	KVM_MUST(vm, vm->vm_fd, KVM_SET_PIT2, &pit);
}

/* Initialise both 8259s as ICW1-ICW4 would (edge, cascade on IR2, 8086
 * mode), at these vector bases and with these masks (KVM_SET_IRQCHIP). */
static void pic_program(struct vm *vm, uint8_t base1, uint8_t base2, uint8_t mask1, uint8_t mask2)
{
	for (int chip = KVM_IRQCHIP_PIC_MASTER; chip <= KVM_IRQCHIP_PIC_SLAVE; chip++) {
		struct kvm_irqchip ic = { .chip_id = chip };
		struct kvm_pic_state *p = &ic.chip.pic;

		KVM_MUST(vm, vm->vm_fd, KVM_GET_IRQCHIP, &ic);
		p->irq_base = chip == KVM_IRQCHIP_PIC_MASTER ? base1 : base2;
		p->imr = chip == KVM_IRQCHIP_PIC_MASTER ? mask1 : mask2;
		p->irr = p->isr = p->last_irr = 0;
		p->init_state = 0; /* the ICW sequence is over */
		p->init4 = 1;
		p->auto_eoi = p->rotate_on_auto_eoi = p->special_fully_nested_mode = 0;
		p->read_reg_select = p->poll = p->special_mask = p->priority_add = 0;
		KVM_MUST(vm, vm->vm_fd, KVM_SET_IRQCHIP, &ic);
	}
}

void vm_bios_state(struct vm *vm)
{
	if (vm->has_pit)
		pit_program(vm, PIT_BIOS_MODE, PIT_BIOS_COUNT);
	pic_program(vm, PIC1_BIOS_VECTOR, PIC2_BIOS_VECTOR, BIOS_PIC1_MASK, BIOS_PIC2_MASK);
}

void vm_add_coalesced(struct vm *vm, uint64_t addr, uint32_t size, bool pio)
{
	struct kvm_coalesced_mmio_zone zone = { .addr = addr, .size = size, .pio = pio };

	KVM_MUST(vm, vm->vm_fd, KVM_REGISTER_COALESCED_MMIO, &zone);
}

int vm_add_memslot(struct vm *vm, uint64_t gpa, uint64_t size, void *host, bool log_dirty)
{
	struct kvm_userspace_memory_region region = {
		.slot = vm->nr_slots,
		.flags = log_dirty ? KVM_MEM_LOG_DIRTY_PAGES : 0,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	KVM_MUST(vm, vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region);
	return vm->nr_slots++;
}

void vm_dirty_log(struct vm *vm, int slot, uint64_t *bitmap)
{
	struct kvm_dirty_log log = { .slot = slot, .dirty_bitmap = bitmap };

	KVM_MUST(vm, vm->vm_fd, KVM_GET_DIRTY_LOG, &log);
}

/* KVM_IRQ_LINE on the in-kernel PIC and IOAPIC: ISA IRQ n is pin n of both. */
static void set_irq(void *ctx, int irq, int level)
{
	struct vm *vm = ctx;
	struct kvm_irq_level l = { .irq = irq, .level = level };

	if (vm->stats->trace)
		fprintf(log_stream(), "[irq] %d level %d\n", irq, level);
	KVM_MUST(vm, vm->vm_fd, KVM_IRQ_LINE, &l);
}

struct irq_line vm_irq_line(struct vm *vm, int irq)
{
	return (struct irq_line){ set_irq, vm, irq };
}

/* A refusal (the guest moved a BAR onto another eventfd) is the guest's
 * doing: reported once, and the device takes the writes itself. */
static bool set_ioeventfd(void *ctx, const struct ioeventfd *e, bool assign)
{
	struct vm *vm = ctx;
	struct kvm_ioeventfd io = {
		.datamatch = e->data,
		.addr = e->addr,
		.len = e->len,
		.fd = e->fd,
		.flags = (e->pio ? KVM_IOEVENTFD_FLAG_PIO : 0) |
			 (e->datamatch ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0) |
			 (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};

	if (KVM_CALL(vm, vm->vm_fd, KVM_IOEVENTFD, &io) == 0)
		return true;
	if (!vm->told_ioeventfd) /* the guest may move its BARs again and again */
		warn("KVM_IOEVENTFD at %s %#llx: %s", e->pio ? "port" : "mmio",
		     (unsigned long long)e->addr, strerror(errno));
	vm->told_ioeventfd = true;
	return false;
}

struct ioeventfd_line vm_ioeventfd_line(struct vm *vm)
{
	return (struct ioeventfd_line){ set_ioeventfd, vm };
}

void vm_destroy(struct vm *vm)
{
	if (vm->ram && vm->ram != MAP_FAILED)
		munmap(vm->ram, vm->mem.ram_size);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->ring_fd >= 0)
		close(vm->ring_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->ram = NULL;
	vm->vm_fd = vm->kvm_fd = vm->ring_fd = -1;
}
