/*
 * evilint64.S - an instruction the guest cannot complete: int3 in long
 * mode with no IDT.
 *
 * On a KVM that emulates kernel-mode code in software (this project's
 * development machines) int3 outside real mode stops with
 * KVM_EXIT_INTERNAL_ERROR: vmm ends with status 10.  With hardware
 * virtualization the #BP cannot be delivered (IDT limit 0), which ends
 * in a triple fault: status 8.  Either way vmm dumps the registers.
 */
#include "guest.h"

	.code64
	.text
	.globl	_start
_start:
	lea	msg(%rip), %rsi
	serial_puts
	lidt	empty_idt(%rip)
	int3
	cli				/* not reached */
	hlt

msg:	.asciz	"int3 next\r\n"

	.p2align 3
empty_idt:
	.word	0
	.quad	0
