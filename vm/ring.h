#ifndef RING_H
#define RING_H

#include <linux/kvm.h>
#include <stdint.h>

#include "vm/bus.h"
#include "vm/stats.h"

struct vm;
struct vcpu;

/* The coalesced MMIO/PIO ring: one page per VM that KVM fills with the
 * writes to coalesced zones instead of exiting, and that vmm empties. */
struct ring {
	struct kvm_coalesced_mmio_ring *page; /* NULL: no ring on this host */
	uint32_t max;                         /* entries the page holds */
	struct bus *pio, *mmio;               /* where the entries are replayed */
	struct stats *stats;
};

/* The ring shows in every vCPU's kvm_run mapping, at the page offset that
 * KVM_CAP_COALESCED_MMIO returns (api.rst); take it from the first. */
void ring_init(struct ring *r, struct vm *vm, const struct vcpu *first);
/* Replay, in order, every write KVM queued since the last drain, through
 * the same buses as exits. Call before handling any exit and on every way
 * out of the loop. Returns the number of entries. */
unsigned ring_drain(struct ring *r);

#endif
