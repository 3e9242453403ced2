#include <stdio.h>

#include "vm/ring.h"

static void trace_entry(const struct stats *s, const struct kvm_coalesced_mmio *e)
{
	uint64_t data = 0;

	for (uint32_t i = e->len; i-- > 0;)
		data = data << 8 | e->data[i];
	fprintf(s->out, "[ring] %s %#llx len %u data %#llx\n", e->pio ? "out" : "mmio-write",
		(unsigned long long)e->phys_addr, e->len, (unsigned long long)data);
}

unsigned ring_drain(struct vm *vm)
{
	struct kvm_coalesced_mmio_ring *ring = vm->ring;
	struct stats *s = vm->stats;
	unsigned n = 0;
	uint32_t first, last;

	if (!ring)
		return 0;
	/* KVM is the producer (advances 'last'), we are the consumer ('first').
	 * Acquire on 'last' so the entry's contents are visible before we read
	 * them; release on 'first' so KVM does not reuse a slot we still read. */
	first = ring->first;
	last = __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE);
	/* KVM keeps both below ring_max; reduced anyway, a corrupt index costs
	 * at most one ring of entries instead of a loop that never ends. */
	first %= vm->ring_max;
	last %= vm->ring_max;
	while (first != last) {
		struct kvm_coalesced_mmio e = ring->coalesced_mmio[first];

		if (e.len > sizeof(e.data))
			e.len = sizeof(e.data); /* never trust a length to index with */
		if (s->trace)
			trace_entry(s, &e);
		stats_count(&s->ring, e.phys_addr);
		bus_dispatch(e.pio ? &vm->pio : &vm->mmio, e.phys_addr, e.data, e.len, true,
			     NULL);
		first = (first + 1) % vm->ring_max;
		__atomic_store_n(&ring->first, first, __ATOMIC_RELEASE);
		n++;
	}
	if (n) {
		s->ring_drained += n;
		s->ring_drains++;
	}
	return n;
}
