/* Guest debugging through KVM_SET_GUEST_DEBUG (api.rst 4.87): single
 * steps, int3 breakpoints where the host intercepts #BP
 * (KVM_GUESTDBG_USE_SW_BP), debug registers otherwise and for hardware
 * breakpoints and watchpoints (KVM_GUESTDBG_USE_HW_BP), and KVM_EXIT_DEBUG
 * decoded into the stop a debugger expects. Knows vCPUs, not sockets: the
 * gdb stub (host/gdb.c) drives it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/machine.h"
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
	if (!d->applied || !d->stops || !d->stepping)
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
	if (d->notify_fd >= 0)
		close(d->notify_fd);
	pthread_mutex_destroy(&d->lock);
}

/* DR7 for the slots in use: enable bit, RW and LEN fields of each. */
static uint64_t dr7_value(const struct debug *d)
{
	static const uint64_t len_bits[9] = { [1] = 0, [2] = 1, [4] = 3, [8] = 2 };
	uint64_t dr7 = 0;

	for (int i = 0; i < DEBUG_NR_DR; i++) {
		const struct dr_slot *s = &d->dr[i];
		uint64_t rw = s->kind == BP_WRITE                          ? DR7_RW_WRITE
			      : s->kind == BP_READ || s->kind == BP_ACCESS ? DR7_RW_ACCESS
									   : DR7_RW_EXEC;

		if (s->used)
			dr7 |= DR7_L0 << (2 * i) | (rw | len_bits[s->len] << 2)
							   << (DR7_RW_SHIFT + 4 * i);
	}
	return dr7 ? dr7 | DR7_FIXED : 0;
}

static bool any_int3(const struct debug *d)
{
	for (int i = 0; i < DEBUG_MAX_INT3; i++)
		if (d->int3[i].used)
			return true;
	return false;
}

static bool any_step_watch(const struct debug *d)
{
	for (int i = 0; i < DEBUG_MAX_STEP_WATCH; i++)
		if (d->watch[i].used)
			return true;
	return false;
}

/* Breakpoints or watchpoints that only single steps can see. */
static bool needs_steps(const struct debug *d)
{
	for (int i = 0; i < DEBUG_MAX_STEP_BP; i++)
		if (d->step_bp[i].used)
			return true;
	return any_step_watch(d);
}

/* KVM_SET_GUEST_DEBUG for one vCPU, only when it changes anything. A
 * step gdb asks for holds interrupts off (BLOCKIRQ, where KVM has it) so
 * that it lands on the next instruction, not in a handler; the steps of
 * a stepped watchpoint do not, or the guest would lose its timers. */
static void apply(struct debug *d, int i, bool step, uint32_t inject)
{
	struct kvm_guest_debug g = { 0 };
	uint64_t dr7 = dr7_value(d);

	if (d->attached) {
		g.control = KVM_GUESTDBG_ENABLE | inject;
		if (step)
			g.control |= KVM_GUESTDBG_SINGLESTEP |
				     (d->probe.debug_flags & KVM_GUESTDBG_BLOCKIRQ);
		else if (needs_steps(d))
			g.control |= KVM_GUESTDBG_SINGLESTEP;
		if (d->probe.sw_breakpoint && any_int3(d))
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
	for (int i = 0; i < DEBUG_MAX_INT3; i++)
		if (d->int3[i].used)
			debug_remove(d, NULL, BP_SOFTWARE, d->int3[i].addr, 1);
	memset(d->dr, 0, sizeof(d->dr));
	memset(d->watch, 0, sizeof(d->watch));
	memset(d->step_bp, 0, sizeof(d->step_bp));
	d->attached = false;
	for (int i = 0; i < d->nr; i++)
		apply(d, i, false, 0);
	pthread_mutex_lock(&d->lock);
	memset(d->stops, 0, d->nr * sizeof(*d->stops));
	pthread_mutex_unlock(&d->lock);
}

/* [addr, addr + len) in naturally aligned pieces of 8, 4, 2 or 1 bytes
 * (what a debug register can watch), into free slots; all or none. */
static int insert_dr(struct debug *d, enum bp_kind kind, uint64_t addr, uint64_t len)
{
	struct dr_slot saved[DEBUG_NR_DR];
	uint64_t a = addr, left = len ? len : 1;

	memcpy(saved, d->dr, sizeof(saved));
	if (kind == BP_SOFTWARE || kind == BP_HARDWARE)
		left = 1; /* gdb's kind is the instruction's length: one fetch is enough */
	while (left) {
		int size = 8, slot = 0;

		while (size > 1 && (a % size || (uint64_t)size > left))
			size /= 2;
		while (slot < DEBUG_NR_DR && d->dr[slot].used)
			slot++;
		if (slot == DEBUG_NR_DR) {
			memcpy(d->dr, saved, sizeof(saved));
			return -1;
		}
		d->dr[slot] = (struct dr_slot){ true, kind, a, size, addr, len };
		a += size;
		left -= size;
	}
	return 0;
}

static struct int3_bp *find_int3(struct debug *d, uint64_t addr)
{
	for (int i = 0; i < DEBUG_MAX_INT3; i++)
		if (d->int3[i].used && d->int3[i].addr == addr)
			return &d->int3[i];
	return NULL;
}

static int insert_int3(struct debug *d, struct vcpu *v, uint64_t addr, char *err, size_t errlen)
{
	struct int3_bp *b = find_int3(d, addr);
	uint64_t gpa;
	uint8_t *p;

	if (b)
		return 0; /* gdb may insert one twice */
	for (b = d->int3; b < d->int3 + DEBUG_MAX_INT3 && b->used; b++)
		;
	if (b == d->int3 + DEBUG_MAX_INT3)
		return snprintf(err, errlen, "more than %d breakpoints", DEBUG_MAX_INT3), -1;
	if (paging_translate(&d->vm->mem, vcpu_sregs_view(v), addr, &gpa) < 0 ||
	    !(p = mem_ptr(&d->vm->mem, gpa, 1)))
		return snprintf(err, errlen, "%#llx is not mapped to RAM",
				(unsigned long long)addr),
		       -1;
	*b = (struct int3_bp){ true, addr, gpa, *p };
	*p = INSN_INT3;
	return 0;
}

static int insert_step_watch(struct debug *d, struct vcpu *v, uint64_t addr, uint64_t len,
			     char *err, size_t errlen)
{
	struct step_watch *w = d->watch;
	uint64_t gpa;
	uint8_t *p;

	while (w < d->watch + DEBUG_MAX_STEP_WATCH && w->used)
		w++;
	if (w == d->watch + DEBUG_MAX_STEP_WATCH)
		return snprintf(err, errlen, "more than %d watchpoints", DEBUG_MAX_STEP_WATCH), -1;
	if (!len || len > DEBUG_STEP_WATCH_LEN ||
	    paging_translate(&d->vm->mem, vcpu_sregs_view(v), addr, &gpa) < 0 ||
	    (gpa & (PAGE_SIZE - 1)) + len > PAGE_SIZE || !(p = mem_ptr(&d->vm->mem, gpa, len)))
		return snprintf(
			       err, errlen,
			       "cannot watch %llu bytes at %#llx: 1 to %d bytes of RAM in one page",
			       (unsigned long long)len, (unsigned long long)addr,
			       DEBUG_STEP_WATCH_LEN),
		       -1;
	*w = (struct step_watch){ true, addr, len, gpa, { 0 } };
	memcpy(w->seen, p, len);
	return 0;
}

static int insert_step_bp(struct debug *d, enum bp_kind kind, uint64_t addr, char *err,
			  size_t errlen)
{
	struct step_bp *b = d->step_bp;

	while (b < d->step_bp + DEBUG_MAX_STEP_BP && b->used)
		b++;
	if (b == d->step_bp + DEBUG_MAX_STEP_BP)
		return snprintf(err, errlen, "more than %d breakpoints", DEBUG_MAX_STEP_BP), -1;
	*b = (struct step_bp){ true, kind, addr };
	warn("gdb: this KVM takes neither int3 nor debug-register breakpoints: the guest "
	     "single-steps while the breakpoint at %#llx is set (slow)",
	     (unsigned long long)addr);
	return 0;
}

int debug_insert(struct debug *d, struct vcpu *v, enum bp_kind kind, uint64_t addr, uint64_t len,
		 char *err, size_t errlen)
{
	if (kind == BP_SOFTWARE && d->probe.sw_breakpoint)
		return insert_int3(d, v, addr, err, errlen);
	if (kind <= BP_HARDWARE && !d->probe.hw_breakpoint)
		return insert_step_bp(d, kind, addr, err, errlen);
	if (kind >= BP_WRITE && !d->probe.data_breakpoint) {
		if (kind == BP_WRITE)
			return insert_step_watch(d, v, addr, len, err, errlen);
		return snprintf(err, errlen,
				"this KVM ignores data breakpoints, and a read cannot be seen by "
				"stepping: only `watch` (writes) works here"),
		       -1;
	}
	if (insert_dr(d, kind, addr, len) == 0)
		return 0;
	if (kind == BP_SOFTWARE)
		snprintf(err, errlen,
			 "no debug register free for a breakpoint at %#llx: this KVM does not "
			 "intercept int3, so breakpoints share DR0-DR3 with hbreak and watch",
			 (unsigned long long)addr);
	else
		snprintf(err, errlen,
			 "not enough debug registers free (DR0-DR3) for %llu bytes at %#llx",
			 (unsigned long long)len, (unsigned long long)addr);
	return -1;
}

int debug_remove(struct debug *d, struct vcpu *v, enum bp_kind kind, uint64_t addr, uint64_t len)
{
	struct int3_bp *b = kind == BP_SOFTWARE ? find_int3(d, addr) : NULL;
	bool found = false;

	(void)v;
	for (int i = 0; kind <= BP_HARDWARE && i < DEBUG_MAX_STEP_BP; i++) {
		if (d->step_bp[i].used && d->step_bp[i].kind == kind &&
		    d->step_bp[i].addr == addr) {
			d->step_bp[i].used = false;
			return 0;
		}
	}
	for (int i = 0; kind == BP_WRITE && i < DEBUG_MAX_STEP_WATCH; i++) {
		if (d->watch[i].used && d->watch[i].addr == addr && d->watch[i].len == len) {
			d->watch[i].used = false;
			return 0;
		}
	}
	if (b) {
		uint8_t *p = mem_ptr(&d->vm->mem, b->gpa, 1);

		if (p && *p == INSN_INT3) /* unless the guest wrote over it */
			*p = b->saved;
		b->used = false;
		return 0;
	}
	for (int i = 0; i < DEBUG_NR_DR; i++) {
		struct dr_slot *s = &d->dr[i];

		if (s->used && s->kind == kind && s->req_addr == addr &&
		    (s->req_len == len || kind <= BP_HARDWARE)) {
			s->used = false;
			found = true;
		}
	}
	return found ? 0 : -1;
}

uint64_t debug_linear_pc(struct vcpu *v)
{
	const struct kvm_sregs *s = vcpu_sregs_view(v);
	uint64_t rip = vcpu_regs(v)->rip;

	if ((s->efer & EFER_LMA) && s->cs.l)
		return rip; /* 64-bit code: CS has no base */
	return (s->cs.base + rip) & 0xffffffffu;
}

static enum stop_why why_of(enum bp_kind kind)
{
	static const enum stop_why why[] = { [BP_SOFTWARE] = STOP_SWBREAK,
					     [BP_HARDWARE] = STOP_HWBREAK,
					     [BP_WRITE] = STOP_WATCH,
					     [BP_READ] = STOP_RWATCH,
					     [BP_ACCESS] = STOP_AWATCH };

	return why[kind];
}

/* After a step: did it change a watched value? (Under the I/O lock: the
 * vCPUs take turns here.) Is the next instruction at a breakpoint? */
static bool stepped_watch_hit(struct debug *d, struct vcpu *v);
static bool stepped_bp_hit(struct debug *d, struct vcpu *v, uint64_t pc);

/* A vCPU stopped: note why, stop the others (all-stop), tell the stub. */
static void record(struct debug *d, struct vcpu *v, enum stop_why why, uint64_t addr)
{
	uint64_t one = 1;

	pthread_mutex_lock(&d->lock);
	d->stops[v->id] = (struct debug_stop){ why, addr, ++d->seq };
	pthread_mutex_unlock(&d->lock);
	run_hold(d->run, -1);
	if (write(d->notify_fd, &one, sizeof(one)) < 0)
		warn("gdb: eventfd write: %s", strerror(errno));
}

/* KVM_EXIT_DEBUG, in the vCPU's thread (vm/run.c). exception is the vector
 * KVM intercepted: #BP for an int3, #DB for a step (DR6.BS) or a debug
 * register (DR6.B0-B3); pc is the linear address of the instruction. */
static bool on_debug_exit(void *ctx, struct vcpu *v)
{
	struct debug *d = ctx;
	const struct kvm_debug_exit_arch *a = &v->run->debug.arch;

	if (!d->attached)
		return true; /* left over from a debugger that has gone: run on */
	if (a->exception == BP_VECTOR) {
		if (find_int3(d, a->pc))
			record(d, v, STOP_SWBREAK, a->pc);
		else /* the guest's own int3: its #BP, as if nobody watched */
			apply(d, v->id, d->applied[v->id].control & KVM_GUESTDBG_SINGLESTEP,
			      KVM_GUESTDBG_INJECT_BP);
		return true;
	}
	for (int i = 0; i < DEBUG_NR_DR; i++) {
		const struct dr_slot *s = &d->dr[i];

		if ((a->dr6 & (DR6_B0 << i)) && s->used) {
			record(d, v, why_of(s->kind), s->kind <= BP_HARDWARE ? a->pc : s->req_addr);
			return true;
		}
	}
	if ((a->dr6 & DR6_BS) && (stepped_watch_hit(d, v) || stepped_bp_hit(d, v, a->pc)))
		return true;
	if ((a->dr6 & DR6_BS) && !d->stepping[v->id] && needs_steps(d))
		return true; /* a step for stepped breakpoints only: on to the next */
	record(d, v, (a->dr6 & DR6_BS) ? STOP_STEP : STOP_SIGNAL, a->pc);
	return true;
}

static bool stepped_watch_hit(struct debug *d, struct vcpu *v)
{
	for (int i = 0; i < DEBUG_MAX_STEP_WATCH; i++) {
		struct step_watch *w = &d->watch[i];
		const uint8_t *p = w->used ? mem_ptr(&d->vm->mem, w->gpa, w->len) : NULL;

		if (p && memcmp(p, w->seen, w->len)) {
			memcpy(w->seen, p, w->len);
			record(d, v, STOP_WATCH, w->addr);
			return true;
		}
	}
	return false;
}

static bool stepped_bp_hit(struct debug *d, struct vcpu *v, uint64_t pc)
{
	for (int i = 0; i < DEBUG_MAX_STEP_BP; i++) {
		const struct step_bp *b = &d->step_bp[i];

		if (b->used && b->addr == pc) {
			record(d, v, why_of(b->kind), pc);
			return true;
		}
	}
	return false;
}

/* A breakpoint stop still means something if the breakpoint is there and
 * the vCPU still at it (gdb may have moved it or removed the breakpoint). */
static bool still_holds(struct debug *d, int i, const struct debug_stop *s)
{
	bool found = false;

	if (s->why != STOP_SWBREAK && s->why != STOP_HWBREAK)
		return true;
	found = find_int3(d, s->addr) != NULL;
	for (int k = 0; k < DEBUG_MAX_STEP_BP; k++)
		found |= d->step_bp[k].used && d->step_bp[k].addr == s->addr;
	for (int k = 0; k < DEBUG_NR_DR; k++)
		found |= d->dr[k].used && d->dr[k].kind <= BP_HARDWARE && d->dr[k].addr == s->addr;
	return found && debug_linear_pc(&d->vcpus[i]) == s->addr;
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
		d->stepping[i] = act[i] == ACT_STEP;
		if (act[i] != ACT_STAY)
			apply(d, i, act[i] == ACT_STEP, 0);
	}
	for (int i = 0; i < DEBUG_MAX_STEP_WATCH; i++) { /* what gdb wrote counts as seen */
		struct step_watch *w = &d->watch[i];
		const uint8_t *p = w->used ? mem_ptr(&d->vm->mem, w->gpa, w->len) : NULL;

		if (p)
			memcpy(w->seen, p, w->len);
	}
	for (int i = 0; i < d->nr; i++)
		if (act[i] != ACT_STAY)
			run_release(d->run, i);
	return true;
}

/* The RAM behind a guest-virtual address, up to the end of its 4 KiB
 * (RAM regions are page-aligned, so a piece is all in RAM or not). */
static uint8_t *piece(struct debug *d, struct vcpu *v, uint64_t lin, uint64_t left, uint64_t *gpa,
		      uint64_t *n)
{
	if (paging_translate(&d->vm->mem, vcpu_sregs_view(v), lin, gpa) < 0)
		return NULL;
	*n = PAGE_SIZE - (*gpa & (PAGE_SIZE - 1));
	*n = *n < left ? *n : left;
	return mem_ptr(&d->vm->mem, *gpa, *n);
}

uint64_t debug_read(struct debug *d, struct vcpu *v, uint64_t addr, uint8_t *buf, uint64_t len)
{
	uint64_t done = 0, gpa, n;
	uint8_t *p;

	while (done < len && addr + done >= addr &&
	       (p = piece(d, v, addr + done, len - done, &gpa, &n))) {
		memcpy(buf + done, p, n);
		for (int i = 0; i < DEBUG_MAX_INT3; i++) {
			const struct int3_bp *b = &d->int3[i];

			if (b->used && b->gpa >= gpa && b->gpa < gpa + n)
				buf[done + (b->gpa - gpa)] = b->saved;
		}
		done += n;
	}
	return done;
}

int debug_write(struct debug *d, struct vcpu *v, uint64_t addr, const uint8_t *buf, uint64_t len)
{
	uint64_t done, gpa, n;
	uint8_t *p;

	for (done = 0; done < len; done += n) /* everything mapped first */
		if (addr + done < addr || !piece(d, v, addr + done, len - done, &gpa, &n))
			return -1;
	for (done = 0; done < len; done += n) {
		p = piece(d, v, addr + done, len - done, &gpa, &n);
		memcpy(p, buf + done, n);
		for (int i = 0; i < DEBUG_MAX_INT3; i++) {
			struct int3_bp *b = &d->int3[i];

			if (b->used && b->gpa >= gpa && b->gpa < gpa + n) {
				b->saved = p[b->gpa - gpa]; /* the breakpoint stays */
				p[b->gpa - gpa] = INSN_INT3;
			}
		}
	}
	return 0;
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
