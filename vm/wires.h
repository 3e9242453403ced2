#ifndef WIRES_H
#define WIRES_H

/* What a device is wired to besides its bus range: an interrupt line and
 * the machine's stop line. Both are a function and its context, so a device
 * knows neither the VM nor the run loop (and a fuzzer can wire them to
 * nothing). */

/* An interrupt line: level 1 raises it, 0 lowers it (KVM_IRQ_LINE). */
typedef void irq_fn(void *ctx, int irq, int level);
struct irq_line {
	irq_fn *set;
	void *ctx;
	int irq;
};

/* Ends the run with a vmm exit status (lib/log.h): a power off, a reset,
 * the guest's own status. The first pull wins. */
typedef void stop_fn(void *ctx, int status);
struct stop_line {
	stop_fn *pull;
	void *ctx;
};

static inline void irq_set(const struct irq_line *l, int level)
{
	if (l->set)
		l->set(l->ctx, l->irq, level);
}

static inline void stop_pull(const struct stop_line *s, int status)
{
	if (s->pull)
		s->pull(s->ctx, status);
}

#endif
