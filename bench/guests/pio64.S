/*
 * pio64.S - N port writes that each exit to userspace, then debug-exit.
 *
 * The per-exit benchmark (row 1: vmm against bench/bare.c).  Each
 * iteration is one `out` to the UART scratch register (a port vmm claims
 * and never coalesces, so every write is a full KVM_RUN round trip) and
 * one `loop`.  Ends with 0 to the debug-exit port: status 1.  N comes
 * from the build (-DN=...), one binary per N.
 */
#include "guest.h"

#ifndef N
#define N 1000
#endif

	.code64
	.text
	.globl	_start
_start:
	mov	$N, %ecx
	mov	$COM1_SCR, %dx
	jrcxz	2f
1:	out	%al, (%dx)
	loop	1b
2:	xor	%eax, %eax
	mov	$DEBUG_EXIT_PORT, %dx
	out	%al, (%dx)
	cli
	hlt
