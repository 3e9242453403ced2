/*
 * triple64.S - what happens when an exception cannot be delivered.
 *
 * The guest loads an IDT whose limit is 0, so no gate is reachable,
 * then executes ud2 (#UD).  Delivering #UD faults (#GP), delivering #GP
 * faults (#DF), and a fault while delivering #DF is a triple fault: a
 * real PC resets, KVM reports KVM_EXIT_SHUTDOWN, and the VMM ends the
 * run with status 8.
 *
 * Not int3: on a KVM that emulates guest code in software, int3/int n
 * outside real mode stop with an emulation failure instead of a #BP.
 */
#include "guest.h"

	.code64
	.text
	.globl	_start
_start:
	lea	msg(%rip), %rsi
	serial_puts

	lidt	empty_idt(%rip)
	ud2

	/* Not reached: a triple fault ends the run. */
	cli
	hlt

msg:	.asciz	"triple fault next\r\n"

	/* Pseudo-descriptor for lidt in 64-bit mode: 16-bit limit, 64-bit base. */
	.p2align 3
empty_idt:
	.word	0
	.quad	0
