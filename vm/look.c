#include <errno.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "lib/machine.h"
#include "vm/look.h"
#include "vm/run.h"
#include "vm/stats.h"

void look_init(struct look *l)
{
	pthread_condattr_t monotonic;

	memset(l, 0, sizeof(*l));
	pthread_mutex_init(&l->lock, NULL);
	pthread_condattr_init(&monotonic);
	/* Looks time out on this clock: without it, each would at once. */
	if ((errno = pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC)))
		die_errno("pthread_condattr_setclock");
	pthread_cond_init(&l->cond, &monotonic);
	pthread_condattr_destroy(&monotonic);
}

void look_wake(struct look *l)
{
	pthread_mutex_lock(&l->lock);
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

void look_destroy(struct look *l)
{
	pthread_mutex_destroy(&l->lock);
	pthread_cond_destroy(&l->cond);
}

/* The x86 states of KVM_GET_MP_STATE (api.rst 4.38). An AP waits for INIT
 * and SIPI, which only another vCPU sends; a HLT with interrupts off wakes
 * only on NMI, SMI or INIT, which vmm's devices never send (a guest could
 * route a device interrupt as an NMI through the IOAPIC: that guest's
 * vCPUs are taken as halted for good too). */
static bool waits_for_good(const struct vcpu_seen *s)
{
	switch (s->mp_state) {
	case KVM_MP_STATE_UNINITIALIZED: /* an AP before INIT */
	case KVM_MP_STATE_INIT_RECEIVED: /* after INIT, before SIPI */
	case KVM_MP_STATE_AP_RESET_HOLD: /* an SEV-ES AP parked until SIPI */
		return true;
	case KVM_MP_STATE_HALTED:
		return !s->irq_on && !s->nmi_pending;
	default: /* RUNNABLE, SIPI_RECEIVED, and any state new to vmm */
		return false;
	}
}

static const char *mp_state_name(uint32_t state)
{
	static const char *const names[] = {
		[KVM_MP_STATE_RUNNABLE] = "RUNNABLE",
		[KVM_MP_STATE_UNINITIALIZED] = "UNINITIALIZED",
		[KVM_MP_STATE_INIT_RECEIVED] = "INIT_RECEIVED",
		[KVM_MP_STATE_HALTED] = "HALTED",
		[KVM_MP_STATE_SIPI_RECEIVED] = "SIPI_RECEIVED",
		[KVM_MP_STATE_AP_RESET_HOLD] = "AP_RESET_HOLD",
	};

	return state < sizeof(names) / sizeof(names[0]) && names[state] ? names[state] : "?";
}

static void print_seen(FILE *f, int id, const struct vcpu_seen *s)
{
	fprintf(f,
		"vmm: cpu %d: mp_state %s, interrupts %s%s, rip %#llx, last exit %s, %llu exits\n",
		id, mp_state_name(s->mp_state), s->irq_on ? "on" : "off",
		s->nmi_pending ? ", NMI pending" : "", (unsigned long long)s->rip,
		s->exits ? stats_exit_name(s->last_exit) : "none", (unsigned long long)s->exits);
}

/* A vCPU ioctl waits while its vCPU is in KVM_RUN: only this thread can
 * ask KVM what its vCPU is doing, so it records it for the host thread. */
static void look_at(struct run_thread *t)
{
	struct vcpu *v = t->vcpu;
	struct kvm_mp_state mp = { KVM_MP_STATE_RUNNABLE }; /* if KVM cannot say */
	struct kvm_vcpu_events ev;
	bool events = KVM_CALL(v->vm, v->fd, KVM_GET_VCPU_EVENTS, &ev) == 0;

	KVM_CALL(v->vm, v->fd, KVM_GET_MP_STATE, &mp);
	t->seen = (struct vcpu_seen){
		.mp_state = mp.mp_state,
		.irq_on = vcpu_regs(v)->rflags & RFLAGS_IF,
		/* A masked pending NMI waits for the handler's IRET, which a
		 * vCPU halted with interrupts off in that handler never runs. */
		.nmi_pending = !events || (ev.nmi.pending && !ev.nmi.masked) || ev.nmi.injected ||
			       ev.smi.pending,
		.rip = vcpu_regs(v)->rip,
		.last_exit = t->last_exit,
		.exits = t->exits,
	};
}

/* Wait outside KVM_RUN until the host thread has read every record; take
 * this vCPU's record once every thread has parked, so that no guest code
 * runs between the first record and the last (an IPI sent after one vCPU
 * recorded would be missed). immediate_exit stays as the kick left it: a
 * debugger's hold may have set it meanwhile. */
void look_park(struct run_thread *t)
{
	struct look *l = &t->run->look;

	pthread_mutex_lock(&l->lock);
	if (look_on(l)) {
		unsigned look = l->number;

		l->parked++;
		pthread_cond_broadcast(&l->cond);
		while (look_on(l) && l->number == look) {
			if (l->recording == look && t->seen_look != look) {
				pthread_mutex_unlock(&l->lock);
				look_at(t); /* every vCPU is parked: its state holds still */
				pthread_mutex_lock(&l->lock);
				t->seen_look = look;
				/* A look given up on is not counted in the next. */
				if (l->number == look)
					l->recorded++;
				pthread_cond_broadcast(&l->cond);
				continue;
			}
			pthread_cond_wait(&l->cond, &l->lock);
		}
	}
	pthread_mutex_unlock(&l->lock);
}

/* A debugger holds some vCPU (run_hold): it stays out of looks, and the
 * run is not over while it does. */
static bool any_held(struct run *r)
{
	for (int i = 0; i < r->nr; i++)
		if (__atomic_load_n(&r->threads[i].held, __ATOMIC_SEQ_CST))
			return true;
	return false;
}

/* Wait, under the look's lock, until *count reaches every vCPU; false if the
 * run stops or RUN_PARK_MS pass first. */
static bool wait_all(struct run *r, const int *count, const struct timespec *limit)
{
	while (*count < r->nr && !run_stopping(r) && !any_held(r) &&
	       pthread_cond_timedwait(&r->look.cond, &r->look.lock, limit) == 0)
		;
	return *count == r->nr;
}

/* Park every vCPU thread, then have each record its vCPU; true if all did
 * within RUN_PARK_MS. Always followed by unpark(). */
static bool look(struct run *r)
{
	struct look *l = &r->look;
	struct timespec limit;
	bool all;

	pthread_mutex_lock(&l->lock);
	l->number++;
	l->parked = l->recorded = 0;
	__atomic_store_n(&l->on, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&l->lock);
	for (int i = 0; i < r->nr; i++)
		run_kick(&r->threads[i]);
	clock_gettime(CLOCK_MONOTONIC, &limit);
	limit.tv_nsec += RUN_PARK_MS * 1000000L;
	limit.tv_sec += limit.tv_nsec / 1000000000L;
	limit.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&l->lock);
	all = wait_all(r, &l->parked, &limit);
	if (all) {
		l->recording = l->number;
		pthread_cond_broadcast(&l->cond);
		all = wait_all(r, &l->recorded, &limit);
	}
	pthread_mutex_unlock(&l->lock);
	return all;
}

static void unpark(struct run *r)
{
	struct look *l = &r->look;

	pthread_mutex_lock(&l->lock);
	__atomic_store_n(&l->on, 0, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

/* The run is over by itself when every vCPU waits for another at once:
 * none can ever run again. Only a look sees them all at once. */
void look_check_over(struct run *r)
{
	bool over = !any_held(r) && look(r);

	/* Only this look's records: a thread late for an earlier one may
	 * still be writing its own (it sets seen_look last, under the lock). */
	pthread_mutex_lock(&r->look.lock);
	for (int i = 0; over && i < r->nr; i++)
		over = r->threads[i].seen_look == r->look.number &&
		       waits_for_good(&r->threads[i].seen);
	pthread_mutex_unlock(&r->look.lock);
	if (over)
		run_request_stop(r, STATUS_HALT); /* before unpark: no thread enters again */
	unpark(r);
}

/* SIGQUIT, Ctrl-A w: what each vCPU is doing; the guest goes on. */
void look_report(struct run *r)
{
	struct look *l = &r->look;

	look(r);
	unpark(r);                    /* the records stay: only the host thread starts looks */
	pthread_mutex_lock(&l->lock); /* a thread late for this look may be writing */
	for (int i = 0; i < r->nr; i++) {
		const struct run_thread *t = &r->threads[i];

		if (t->seen_look == l->number)
			print_seen(log_stream(), i, &t->seen);
		else if (__atomic_load_n(&t->held, __ATOMIC_SEQ_CST))
			warn("cpu %d: held by the debugger", i);
		else if (any_held(r))
			warn("cpu %d: not looked at while the debugger holds another", i);
		else
			warn("cpu %d: did not leave KVM_RUN within %d ms", i, RUN_PARK_MS);
	}
	pthread_mutex_unlock(&l->lock);
}
