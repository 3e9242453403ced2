#include <stdio.h>
#include <unistd.h>

#include "lib/log.h"
#include "vm/ring.h"
#include "vm/vcpu.h"
#include "vm/vm.h"

void ring_init(struct ring *r, struct vm *vm, const struct vcpu *first)
{
	long page = sysconf(_SC_PAGESIZE);
	int ring_page = vm_cap(vm, KVM_CAP_COALESCED_MMIO);

	r->page = NULL;
	r->max = 0;
	r->pio = &vm->pio;
	r->mmio = &vm->mmio;
	r->stats = vm->stats;
	if (ring_page <= 0 || (size_t)(ring_page + 1) * page > first->run_size)
		return;
	r->page = (void *)((char *)first->run + (size_t)ring_page * page);
	r->max = (page - sizeof(*r->page)) / sizeof(r->page->coalesced_mmio[0]);
}

static void trace_entry(const struct kvm_coalesced_mmio *e)
{
	uint64_t data = 0;

	for (uint32_t i = e->len; i-- > 0;)
		data = data << 8 | e->data[i];
	fprintf(log_stream(), "[ring] %s %#llx len %u data %#llx\n", e->pio ? "out" : "mmio-write",
		(unsigned long long)e->phys_addr, e->len, (unsigned long long)data);
}

unsigned ring_drain(struct ring *r)
{
	struct kvm_coalesced_mmio_ring *ring = r->page;
	struct stats *s = r->stats;
	unsigned n = 0;
	uint32_t first, last;

	if (!ring)
		return 0;
	/* KVM is the producer (advances 'last'), we are the consumer ('first').
	 * Acquire on 'last' so the entry's contents are visible before we read
	 * them; release on 'first' so KVM does not reuse a slot we still read. */
	first = ring->first;
	last = __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE);
	/* KVM keeps both below max; reduced anyway, a corrupt index costs at
	 * most one ring of entries instead of a loop that never ends. */
	first %= r->max;
	last %= r->max;
	while (first != last) {
		struct kvm_coalesced_mmio e = ring->coalesced_mmio[first];
		struct io_access a = { .data = e.data, .write = true, .from_ring = true };

		if (e.len > sizeof(e.data))
			e.len = sizeof(e.data); /* never trust a length to index with */
		a.len = e.len;
		if (s->trace)
			trace_entry(&e);
		stats_count(&s->ring, e.phys_addr, true);
		bus_dispatch(e.pio ? r->pio : r->mmio, e.phys_addr, &a);
		first = (first + 1) % r->max;
		__atomic_store_n(&ring->first, first, __ATOMIC_RELEASE);
		n++;
	}
	if (n) {
		s->ring_drained += n;
		s->ring_drains++;
	}
	return n;
}
