#ifndef RUN_H
#define RUN_H

#include "vm/vcpu.h"

#define RUN_TICK_MS 10 /* host work and halt checks happen at least this often */

/* Host work the loop knows nothing about (console, timeouts), run by the
 * host thread under the VM's I/O lock at every tick and on input. */
struct run_hooks {
	void (*tick)(void *ctx);
	/* Checks that may end the run (timeouts), without the I/O lock: a vCPU
	 * stuck in a write while holding it cannot hold them off. */
	void (*watch)(void *ctx);
	int (*input_fd)(void *ctx); /* an fd whose input wakes the host thread, or -1 */
	void *ctx;
	void (*snapshot)(void *ctx); /* on SIGUSR1: save what the guest shows; may be NULL */
};

/* Run every vCPU in a thread of its own until a device, a signal, an exit
 * or a hook ends the run; the calling thread does the host work. SIGINT,
 * SIGTERM and SIGHUP end the run; SIGUSR1 calls the snapshot hook. Returns
 * the run's exit status. */
int run_machine(struct vm *vm, struct vcpu *vcpus, int n, const struct run_hooks *hooks);

#endif
