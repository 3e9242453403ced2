#ifndef BREAKPOINTS_H
#define BREAKPOINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/debug.h"

/* Where each breakpoint lives (struct debug holds them): an int3 in guest
 * memory, a debug-register slot, or a stepped one; and guest memory as a
 * debugger sees it, the int3s hidden. */

/* With every vCPU held: add or remove a breakpoint of gdb's kind at addr
 * (guest-virtual; len: bytes watched), the way the host's probe allows.
 * -1 with a reason in err. v is the vCPU whose page tables place it. */
int debug_insert(struct debug *d, struct vcpu *v, enum bp_kind kind, uint64_t addr, uint64_t len,
		 char *err, size_t errlen);
int debug_remove(struct debug *d, struct vcpu *v, enum bp_kind kind, uint64_t addr, uint64_t len);
/* Guest memory at guest-virtual addresses, through v's page tables; reads
 * show the bytes int3 breakpoints replaced. Read returns the bytes it
 * could read (stopping at the first unmapped page); write is all or
 * nothing (0 or -1). */
uint64_t debug_read(struct debug *d, struct vcpu *v, uint64_t addr, uint8_t *buf, uint64_t len);
int debug_write(struct debug *d, struct vcpu *v, uint64_t addr, const uint8_t *buf, uint64_t len);

/* For vm/debug.c. */
enum stop_why bp_why(enum bp_kind kind);
uint64_t bp_dr7(const struct debug *d); /* DR7 for the slots in use; 0: none */
bool bp_any_int3(const struct debug *d);
bool bp_needs_steps(const struct debug *d); /* a stepped breakpoint or watchpoint is set */
bool bp_int3_at(const struct debug *d, uint64_t addr);
bool bp_exec_at(const struct debug *d, uint64_t addr); /* any execution breakpoint */
/* After a single step, with the next instruction at pc: did the step
 * change a watched value, or is pc a stepped breakpoint? (Under the I/O
 * lock: vCPUs take turns here.) */
bool bp_step_hit(struct debug *d, uint64_t pc, enum stop_why *why, uint64_t *addr);
/* What gdb itself wrote counts as seen by stepped watchpoints. */
void bp_watch_rebase(struct debug *d);
/* Every breakpoint out, the guest's bytes restored. */
void bp_clear(struct debug *d);

#endif
