#ifndef KVM_H
#define KVM_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"
#include "vm/mem.h"
#include "vm/stats.h"
#include "vm/wires.h"

#define KVM_API_VERSION_NEEDED 12
/* Below the 4 GiB boundary and above the IOAPIC, where kvmtool and QEMU put
 * them: the TSS (3 pages) and identity page table KVM wants on Intel for
 * real mode without unrestricted guest. */

struct vm {
	int kvm_fd;
	int vm_fd;
	int ring_fd; /* an io_uring holding the VM's file, or -1 (vm.c) */
	struct stats *stats;
	uint8_t *ram;
	struct guest_mem mem;
	int nr_slots;         /* memslots in use: RAM, then devices */
	struct bus pio, mmio; /* exits and ring entries go to the devices through these */
	bool told_ioeventfd;  /* a refused KVM_IOEVENTFD is reported once */
	bool has_pit;         /* KVM_CREATE_PIT2 (not with QEMU's pit=off) */
};

/* Every ioctl goes through here, counted for --stats by request name. */
int kvm_call(struct vm *vm, int fd, unsigned long req, void *arg, const char *name);
#define KVM_CALL(vm, fd, req, arg) kvm_call((vm), (fd), (req), (arg), #req)
/* The same, fatal on failure: for calls the VMM cannot run without. */
int kvm_must(struct vm *vm, int fd, unsigned long req, void *arg, const char *name);
#define KVM_MUST(vm, fd, req, arg) kvm_must((vm), (fd), (req), (arg), #req)

/* Open the KVM device and check its API version. */
void vm_open(struct vm *vm, const char *dev_path, struct stats *stats);
int vm_cap(struct vm *vm, long cap);
/* Create the VM with its RAM, in-kernel irqchip and (unless !pit) PIT. */
void vm_create(struct vm *vm, uint64_t ram_size, bool pit);
/* KVM_REINJECT_CONTROL: PIT ticks the guest did not take are dropped, not
 * delivered late (QEMU's kvm-pit.lost_tick_policy=discard); without a PIT,
 * nothing. */
void vm_pit_discard(struct vm *vm);
/* What a PC BIOS leaves in the in-kernel timer and interrupt controllers
 * before it starts an OS, and again on S3 resume (SeaBIOS, as under QEMU):
 * PIT channel 0 in mode 2 with count 65536 (IRQ 0 at 18.2 Hz) and both
 * 8259s initialised on vectors 0x08 and 0x70, the timer, keyboard, cascade
 * and RTC lines unmasked. Without the PIT (QEMU's pit=off) only the PICs. */
void vm_bios_state(struct vm *vm);
/* Register a zone whose writes KVM queues in the ring instead of exiting. */
void vm_add_coalesced(struct vm *vm, uint64_t addr, uint32_t size, bool pio);
/* Back [gpa, gpa + size) outside RAM (a device's memory) with host memory,
 * in the next free memslot, which it returns. With log_dirty, KVM records
 * the pages the guest writes (KVM_MEM_LOG_DIRTY_PAGES). */
int vm_add_memslot(struct vm *vm, uint64_t gpa, uint64_t size, void *host, bool log_dirty);
/* KVM_GET_DIRTY_LOG: a bit per page of the slot written since the last
 * call (which KVM clears), in 64-bit words. */
void vm_dirty_log(struct vm *vm, int slot, uint64_t *bitmap);
/* An interrupt line of the in-kernel irqchip, for a device (vm/wires.h). */
struct irq_line vm_irq_line(struct vm *vm, int irq);
/* KVM_IOEVENTFD for a device (vm/wires.h). */
struct ioeventfd_line vm_ioeventfd_line(struct vm *vm);
void vm_destroy(struct vm *vm);

#endif
