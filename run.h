#ifndef RUN_H
#define RUN_H

#include "vcpu.h"

#define RUN_TICK_MS 10 /* how often the loop gets control back, at the latest */

/* Periodic host work the loop knows nothing about: console I/O, timeouts. */
struct run_hooks {
	void (*tick)(void *ctx);
	void *ctx;
};

/* SIGINT, SIGTERM and SIGHUP end the run (through immediate_exit); SIGALRM
 * every RUN_TICK_MS gets a guest that never exits back to the loop. */
void run_signals_install(struct vcpu *v);
/* KVM_RUN until a device, a signal or an exit ends the run; returns the
 * run's exit status. */
int run_loop(struct vcpu *v, const struct run_hooks *hooks);

#endif
