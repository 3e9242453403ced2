#include <stdlib.h>

#include "lib/log.h"
#include "vm/watch.h"

/* KVM's count of the HLTs a vCPU executed (arch/x86/kvm). Not
 * halt_wakeup: a timer interrupt kicks a vCPU halted with interrupts off
 * too, which then goes back to sleep without running. */
#define HALT_COUNTER "halt_exits"

void watch_init(struct watch *w, struct vm *vm, struct vcpu *vcpus, int nr)
{
	w->nr = nr;
	w->halts = calloc(nr, sizeof(*w->halts));
	w->exits = calloc(nr, sizeof(*w->exits));
	w->hlts = calloc(nr, sizeof(*w->hlts));
	if (!w->halts || !w->exits || !w->hlts)
		die_errno("calloc");
	for (int i = 0; i < nr; i++)
		kvmstats_open(&w->halts[i], vm, vcpus[i].fd, HALT_COUNTER);
	w->next_look = 0;
	w->wait = WATCH_QUIET_MS;
}

unsigned watch_note(struct watch *w, int i, uint64_t exits)
{
	uint64_t hlts = kvmstats_read(&w->halts[i]);
	unsigned moved = (exits != w->exits[i] ? WATCH_EXITS : 0) |
			 (hlts != w->hlts[i] ? WATCH_HALTS : 0);

	w->exits[i] = exits;
	w->hlts[i] = hlts;
	return moved;
}

void watch_stats_fds(const struct watch *w, int *first, int *last)
{
	*first = *last = -1;
	for (int i = 0; i < w->nr; i++) {
		int fd = w->halts[i].fd;

		if (fd >= 0 && (*first < 0 || fd < *first))
			*first = fd;
		if (fd > *last)
			*last = fd;
	}
}

bool watch_moved_since(const struct watch *w, int i, uint64_t exits)
{
	return exits != w->exits[i];
}

/* A look comes WATCH_QUIET_MS after the last exit, the next ones twice as
 * far apart each time, up to WATCH_WAIT_MAX_MS, and only in a tick in
 * which nothing moved. A vCPU halted for good moves nothing; one idle
 * with interrupts on executes HLT again each time its timer wakes it, and
 * the looks at it stay far apart: only an exit (output, a device) says the
 * guest may have done something new. (Without KVM's counter only the exits
 * tell: the looks then follow the same schedule.) */
bool watch_due(struct watch *w, unsigned moved, int64_t now)
{
	if (moved & WATCH_EXITS) {
		w->wait = WATCH_QUIET_MS;
		w->next_look = now + w->wait;
		return false;
	}
	if (moved || now < w->next_look)
		return false;
	w->wait = w->wait * 2 < WATCH_WAIT_MAX_MS ? w->wait * 2 : WATCH_WAIT_MAX_MS;
	w->next_look = now + w->wait;
	return true;
}

void watch_destroy(struct watch *w)
{
	for (int i = 0; w->halts && i < w->nr; i++)
		kvmstats_close(&w->halts[i]);
	free(w->halts);
	free(w->exits);
	free(w->hlts);
	w->halts = NULL;
	w->exits = w->hlts = NULL;
}
