/* Guest debugging through KVM_SET_GUEST_DEBUG (api.rst 4.87): each vCPU's
 * control (single steps, with interrupts held off where KVM can;
 * KVM_GUESTDBG_USE_SW_BP and USE_HW_BP for the breakpoints
 * vm/breakpoints.c keeps), KVM_EXIT_DEBUG decoded into the stop a debugger
 * expects, all-stop through vm/run.c, and MSRs of a stopped vCPU. Knows
 * vCPUs, not sockets: the gdb stub (host/gdb.c) drives it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/machine.h"
#include "vm/breakpoints.h"
#include "vm/debug.h"

static bool on_debug_exit(void *ctx, struct vcpu *v);

void debug_init(struct debug *d, struct vm *vm, struct vcpu *vcpus, int n, struct run *r)
{
	memset(d, 0, sizeof(*d));
	d->vm = vm;
	d->vcpus = vcpus;
	d->nr = n;
	d->run = r;
	probe_kvm(vm, &d->probe);
	pthread_mutex_init(&d->lock, NULL);
	d->applied = calloc(n, sizeof(*d->applied));
	d->stops = calloc(n, sizeof(*d->stops));
	d->stepping = calloc(n, sizeof(*d->stepping));
	d->halting = calloc(n, sizeof(*d->halting));
	if (!d->applied || !d->stops || !d->stepping || !d->halting)
		die_errno("calloc");
	d->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->notify_fd < 0)
		die_errno("eventfd");
	r->debug = (struct run_debug){ on_debug_exit, d };
}

void debug_destroy(struct debug *d)
{
	free(d->applied);
	free(d->stops);
	free(d->stepping);
	free(d->halting);
	if (d->notify_fd >= 0)
		close(d->notify_fd);
	pthread_mutex_destroy(&d->lock);
}

/* KVM_SET_GUEST_DEBUG for one vCPU, only when it changes anything. A
 * step gdb asks for holds interrupts off (BLOCKIRQ, where KVM has it) so
 * that it lands on the next instruction, not in a handler; the steps of
 * a stepped watchpoint do not, or the guest would lose its timers. */
static void apply(struct debug *d, int i, bool step, uint32_t inject)
{
	struct kvm_guest_debug g = { 0 };
	uint64_t dr7 = bp_dr7(d);

	if (d->attached) {
		g.control = KVM_GUESTDBG_ENABLE | inject;
		if (step)
			g.control |= KVM_GUESTDBG_SINGLESTEP |
				     (d->probe.debug_flags & KVM_GUESTDBG_BLOCKIRQ);
		else if (bp_needs_steps(d) && !d->halting[i])
			g.control |= KVM_GUESTDBG_SINGLESTEP;
		if (d->probe.sw_breakpoint && bp_any_int3(d))
			g.control |= KVM_GUESTDBG_USE_SW_BP;
		if (dr7) {
			g.control |= KVM_GUESTDBG_USE_HW_BP;
			for (int k = 0; k < DEBUG_NR_DR; k++)
				g.arch.debugreg[k] = d->dr[k].used ? d->dr[k].addr : 0;
			g.arch.debugreg[7] = dr7;
		}
	}
	if (!inject && !memcmp(&g, &d->applied[i], sizeof(g)))
		return;
	if (KVM_CALL(d->vm, d->vcpus[i].fd, KVM_SET_GUEST_DEBUG, &g) < 0)
		warn("gdb: KVM_SET_GUEST_DEBUG on vCPU %d: %s", i, strerror(errno));
	else
		d->applied[i] = g;
}

void debug_attach(struct debug *d)
{
	d->attached = true;
	pthread_mutex_lock(&d->lock);
	memset(d->stops, 0, d->nr * sizeof(*d->stops));
	pthread_mutex_unlock(&d->lock);
}

void debug_detach(struct debug *d)
{
	bp_clear(d);
	d->attached = false;
	for (int i = 0; i < d->nr; i++)
		apply(d, i, false, 0);
	pthread_mutex_lock(&d->lock);
	memset(d->stops, 0, d->nr * sizeof(*d->stops));
	pthread_mutex_unlock(&d->lock);
}

uint64_t debug_linear_pc(struct vcpu *v)
{
	const struct kvm_sregs *s = vcpu_sregs_view(v);
	uint64_t rip = vcpu_regs(v)->rip;

	if ((s->efer & EFER_LMA) && s->cs.l)
		return rip; /* 64-bit code: CS has no base */
	return (s->cs.base + rip) & 0xffffffffu;
}

/* A vCPU stopped: note why, stop the others (all-stop), tell the stub. */
static void record(struct debug *d, struct vcpu *v, enum stop_why why, uint64_t addr)
{
	pthread_mutex_lock(&d->lock);
	d->stops[v->id] = (struct debug_stop){ why, addr, ++d->seq };
	pthread_mutex_unlock(&d->lock);
	run_hold(d->run, -1, RUN_HOLD_DEBUG);
	if (eventfd_write(d->notify_fd, 1) < 0)
		warn("gdb: eventfd write: %s", strerror(errno));
}

/* A stepped HLT does not halt: KVM ends the step after it (x86.c,
 * kvm_skip_emulated_instruction), and a guest stopped for good with
 * `cli; hlt` would loop through its halt under steps for ever, the run
 * never ending. With interrupts off the HLT wakes only on NMI, INIT or SMI
 * and writes nothing: it runs unstepped, and the vCPU halts. */
static bool halts_for_good(struct debug *d, struct vcpu *v, uint64_t pc)
{
	uint8_t insn;

	return debug_read(d, v, pc, &insn, 1) == 1 && insn == INSN_HLT &&
	       !(vcpu_regs(v)->rflags & RFLAGS_IF);
}

/* KVM_EXIT_DEBUG, in the vCPU's thread (vm/run.c). exception is the vector
 * KVM intercepted: #BP for an int3, #DB for a step (DR6.BS) or a debug
 * register (DR6.B0-B3); pc is the linear address of the instruction. */
static bool on_debug_exit(void *ctx, struct vcpu *v)
{
	struct debug *d = ctx;
	const struct kvm_debug_exit_arch *a = &v->run->debug.arch;
	enum stop_why why;
	uint64_t addr;

	if (!d->attached)
		return true; /* left over from a debugger that has gone: run on */
	if (a->exception == BP_VECTOR) {
		if (bp_int3_at(d, a->pc))
			record(d, v, STOP_SWBREAK, a->pc);
		else /* the guest's own int3: its #BP, as if nobody watched */
			apply(d, v->id, d->applied[v->id].control & KVM_GUESTDBG_SINGLESTEP,
			      KVM_GUESTDBG_INJECT_BP);
		return true;
	}
	for (int i = 0; i < DEBUG_NR_DR; i++) {
		const struct dr_slot *s = &d->dr[i];

		if ((a->dr6 & (DR6_B0 << i)) && s->used) {
			record(d, v, bp_why(s->kind), s->kind <= BP_HARDWARE ? a->pc : s->req_addr);
			return true;
		}
	}
	if ((a->dr6 & DR6_BS) && bp_step_hit(d, a->pc, &why, &addr)) {
		record(d, v, why, addr);
		return true;
	}
	if ((a->dr6 & DR6_BS) && !d->stepping[v->id] && bp_needs_steps(d)) {
		/* A step for stepped breakpoints only: on to the next. */
		if (halts_for_good(d, v, a->pc)) {
			d->halting[v->id] = true;
			apply(d, v->id, false, 0);
		}
		return true;
	}
	record(d, v, (a->dr6 & DR6_BS) ? STOP_STEP : STOP_SIGNAL, a->pc);
	return true;
}

/* A breakpoint stop still means something if the breakpoint is there and
 * the vCPU still at it (gdb may have moved it or removed the breakpoint). */
static bool still_holds(struct debug *d, int i, const struct debug_stop *s)
{
	if (s->why != STOP_SWBREAK && s->why != STOP_HWBREAK)
		return true;
	return bp_exec_at(d, s->addr) && debug_linear_pc(&d->vcpus[i]) == s->addr;
}

int debug_pending(struct debug *d, struct debug_stop *stop, bool take)
{
	int best = -1;

	pthread_mutex_lock(&d->lock);
	for (int i = 0; i < d->nr; i++) {
		struct debug_stop *s = &d->stops[i];

		if (s->why == STOP_NONE)
			continue;
		if (!still_holds(d, i, s))
			s->why = STOP_NONE;
		else if (best < 0 || s->seq < d->stops[best].seq)
			best = i;
	}
	if (best >= 0) {
		*stop = d->stops[best];
		if (take)
			d->stops[best].why = STOP_NONE;
	}
	pthread_mutex_unlock(&d->lock);
	return best;
}

bool debug_resume(struct debug *d, const enum debug_action *act)
{
	struct debug_stop s;

	/* A step that ended with another vCPU's stop is done: forget it. */
	pthread_mutex_lock(&d->lock);
	for (int i = 0; i < d->nr; i++)
		if (d->stops[i].why == STOP_STEP)
			d->stops[i].why = STOP_NONE;
	pthread_mutex_unlock(&d->lock);
	if (debug_pending(d, &s, false) >= 0)
		return false;
	for (int i = 0; i < d->nr; i++) {
		struct vcpu *v = &d->vcpus[i];

		d->stepping[i] = act[i] == ACT_STEP;
		/* At a HLT with interrupts off, a step (gdb's, or a stepped
		 * breakpoint's) would pass it: the vCPU halts, as hardware does,
		 * and the run ends when every vCPU has (gdb reads W). */
		d->halting[i] = act[i] != ACT_STAY && halts_for_good(d, v, debug_linear_pc(v));
		if (act[i] != ACT_STAY)
			apply(d, i, act[i] == ACT_STEP && !d->halting[i], 0);
	}
	bp_watch_rebase(d);
	for (int i = 0; i < d->nr; i++)
		if (act[i] != ACT_STAY)
			run_release(d->run, i, RUN_HOLD_DEBUG);
	return true;
}

int debug_msr_get(struct debug *d, struct vcpu *v, uint32_t index, uint64_t *value)
{
	return msr_get(d->vm, v->fd, d->probe.msrs_one_reg, index, value);
}

int debug_msr_set(struct debug *d, struct vcpu *v, uint32_t index, uint64_t value)
{
	struct kvm_sregs *s;

	if (msr_set(d->vm, v->fd, d->probe.msrs_one_reg, index, value) < 0)
		return -1;
	s = vcpu_sregs_view(v); /* kvm_run's copy is a snapshot: keep it true */
	if (index == MSR_FS_BASE)
		s->fs.base = value;
	else if (index == MSR_GS_BASE)
		s->gs.base = value;
	else if (index == MSR_EFER)
		s->efer = value;
	return 0;
}
