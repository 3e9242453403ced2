#ifndef WIRES_H
#define WIRES_H

#include <stdbool.h>
#include <stdint.h>

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

/* Puts the machine to sleep (ACPI S3) and wakes it: sleep() stops every
 * vCPU at its next exit (the one that asked, at once); wake() has the run
 * restart the boot vCPU as firmware does on resume. */
typedef void power_fn(void *ctx);
struct sleep_line {
	power_fn *sleep, *wake;
	void *ctx;
};

/* Lets KVM itself take the guest's writes of len bytes at addr (with
 * datamatch, only those of that value): each signals the eventfd fd and
 * none exits to userspace (KVM_IOEVENTFD). */
struct ioeventfd {
	bool pio;
	uint64_t addr;
	uint32_t len;
	bool datamatch;
	uint64_t data;
	int fd;
};
typedef bool ioeventfd_fn(void *ctx, const struct ioeventfd *e, bool assign);
struct ioeventfd_line {
	ioeventfd_fn *set;
	void *ctx;
};

static inline void irq_set(const struct irq_line *l, int level)
{
	if (l->set)
		l->set(l->ctx, l->irq, level);
}

/* Drive the line to level, raising or lowering it only when that changes
 * (*cur: the level it was left at), as a device's interrupt output does. */
static inline void irq_update(const struct irq_line *l, int *cur, int level)
{
	if (level != *cur) {
		*cur = level;
		irq_set(l, level);
	}
}

static inline void stop_pull(const struct stop_line *s, int status)
{
	if (s->pull)
		s->pull(s->ctx, status);
}

static inline void sleep_pull(const struct sleep_line *s, bool wake)
{
	power_fn *fn = wake ? s->wake : s->sleep;

	if (fn)
		fn(s->ctx);
}

/* false when not wired, or KVM refused: the device then sees the writes. */
static inline bool ioeventfd_set(const struct ioeventfd_line *l, const struct ioeventfd *e,
				 bool assign)
{
	return l->set && l->set(l->ctx, e, assign);
}

#endif
