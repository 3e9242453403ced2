/* Breakpoints and watchpoints, each kept where the host's KVM can see it
 * (vm/probe.c measured which): an int3 in guest memory where KVM
 * intercepts #BP (KVM_GUESTDBG_USE_SW_BP), a debug register DR0-DR3
 * (KVM_GUESTDBG_USE_HW_BP), or, where KVM ignores those too, single steps
 * that compare the next instruction's address or the watched bytes. And
 * guest memory as gdb sees it, through the page tables, int3s hidden. */
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/machine.h"
#include "vm/breakpoints.h"

enum stop_why bp_why(enum bp_kind kind)
{
	static const enum stop_why why[] = { [BP_SOFTWARE] = STOP_SWBREAK,
					     [BP_HARDWARE] = STOP_HWBREAK,
					     [BP_WRITE] = STOP_WATCH,
					     [BP_READ] = STOP_RWATCH,
					     [BP_ACCESS] = STOP_AWATCH };

	return why[kind];
}

/* DR7 for the slots in use: enable bit, RW and LEN fields of each. */
uint64_t bp_dr7(const struct debug *d)
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

bool bp_any_int3(const struct debug *d)
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
bool bp_needs_steps(const struct debug *d)
{
	for (int i = 0; i < DEBUG_MAX_STEP_BP; i++)
		if (d->step_bp[i].used)
			return true;
	return any_step_watch(d);
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

static struct int3_bp *find_int3(const struct debug *d, uint64_t addr)
{
	for (int i = 0; i < DEBUG_MAX_INT3; i++)
		if (d->int3[i].used && d->int3[i].addr == addr)
			return (struct int3_bp *)&d->int3[i];
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
	if (kind >= BP_WRITE &&
	    !len) /* a debug register would watch a byte: say no, as stepping does */
		return snprintf(err, errlen, "cannot watch 0 bytes at %#llx",
				(unsigned long long)addr),
		       -1;
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

bool bp_step_hit(struct debug *d, uint64_t pc, enum stop_why *why, uint64_t *addr)
{
	for (int i = 0; i < DEBUG_MAX_STEP_WATCH; i++) {
		struct step_watch *w = &d->watch[i];
		const uint8_t *p = w->used ? mem_ptr(&d->vm->mem, w->gpa, w->len) : NULL;

		if (p && memcmp(p, w->seen, w->len)) {
			memcpy(w->seen, p, w->len);
			*why = STOP_WATCH;
			*addr = w->addr;
			return true;
		}
	}
	for (int i = 0; i < DEBUG_MAX_STEP_BP; i++) {
		const struct step_bp *b = &d->step_bp[i];

		if (b->used && b->addr == pc) {
			*why = bp_why(b->kind);
			*addr = pc;
			return true;
		}
	}
	return false;
}

void bp_watch_rebase(struct debug *d)
{
	for (int i = 0; i < DEBUG_MAX_STEP_WATCH; i++) {
		struct step_watch *w = &d->watch[i];
		const uint8_t *p = w->used ? mem_ptr(&d->vm->mem, w->gpa, w->len) : NULL;

		if (p)
			memcpy(w->seen, p, w->len);
	}
}

bool bp_int3_at(const struct debug *d, uint64_t addr)
{
	return find_int3(d, addr) != NULL;
}

bool bp_exec_at(const struct debug *d, uint64_t addr)
{
	bool found = bp_int3_at(d, addr);

	for (int k = 0; k < DEBUG_MAX_STEP_BP; k++)
		found |= d->step_bp[k].used && d->step_bp[k].addr == addr;
	for (int k = 0; k < DEBUG_NR_DR; k++)
		found |= d->dr[k].used && d->dr[k].kind <= BP_HARDWARE && d->dr[k].addr == addr;
	return found;
}

void bp_clear(struct debug *d)
{
	for (int i = 0; i < DEBUG_MAX_INT3; i++)
		if (d->int3[i].used)
			debug_remove(d, NULL, BP_SOFTWARE, d->int3[i].addr, 1);
	memset(d->dr, 0, sizeof(d->dr));
	memset(d->watch, 0, sizeof(d->watch));
	memset(d->step_bp, 0, sizeof(d->step_bp));
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
