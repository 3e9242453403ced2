#ifndef BUS_H
#define BUS_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>

#define BUS_MAX_RANGES 32
#define BUS_MAX_LOGGED 64 /* unclaimed addresses reported once each */

/* The registers of the vCPU whose exit an access is, for a device that
 * takes arguments in them (the hypercall port). get() costs nothing with
 * sync_regs and a KVM_GET_REGS without; a device that changes them calls
 * changed() so they go back before the next KVM_RUN. */
struct io_regs {
	struct kvm_regs *(*get)(void *ctx);
	void (*changed)(void *ctx);
	void *ctx;
};

/* One guest access as a device sees it: an offset into the device's range. */
struct io_access {
	uint64_t offset;
	uint8_t *data;
	uint32_t len;
	bool write;
	/* Replayed from the coalesced ring: the vCPU that made it has long
	 * moved on, so there are no registers (regs is NULL). */
	bool from_ring;
	const struct io_regs *regs;
};

/* PIO and MMIO handlers share this signature. */
typedef void (*io_fn)(void *dev, struct io_access *a);

struct bus_range {
	uint64_t base;
	uint64_t len;
	io_fn fn;
	void *dev;
};

struct bus {
	const char *name; /* "port" or "mmio", for messages */
	struct bus_range range[BUS_MAX_RANGES];
	int nr;
	uint64_t logged[BUS_MAX_LOGGED];
	int nr_logged;
};

void bus_init(struct bus *b, const char *name);
/* Claim [base, base + len) for a device; -1 when it overlaps or is full. */
int bus_register(struct bus *b, uint64_t base, uint64_t len, io_fn fn, void *dev);
/* Release the range that starts at base and belongs to dev (a PCI BAR
 * that moves or stops decoding); -1 when there is none. */
int bus_unregister(struct bus *b, uint64_t base, void *dev);
/* Hand one access at addr to the device that claims it, with a->offset set
 * to where it falls in the device's range. Unclaimed reads return all ones,
 * unclaimed writes are dropped; both are logged once per address. Returns
 * false when no device claimed it. */
bool bus_dispatch(struct bus *b, uint64_t addr, struct io_access *a);

#endif
