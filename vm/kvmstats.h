#ifndef KVMSTATS_H
#define KVMSTATS_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/vm.h"

#define KVMSTATS_MAX 2

/* Counters of one vCPU from KVM's binary statistics (api.rst, 4.133
 * KVM_GET_STATS_FD), found by name once and then read with one pread: a
 * read that never disturbs the vCPU, even while it sleeps in KVM_RUN. */
struct kvmstats {
	int fd; /* -1: KVM has no statistics file, or not these counters */
	int nr;
	uint32_t offset[KVMSTATS_MAX]; /* of each counter, from the start of the file */
	uint32_t lo, hi;               /* the bytes one pread covers */
};

/* Open the statistics of a vCPU and find the named cumulative counters;
 * if one is missing, there are none (fd -1). */
void kvmstats_open(struct kvmstats *s, struct vm *vm, int vcpu_fd, const char *const *names, int n);
/* The sum of the counters, or 0 without them. */
uint64_t kvmstats_sum(const struct kvmstats *s);
void kvmstats_close(struct kvmstats *s);

#endif
