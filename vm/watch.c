#include <stdlib.h>

#include "lib/log.h"
#include "vm/stats.h"
#include "vm/watch.h"

/* KVM's names for what moves when a vCPU halts or wakes (virt/kvm). */
static const char *const halt_counters[] = { "halt_exits", "halt_wakeup" };

/* The x86 states of KVM_GET_MP_STATE (api.rst 4.38). An AP waits for INIT
 * and SIPI, which only another vCPU sends; a HLT with interrupts off wakes
 * only on NMI, SMI or INIT, which vmm's devices never send (a guest could
 * route a device interrupt as an NMI through the IOAPIC: that guest's
 * vCPUs are taken as halted for good too). */
bool watch_waits_for_good(const struct vcpu_seen *s)
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

void watch_print(FILE *f, int id, const struct vcpu_seen *s)
{
	fprintf(f,
		"vmm: cpu %d: mp_state %s, interrupts %s%s, rip %#llx, last exit %s, %llu exits\n",
		id, mp_state_name(s->mp_state), s->irq_on ? "on" : "off",
		s->nmi_pending ? ", NMI pending" : "", (unsigned long long)s->rip,
		s->exits ? stats_exit_name(s->last_exit) : "none", (unsigned long long)s->exits);
}

void watch_init(struct watch *w, struct vm *vm, struct vcpu *vcpus, int nr)
{
	w->nr = nr;
	w->halts = calloc(nr, sizeof(*w->halts));
	w->last = calloc(nr, sizeof(*w->last));
	if (!w->halts || !w->last)
		die_errno("calloc");
	for (int i = 0; i < nr; i++)
		kvmstats_open(&w->halts[i], vm, vcpus[i].fd, halt_counters, 2);
	w->next_look = 0;
	w->wait = WATCH_QUIET_MS;
}

bool watch_note(struct watch *w, int i, uint64_t exits)
{
	uint64_t now = exits + kvmstats_sum(&w->halts[i]);
	bool moved = now != w->last[i];

	w->last[i] = now;
	return moved;
}

/* A look comes WATCH_QUIET_MS after the last activity, the next ones twice
 * as far apart each time, up to WATCH_WAIT_MAX_MS. A vCPU halted for good
 * leaves its counters still, one idle with interrupts on moves them each
 * time an interrupt wakes it. (Without KVM's counters only the exits tell,
 * and a guest that wakes without exits is looked at on the slow schedule.) */
bool watch_due(struct watch *w, bool moved, int64_t now)
{
	if (moved) {
		w->wait = WATCH_QUIET_MS;
		w->next_look = now + w->wait;
		return false;
	}
	if (now < w->next_look)
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
	free(w->last);
	w->halts = NULL;
	w->last = NULL;
}
