#ifndef KVMSTATS_H
#define KVMSTATS_H

#include <stdint.h>

#include "vm/vm.h"

/* One counter of one vCPU from KVM's binary statistics (api.rst, 4.133
 * KVM_GET_STATS_FD), found by name once and then read with one pread: a
 * read that never disturbs the vCPU, even while it sleeps in KVM_RUN. */
struct kvmstats {
	int fd;          /* -1: KVM has no statistics file, or not this counter */
	uint32_t offset; /* of the counter, from the start of the file */
};

/* Open the statistics of a vCPU and find the named cumulative counter;
 * without it, fd is -1. */
void kvmstats_open(struct kvmstats *s, struct vm *vm, int vcpu_fd, const char *name);
/* The counter's value, or 0 without it. */
uint64_t kvmstats_read(const struct kvmstats *s);
void kvmstats_close(struct kvmstats *s);

#endif
