#include <string.h>

#include "devices/hypercall.h"

static uint64_t hypercall_do(const struct kvm_regs *r)
{
	switch (r->rax) {
	case HC_VERSION:
		return HYPERCALL_VERSION;
	case HC_ADD:
		return r->rdi + r->rsi;
	default:
		return (uint64_t)-1;
	}
}

static void hypercall_io(void *dev, struct io_access *a)
{
	struct hypercall *h = dev;
	struct kvm_regs *regs;

	if (!a->write) {
		memset(a->data, 0xff, a->len);
		return;
	}
	if (a->from_ring || !a->regs) /* never coalesced; no registers to answer in */
		return;
	regs = a->regs->get(a->regs->ctx);
	regs->rax = hypercall_do(regs);
	a->regs->changed(a->regs->ctx);
	h->calls++;
}

int hypercall_init(struct hypercall *h, struct bus *pio, uint16_t port)
{
	memset(h, 0, sizeof(*h));
	return bus_register(pio, port, 1, hypercall_io, h);
}
