#include <errno.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "lib/machine.h"
#include "vm/look.h"
#include "vm/stats.h"

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
	struct run *r = t->run;

	pthread_mutex_lock(&r->look_lock);
	if (__atomic_load_n(&r->looking, __ATOMIC_SEQ_CST)) {
		unsigned look = r->look;

		r->look_parked++;
		pthread_cond_broadcast(&r->look_cond);
		while (__atomic_load_n(&r->looking, __ATOMIC_SEQ_CST) && r->look == look) {
			if (r->look_recording == look && t->seen_look != look) {
				pthread_mutex_unlock(&r->look_lock);
				look_at(t); /* every vCPU is parked: its state holds still */
				pthread_mutex_lock(&r->look_lock);
				t->seen_look = look;
				if (r->look ==
				    look) /* a look given up on is not counted in the next */
					r->look_recorded++;
				pthread_cond_broadcast(&r->look_cond);
				continue;
			}
			pthread_cond_wait(&r->look_cond, &r->look_lock);
		}
	}
	pthread_mutex_unlock(&r->look_lock);
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

/* Wait, under look_lock, until *count reaches every vCPU; false if the
 * run stops or RUN_PARK_MS pass first. */
static bool wait_all(struct run *r, const int *count, const struct timespec *limit)
{
	while (*count < r->nr && !run_stopping(r) && !any_held(r) &&
	       pthread_cond_timedwait(&r->look_cond, &r->look_lock, limit) == 0)
		;
	return *count == r->nr;
}

/* Park every vCPU thread, then have each record its vCPU; true if all did
 * within RUN_PARK_MS. Always followed by unpark(). */
static bool look(struct run *r)
{
	struct timespec limit;
	bool all;

	pthread_mutex_lock(&r->look_lock);
	r->look++;
	r->look_parked = r->look_recorded = 0;
	__atomic_store_n(&r->looking, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&r->look_lock);
	for (int i = 0; i < r->nr; i++)
		run_kick(&r->threads[i]);
	clock_gettime(CLOCK_MONOTONIC, &limit);
	limit.tv_nsec += RUN_PARK_MS * 1000000L;
	limit.tv_sec += limit.tv_nsec / 1000000000L;
	limit.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&r->look_lock);
	all = wait_all(r, &r->look_parked, &limit);
	if (all) {
		r->look_recording = r->look;
		pthread_cond_broadcast(&r->look_cond);
		all = wait_all(r, &r->look_recorded, &limit);
	}
	pthread_mutex_unlock(&r->look_lock);
	return all;
}

static void unpark(struct run *r)
{
	pthread_mutex_lock(&r->look_lock);
	__atomic_store_n(&r->looking, 0, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(&r->look_cond);
	pthread_mutex_unlock(&r->look_lock);
}

/* The run is over by itself when every vCPU waits for another at once:
 * none can ever run again. Only a look sees them all at once. */
void look_check_over(struct run *r)
{
	bool over = !any_held(r) && look(r);

	/* Only this look's records: a thread late for an earlier one may
	 * still be writing its own (it sets seen_look last, under the lock). */
	pthread_mutex_lock(&r->look_lock);
	for (int i = 0; over && i < r->nr; i++)
		over = r->threads[i].seen_look == r->look && waits_for_good(&r->threads[i].seen);
	pthread_mutex_unlock(&r->look_lock);
	if (over)
		run_request_stop(r, STATUS_HALT); /* before unpark: no thread enters again */
	unpark(r);
}

/* SIGQUIT, Ctrl-A w: what each vCPU is doing; the guest goes on. */
void look_report(struct run *r)
{
	look(r);
	unpark(r);                         /* the records stay: only the host thread starts looks */
	pthread_mutex_lock(&r->look_lock); /* a thread late for this look may be writing */
	for (int i = 0; i < r->nr; i++) {
		const struct run_thread *t = &r->threads[i];

		if (t->seen_look == r->look)
			print_seen(log_stream(), i, &t->seen);
		else if (__atomic_load_n(&t->held, __ATOMIC_SEQ_CST))
			warn("cpu %d: held by the debugger", i);
		else if (any_held(r))
			warn("cpu %d: not looked at while the debugger holds another", i);
		else
			warn("cpu %d: did not leave KVM_RUN within %d ms", i, RUN_PARK_MS);
	}
	pthread_mutex_unlock(&r->look_lock);
}
