#ifndef WATCH_H
#define WATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vm/kvmstats.h"
#include "vm/vcpu.h"

#define WATCH_QUIET_MS 10      /* after an exit, before a first look */
#define WATCH_WAIT_MAX_MS 1280 /* between looks at a guest that makes no exit */

/* The host thread's view of the vCPUs between looks: what moved since the
 * last tick, from the exits to userspace and KVM's own count of HLTs
 * (halt_exits, vm/kvmstats.h). A look costs each vCPU a trip out of
 * KVM_RUN, so it is taken only when nothing has moved for a tick, and at a
 * guest that makes no exit ever more rarely. */
enum watch_moved {
	WATCH_EXITS = 1, /* an exit to userspace: the guest is doing something */
	WATCH_HALTS = 2, /* a HLT executed: an idle guest woken by its timer */
};

struct watch {
	struct kvmstats *halts; /* each vCPU's halt_exits */
	uint64_t *exits, *hlts; /* each vCPU's counts at the last tick */
	int nr;
	int64_t next_look; /* ms, CLOCK_MONOTONIC */
	int64_t wait;      /* ms from this look to the next, if no exit comes */
};

void watch_init(struct watch *w, struct vm *vm, struct vcpu *vcpus, int nr);
/* Each tick, for each vCPU, its exits to userspace so far: what moved
 * since the last tick (enum watch_moved). */
unsigned watch_note(struct watch *w, int i, uint64_t exits);
/* Whether vCPU i's exits differ from what the last watch_note saw. */
bool watch_moved_since(const struct watch *w, int i, uint64_t exits);
/* Then: whether to look at every vCPU now, given what moved in any vCPU
 * and the time in ms. */
bool watch_due(struct watch *w, unsigned moved, int64_t now);
/* The lowest and highest of the statistics fds it reads (pread), for the
 * sandbox; -1 and -1 without any. */
void watch_stats_fds(const struct watch *w, int *first, int *last);
void watch_destroy(struct watch *w);

#endif
