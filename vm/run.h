#ifndef RUN_H
#define RUN_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "vm/look.h"
#include "vm/ring.h"
#include "vm/vcpu.h"
#include "vm/watch.h"
#include "vm/wires.h"

#define RUN_TICK_MS 10          /* host work happens this often while the guest is busy */
#define RUN_NAP_MAX_MS 160      /* and this often at least while it is quiet */
#define RUN_KICK_SIGNAL SIGUSR2 /* interrupts a vCPU thread's KVM_RUN (host/signals.c) */
#define RUN_PARK_MS 200         /* how long a look waits for every vCPU thread */

/* Host work the loop knows nothing about (console, snapshots, signals). */
struct run_hooks {
	/* At every tick and on input, under the I/O lock: whether it has work
	 * left for the next tick (output not yet taken, a quit pending). */
	bool (*tick)(void *ctx);
	/* As often, without the I/O lock, for what may end the run (signals):
	 * a vCPU stuck in a write while holding the lock cannot hold it off. */
	void (*watch)(void *ctx);
	int (*input_fd)(void *ctx); /* an fd whose input wakes the host thread, or -1 */
	/* Waking from ACPI S3, every vCPU stopped: set their state as
	 * firmware does on resume. */
	void (*resume)(void *ctx);
	void *ctx;
};

/* Why a vCPU is held out of KVM_RUN (run_hold): bits, several at once. */
enum run_hold_reason {
	RUN_HOLD_DEBUG = 1, /* a debugger's all-stop */
	RUN_HOLD_SLEEP = 2, /* ACPI S3 */
};

struct run;

/* What a vCPU's own thread saw of it at a look (vm/look.c): a vCPU ioctl
 * waits for KVM_RUN to return, so only that thread can ask. */
struct vcpu_seen {
	uint32_t mp_state; /* KVM_GET_MP_STATE */
	bool irq_on;       /* RFLAGS.IF */
	bool nmi_pending;  /* an NMI or SMI on its way (KVM_GET_VCPU_EVENTS) */
	uint64_t rip;
	uint32_t last_exit; /* KVM_EXIT_* of its last exit to userspace; 0 before any */
	uint64_t exits;     /* exits to userspace so far */
};

/* One vCPU's thread. */
struct run_thread {
	struct run *run;
	struct vcpu *vcpu;
	pthread_t thread;
	uint64_t exits;     /* to userspace; atomic: the host thread reads it every tick */
	uint32_t last_exit; /* KVM_EXIT_* of the last one */
	/* What this thread saw at the last look, and that look's number: the
	 * host thread reads them while the thread is parked, or after. */
	struct vcpu_seen seen;
	unsigned seen_look;
	int held;    /* run_hold() reasons: stop outside KVM_RUN (atomic) */
	bool parked; /* stopped for run_hold(), under park_lock */
};

/* A debugger's handler of KVM_EXIT_DEBUG (host/gdb.c sets it): called in
 * the vCPU's thread with the I/O lock held; must not block. Returns false
 * when the exit is none of its doing (the run then ends as on any
 * unexpected exit). */
struct run_debug {
	bool (*on_exit)(void *ctx, struct vcpu *v);
	void *ctx;
};

/* The run loop's own state: what the threads share while the guest runs. */
struct run {
	struct vm *vm;
	struct run_thread *threads; /* one per vCPU */
	int nr;
	struct ring ring;
	/* Devices, the ring and the console are touched by every vCPU thread
	 * and the host thread: one lock, held while an exit or a tick runs. */
	pthread_mutex_t io_lock;
	int stop_status;    /* -1 while running; set once, atomically */
	int wake_fd;        /* eventfd: tells the host thread a stop was asked */
	double timeout;     /* seconds; 0: none */
	int64_t deadline;   /* of the timeout, ms on CLOCK_MONOTONIC */
	int napping;        /* the host thread sleeps longer than a tick (atomic) */
	struct watch watch; /* when to look whether the run is over */
	/* A look (vm/look.c): the host thread parks every vCPU thread outside
	 * KVM_RUN; once all are parked, no guest code runs, and each records
	 * what its vCPU is doing for the host to read. */
	struct look look;
	int report; /* print the vCPUs' state at the next tick (atomic) */
	/* All-stop (a debugger, S3): held vCPU threads park on park_cond. */
	pthread_mutex_t park_lock;
	pthread_cond_t park_cond;
	bool woken; /* S3: a wake event came; resume once all are parked (park_lock) */
	struct run_debug debug;
};

/* After the vCPUs exist (the coalesced ring is found through the first). */
void run_init(struct run *r, struct vm *vm, struct vcpu *vcpus, int n, double timeout);
/* The stop line devices pull (vm/wires.h): run_request_stop(). */
struct stop_line run_stop_line(struct run *r);
/* The sleep line the ACPI PM pulls (vm/wires.h): S3 holds every vCPU
 * (RUN_HOLD_SLEEP); a wake resumes them through the resume hook. */
struct sleep_line run_sleep_line(struct run *r);
/* Ask the run to end with this status (first request wins); any thread. */
void run_request_stop(struct run *r, int status);
bool run_stopping(struct run *r);
/* Get a vCPU thread out of KVM_RUN to see a flag just set (stopping,
 * looking): one in KVM_RUN returns at once, one about to enter returns
 * without running (immediate_exit), one outside sees the flag. */
void run_kick(struct run_thread *t);
/* Print each vCPU's state on stderr at the host thread's next tick,
 * without stopping the guest (SIGQUIT, Ctrl-A w); any thread. */
void run_request_report(struct run *r);
/* Run every vCPU in a thread of its own until a device, an exit, a hook or
 * the timeout ends the run; the calling thread does the host work. Returns
 * the run's exit status. */
int run_machine(struct run *r, const struct run_hooks *hooks);
/* ms left before --timeout's deadline (0 once past); INT64_MAX without. */
int64_t run_time_left(const struct run *r);
void run_destroy(struct run *r);

/* All-stop, for a debugger and for S3. run_hold() asks vCPU i (-1: every
 * one) to stop outside KVM_RUN for a reason (run_hold_reason) with its
 * registers settled in kvm_run (vcpu.h, vcpu_prepare_stop); it never
 * blocks, so a vCPU thread may call it too. run_wait_held() waits until
 * every held vCPU has stopped and returns false if the run ends first.
 * run_release() drops the reason for vCPU i (-1: all); a vCPU goes on once
 * no reason holds it. A stopped vCPU costs no CPU, and the run is never
 * over while one is. */
void run_hold(struct run *r, int i, int reason);
/* vm/hold.c for vm/run.c: a held vCPU's thread waits here until released;
 * the host thread resumes a machine woken from S3 once all are parked. */
void run_park(struct run_thread *t);
void run_resume_if_woken(struct run *r, const struct run_hooks *h);
bool run_wait_held(struct run *r);
void run_release(struct run *r, int i, int reason);

#endif
