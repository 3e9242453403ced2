/* Holding vCPUs out of KVM_RUN, for a debugger's all-stop and for ACPI S3:
 * the reasons (run_hold_reason), the parking, the sleep line's two pulls.
 * The run loop (vm/run.c) only calls run_park and run_resume_if_woken. */
#include "vm/run.h"

/* A held vCPU, settled, waits here without using CPU until released. */
void run_park(struct run_thread *t)
{
	struct run *r = t->run;

	pthread_mutex_lock(&r->park_lock);
	t->parked = true;
	pthread_cond_broadcast(&r->park_cond);
	while (__atomic_load_n(&t->held, __ATOMIC_SEQ_CST) && !run_stopping(r))
		pthread_cond_wait(&r->park_cond, &r->park_lock);
	t->parked = false;
	pthread_mutex_unlock(&r->park_lock);
	vcpu_end_stop(t->vcpu);
}

/* From the vCPU that wrote SLP_EN: it parks before its next KVM_RUN, the
 * others as soon as the kick gets them out of theirs. */
static void pull_sleep(void *ctx)
{
	run_hold(ctx, -1, RUN_HOLD_SLEEP);
}

/* From the host thread's tick (an RTC alarm, a key): run_machine resumes
 * the machine once every vCPU has parked. */
static void pull_wake(void *ctx)
{
	struct run *r = ctx;

	pthread_mutex_lock(&r->park_lock);
	r->woken = __atomic_load_n(&r->threads[0].held, __ATOMIC_SEQ_CST) & RUN_HOLD_SLEEP;
	pthread_mutex_unlock(&r->park_lock);
}

struct sleep_line run_sleep_line(struct run *r)
{
	return (struct sleep_line){ pull_sleep, pull_wake, r };
}

/* Woken from S3 once every vCPU has parked: firmware's resume (the hook),
 * then let them run. */
void run_resume_if_woken(struct run *r, const struct run_hooks *h)
{
	bool all = true;

	pthread_mutex_lock(&r->park_lock);
	for (int i = 0; i < r->nr; i++)
		all = all && r->threads[i].parked;
	if (!r->woken || !all) {
		pthread_mutex_unlock(&r->park_lock);
		return;
	}
	r->woken = false;
	pthread_mutex_unlock(&r->park_lock);
	h->resume(h->ctx);
	run_release(r, -1, RUN_HOLD_SLEEP);
}

void run_hold(struct run *r, int i, int reason)
{
	/* Under the lock that run_request_stop() takes before stop_vcpus()
	 * joins the threads, so no kick goes to a joined thread. */
	pthread_mutex_lock(&r->park_lock);
	for (int k = i < 0 ? 0 : i; k < (i < 0 ? r->nr : i + 1); k++) {
		struct run_thread *t = &r->threads[k];

		__atomic_or_fetch(&t->held, reason, __ATOMIC_SEQ_CST);
		/* Out of a KVM_RUN in progress; the loop checks held before the
		 * next (a thread not started yet sees it there too). */
		if (t->thread && !run_stopping(r))
			run_kick(t);
	}
	pthread_mutex_unlock(&r->park_lock);
	look_wake(&r->look); /* a look waiting for this thread gives up */
}

bool run_wait_held(struct run *r)
{
	bool waiting = true;

	pthread_mutex_lock(&r->park_lock);
	while (waiting && !run_stopping(r)) {
		waiting = false;
		for (int k = 0; k < r->nr; k++)
			waiting |= __atomic_load_n(&r->threads[k].held, __ATOMIC_SEQ_CST) &&
				   !r->threads[k].parked;
		if (waiting)
			pthread_cond_wait(&r->park_cond, &r->park_lock);
	}
	pthread_mutex_unlock(&r->park_lock);
	return !run_stopping(r);
}

void run_release(struct run *r, int i, int reason)
{
	pthread_mutex_lock(&r->park_lock);
	for (int k = i < 0 ? 0 : i; k < (i < 0 ? r->nr : i + 1); k++)
		__atomic_and_fetch(&r->threads[k].held, ~reason, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(&r->park_cond);
	pthread_mutex_unlock(&r->park_lock);
}
