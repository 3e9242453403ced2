/*
 * evilflood64.S - more output than anyone reads: 256 KiB to the UART as
 * fast as rep outsb goes (4096 lines of 63 'f' and a newline), then the
 * debug exit port with 0 (status 1).
 *
 * With stdout a pipe nobody reads, the VMM's buffer fills: it must drop
 * bytes (and count them), never block the vCPU, and end with the guest's
 * status all the same.
 */
#include "guest.h"

#define BUF		0x200000	/* one 4 KiB page of text */
#define ROUNDS		64		/* 64 x 4096 bytes */

	.code64
	.text
	.globl	_start
_start:
	cld
	mov	$BUF, %edi
	mov	$'f', %al
	mov	$4096, %ecx
	rep stosb
	mov	$BUF + 63, %edi		/* a newline every 64 bytes */
	mov	$64, %ecx
1:	movb	$'\n', (%rdi)
	add	$64, %edi
	loop	1b

	mov	$COM1_THR, %dx
	mov	$ROUNDS, %ebx
2:	mov	$BUF, %esi
	mov	$4096, %ecx
	rep outsb
	dec	%ebx
	jnz	2b

	xor	%eax, %eax
	out	%eax, $DEBUG_EXIT_PORT
	cli
	hlt
