#ifndef LOOK_H
#define LOOK_H

#include <pthread.h>
#include <stdbool.h>

/* A look at every vCPU at once: the host thread parks every vCPU thread
 * outside KVM_RUN; once they all are, no guest code runs, and each records
 * what its vCPU is doing (only the thread that runs a vCPU can ask KVM
 * that) for the host thread to read. It costs each vCPU one trip out of
 * KVM_RUN: vm/watch.c decides when one is worth it. */

struct run;
struct run_thread;

/* A look's own state, in struct run: how far the vCPU threads are. */
struct look {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* on CLOCK_MONOTONIC: a look gives up after RUN_PARK_MS */
	int on;              /* a look is on (atomic) */
	unsigned number;     /* its number; under lock, as are the rest */
	unsigned recording;  /* the look whose records are to be taken now */
	int parked, recorded;
};

void look_init(struct look *l);
/* Whether a look is on: a vCPU thread that sees one calls look_park.
 * Inline: every vCPU thread asks before each KVM_RUN. */
static inline bool look_on(struct look *l)
{
	return __atomic_load_n(&l->on, __ATOMIC_SEQ_CST);
}
/* A look waiting for the vCPU threads checks again whether to give up
 * (the run stops, a vCPU is held). */
void look_wake(struct look *l);
void look_destroy(struct look *l);

/* A vCPU thread, when look_on. */
void look_park(struct run_thread *t);
/* The host thread: end the run (STATUS_HALT) if every vCPU waits for
 * another (vm/watch.h), so that none can ever run again. */
void look_check_over(struct run *r);
/* The host thread: one line per vCPU on f; the guest goes on. */
void look_report(struct run *r);

#endif
