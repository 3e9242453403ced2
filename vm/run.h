#ifndef RUN_H
#define RUN_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "vm/ring.h"
#include "vm/vcpu.h"
#include "vm/wires.h"

#define RUN_TICK_MS 10          /* host work and halt checks happen at least this often */
#define RUN_KICK_SIGNAL SIGUSR2 /* interrupts a vCPU thread's KVM_RUN (host/signals.c) */

/* Host work the loop knows nothing about (console, snapshots, signals). */
struct run_hooks {
	/* At every tick and on input, under the I/O lock. */
	void (*tick)(void *ctx);
	/* As often, without the I/O lock, for what may end the run (signals):
	 * a vCPU stuck in a write while holding the lock cannot hold it off. */
	void (*watch)(void *ctx);
	int (*input_fd)(void *ctx); /* an fd whose input wakes the host thread, or -1 */
	/* Waking from ACPI S3, every vCPU stopped: set their state as
	 * firmware does on resume. */
	void (*resume)(void *ctx);
	void *ctx;
};

struct run;

/* One vCPU's thread. */
struct run_thread {
	struct run *run;
	struct vcpu *vcpu;
	pthread_t thread;
	int halted_ticks; /* ticks in a row found halted for good (atomic) */
	bool parked;      /* stopped for S3 (under sleep_lock) */
};

/* ACPI S3: awake, asleep (vCPUs park at their next exit), or woken (the
 * host thread resumes them once all are parked). */
enum run_power { RUN_AWAKE, RUN_ASLEEP, RUN_WOKEN };

/* The run loop's own state: what the threads share while the guest runs. */
struct run {
	struct vm *vm;
	struct run_thread *threads; /* one per vCPU */
	int nr;
	struct ring ring;
	/* Devices, the ring and the console are touched by every vCPU thread
	 * and the host thread: one lock, held while an exit or a tick runs. */
	pthread_mutex_t io_lock;
	int stop_status; /* -1 while running; set once, atomically */
	int wake_fd;     /* eventfd: tells the host thread a stop was asked */
	double timeout;  /* seconds; 0: none */
	struct timespec deadline;
	enum run_power power; /* under sleep_lock */
	pthread_mutex_t sleep_lock;
	pthread_cond_t sleep_cond; /* a vCPU parked, or the machine woke or stops */
};

/* After the vCPUs exist (the coalesced ring is found through the first). */
void run_init(struct run *r, struct vm *vm, struct vcpu *vcpus, int n, double timeout);
/* The stop line devices pull (vm/wires.h): run_request_stop(). */
struct stop_line run_stop_line(struct run *r);
/* The sleep line the ACPI PM pulls (vm/wires.h). */
struct sleep_line run_sleep_line(struct run *r);
/* Ask the run to end with this status (first request wins); any thread. */
void run_request_stop(struct run *r, int status);
bool run_stopping(struct run *r);
/* Run every vCPU in a thread of its own until a device, an exit, a hook or
 * the timeout ends the run; the calling thread does the host work. Returns
 * the run's exit status. */
int run_machine(struct run *r, const struct run_hooks *hooks);
void run_destroy(struct run *r);

#endif
