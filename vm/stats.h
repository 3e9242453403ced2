#ifndef STATS_H
#define STATS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define STATS_MAX_EXIT 64  /* KVM_EXIT_* reasons counted one by one */
#define STATS_MAX_ADDRS 64 /* distinct ports / MMIO addresses listed */
#define STATS_MAX_IOCTLS 32

struct counter {
	uint64_t key;
	const char *name;
	uint64_t count;
	uint64_t writes; /* of count, the writes (the rest are reads) */
};

/* A small table of counters; keys past its size are summed in 'other'. */
struct counter_table {
	struct counter c[STATS_MAX_ADDRS];
	int nr;
	uint64_t other;
};

/* One vCPU's exits, written only by its own thread. */
struct exit_stats {
	uint64_t exits[STATS_MAX_EXIT];
	uint64_t exits_other;
	struct counter_table pio, mmio; /* exits to userspace, by address */
};

/* What --stats prints at exit and what --trace prints as it happens: the
 * machine-wide part. Ring counters change under the VM's I/O lock; ioctl
 * counters under their own, since every vCPU thread makes ioctls. */
struct stats {
	bool enabled;
	bool trace;
	struct counter_table ring; /* coalesced entries, by address */
	uint64_t ring_drained;
	uint64_t ring_drains; /* drains that found at least one entry */
	pthread_mutex_t ioctl_lock;
	struct counter ioctls[STATS_MAX_IOCTLS];
	int nr_ioctls;
	uint64_t tx_dropped; /* guest output bytes the host refused */
};

void stats_init(struct stats *s, bool enabled, bool trace);
void stats_ioctl(struct stats *s, unsigned long req, const char *name);
void stats_exit(struct exit_stats *s, uint32_t reason);
void stats_count(struct counter_table *t, uint64_t key, bool write);
/* Totals over all vCPUs, then each vCPU's exits when there are several. */
void stats_print(const struct stats *s, const struct exit_stats *const *vcpus, int n);
/* Name of a KVM_EXIT_* reason, for --trace and --stats. */
const char *stats_exit_name(uint32_t reason);

#endif
