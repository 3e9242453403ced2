/*
 * exit64.S - ending the run with a chosen status.
 *
 * Reads a decimal number from the UART (polling) up to the first byte
 * that is not a digit, then writes it with a 4-byte `out` to the debug
 * exit port.  The VMM exits with (V << 1) | 1, so
 * `printf '21\n' | vmm exit64.bin` exits with status 43.
 */
#include "guest.h"

	.code64
	.text
	.globl	_start
_start:
	xor	%ebx, %ebx		/* EBX = number read so far */

next_byte:
	mov	$COM1_LSR, %dx
wait_rx:
	in	(%dx), %al
	test	$UART_LSR_DR, %al
	jz	wait_rx
	mov	$COM1_RBR, %dx
	in	(%dx), %al

	sub	$'0', %al		/* not a digit: unsigned AL > 9 */
	cmp	$9, %al
	ja	report
	movzbl	%al, %eax
	imul	$10, %ebx, %ebx
	add	%eax, %ebx
	jmp	next_byte

report:
	mov	%ebx, %eax
	mov	$DEBUG_EXIT_PORT, %dx
	out	%eax, (%dx)
	/* Not reached when the VMM implements the debug exit port. */
	cli
	hlt
