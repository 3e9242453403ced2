/*
 * idle64.S - an idle guest, for the rows on what idling costs the host and
 * how soon the end of a run is noticed.
 *
 * Writes one byte (the benchmark waits for it), then halts: with N = 0
 * (the default) with interrupts on, and nothing set up to interrupt it, so
 * it sleeps in KVM_RUN until vmm's --timeout; with N = 1 with interrupts
 * off, which ends the run.  With --smp the other vCPUs are never started
 * (they wait for INIT/SIPI).
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
#if N
	cli
#else
	sti
#endif
1:	hlt
	jmp	1b
