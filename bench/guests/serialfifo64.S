/*
 * serialfifo64.S - N bytes through the UART as Linux's console writes
 * once its tty is open (serial8250_console_fifo_write): one wait for
 * LSR.THRE, then up to 16 bytes (the 16550A's transmit FIFO) into THR.
 *
 * Row 4b, coalesced against --no-coalesce: one LSR read exit per 16
 * bytes; the THR writes are queued in KVM's coalesced ring by default and
 * each exits with --no-coalesce. The bytes are those of serial64.S (63
 * printable characters and a newline, repeated), counted by the benchmark.
 * Ends with 0 to debug-exit: status 1.
 */
#include "guest.h"

#ifndef N
#define N 1000
#endif
#define FIFO 16

	.code64
	.text
	.globl	_start
_start:
	mov	$N, %ecx
	xor	%ebx, %ebx		/* BL = column */
	jrcxz	4f
1:	mov	$COM1_LSR, %dx		/* one THRE wait per FIFO load */
2:	in	(%dx), %al
	test	$UART_LSR_THRE, %al
	jz	2b
	mov	$COM1_THR, %dx
	mov	$FIFO, %esi
3:	mov	$'\n', %al
	cmp	$63, %bl
	je	5f
	lea	'0'(%rbx), %eax		/* '0'..'n' */
5:	out	%al, (%dx)
	inc	%bl
	and	$63, %bl
	dec	%ecx
	jz	4f
	dec	%esi
	jnz	3b
	jmp	1b
4:	xor	%eax, %eax
	mov	$DEBUG_EXIT_PORT, %dx
	out	%al, (%dx)
	cli
	hlt
