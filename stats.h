#ifndef STATS_H
#define STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define STATS_MAX_EXIT 64     /* KVM_EXIT_* reasons counted one by one */
#define STATS_MAX_ADDRS 32    /* distinct ports / MMIO addresses listed */
#define STATS_MAX_IOCTLS 32

struct counter {
	uint64_t key;
	const char *name;
	uint64_t count;
};

/* A small table of counters; keys past its size are summed in 'other'. */
struct counter_table {
	struct counter c[STATS_MAX_ADDRS];
	int nr;
	uint64_t other;
};

/* What --stats prints at exit and what --trace prints as it happens. */
struct stats {
	bool enabled;
	bool trace;
	FILE *out;
	uint64_t exits[STATS_MAX_EXIT];
	uint64_t exits_other;
	struct counter_table pio, mmio;  /* exits to userspace, by address */
	struct counter_table ring;       /* coalesced entries, by address */
	uint64_t ring_drained;
	uint64_t ring_drains;            /* drains that found at least one entry */
	struct counter ioctls[STATS_MAX_IOCTLS];
	int nr_ioctls;
	uint64_t tx_dropped;             /* guest output bytes the host refused */
};

void stats_init(struct stats *s, bool enabled, bool trace, FILE *out);
void stats_ioctl(struct stats *s, unsigned long req, const char *name);
void stats_exit(struct stats *s, uint32_t reason);
void stats_count(struct counter_table *t, uint64_t key);
void stats_print(const struct stats *s);
/* Name of a KVM_EXIT_* reason, for --trace and --stats. */
const char *stats_exit_name(uint32_t reason);

#endif
