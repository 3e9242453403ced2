/*
 * idle64.S - an idle guest, for the rows on what idling costs the host and
 * how soon the end of a run is noticed.
 *
 * Writes one byte (the benchmark waits for it), then halts:
 *   N = 0 (the default): with interrupts on and the PICs masked, so that
 *         nothing wakes it until vmm's --timeout;
 *   N = 1: with interrupts off, which ends the run;
 *   N = 2: with interrupts on and the PIT and PICs as a BIOS leaves them,
 *         so that IRQ 0 wakes it 18.2 times a second (vector 0x08: EOI,
 *         iretq, hlt again), as a kernel's idle loop is woken by its timer.
 * With --smp the other vCPUs are never started (they wait for INIT/SIPI).
 */
#include "guest.h"

#ifndef N
#define N 0
#endif

	.code64
	.text
	.globl	_start
_start:
	mov	$'I', %al
	mov	$COM1_THR, %dx
	out	%al, (%dx)
#if N == 1
	cli
#elif N == 2
	lea	idt + PIC1_BIOS_VECTOR * 16(%rip), %rdi
	lea	timer(%rip), %rax
	idt_gate64
	lidt	idtr(%rip)
	sti
#else
	mov	$0xff, %al
	out	%al, $PIC1_PORT + 1
	out	%al, $PIC2_PORT + 1
	sti
#endif
1:	hlt
	jmp	1b

timer:
	push	%rax
	mov	$0x20, %al			/* non-specific EOI */
	out	%al, $PIC1_PORT
	pop	%rax
	iretq

	.balign	16
idtr:	.word	(PIC1_BIOS_VECTOR + 1) * 16 - 1
	.quad	idt
	.balign	16
idt:	.skip	(PIC1_BIOS_VECTOR + 1) * 16
