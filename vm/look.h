#ifndef LOOK_H
#define LOOK_H

#include <stdio.h>

#include "vm/run.h"

/* A look at every vCPU at once: the host thread parks every vCPU thread
 * outside KVM_RUN; once they all are, no guest code runs, and each records
 * what its vCPU is doing (only the thread that runs a vCPU can ask KVM
 * that) for the host thread to read. It costs each vCPU one trip out of
 * KVM_RUN: vm/watch.c decides when one is worth it. */

/* A vCPU thread, when it finds r->looking set. */
void look_park(struct run_thread *t);
/* The host thread: end the run (STATUS_HALT) if every vCPU waits for
 * another (vm/watch.h), so that none can ever run again. */
void look_check_over(struct run *r);
/* The host thread: one line per vCPU on f; the guest goes on. */
void look_report(struct run *r);

#endif
