/*
 * serial64.S - N bytes through the UART, polled as Linux's console does
 * (serial8250_console_putchar: wait for LSR.THRE, write THR).
 *
 * Row 4, coalesced against --no-coalesce: the LSR read always exits; the
 * THR write is queued in KVM's coalesced ring by default and exits with
 * --no-coalesce.  The bytes are 63 printable characters and a newline,
 * repeated; the benchmark counts them, so a lost ring entry shows.
 * Ends with 0 to debug-exit: status 1.
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
	xor	%ebx, %ebx		/* BL = column */
	jrcxz	3f
1:	mov	$'\n', %al
	cmp	$63, %bl
	je	2f
	lea	'0'(%rbx), %eax	/* '0'..'n' */
2:	serial_putc_al
	inc	%bl
	and	$63, %bl
	loop	1b
3:	xor	%eax, %eax
	mov	$DEBUG_EXIT_PORT, %dx
	out	%al, (%dx)
	cli
	hlt
