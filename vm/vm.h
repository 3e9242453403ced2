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
 * delivered late (QEMU's kvm-pit.lost_tick_policy=discard). */
void vm_pit_discard(struct vm *vm);
/* Program PIT channel 0 (mode, initial count; 0 means 65536), as the
 * guest would through port 0x43 and 0x40 (KVM_SET_PIT2). */
void vm_pit_program(struct vm *vm, int mode, uint16_t count);
/* Initialise both 8259s as ICW1-ICW4 would (edge, cascade on IR2, 8086
 * mode), at these vector bases and with these masks (KVM_SET_IRQCHIP). */
void vm_pic_program(struct vm *vm, uint8_t base1, uint8_t base2, uint8_t mask1, uint8_t mask2);
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
