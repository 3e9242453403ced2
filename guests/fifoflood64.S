/*
 * fifoflood64.S - 256 KiB through the UART as the PC16550D datasheet
 * allows a polled driver to send: wait for LSR.THRE, then at most a
 * FIFO's worth (16 bytes) with rep outsb. Then the debug exit port with 0
 * (status 1).
 *
 * 4096 lines of 64 bytes: line i is i in four hex digits, 59 dots and
 * "\n", so a lost, doubled or reordered line shows. With stdout a pipe
 * read slower than the guest writes, THRE must stay clear until stdout
 * takes more: every byte arrives, in order.
 */
#include "guest.h"

#define BUF		0x200000	/* the text, built first */
#define LINES		4096
#define LINE		64
#define BURST		16		/* the 16550A's transmit FIFO */

	.code64
	.text
	.globl	_start
_start:
	cld
	mov	$BUF, %edi		/* every byte a dot */
	mov	$'.', %al
	mov	$LINES * LINE, %ecx
	rep stosb

	mov	$BUF, %edi		/* then each line's number and newline */
	xor	%ebx, %ebx
	lea	hex(%rip), %rsi
line:
	mov	$12, %cl		/* four digits, the most significant first */
digit:
	mov	%ebx, %eax
	shr	%cl, %eax
	and	$15, %eax
	movzbl	(%rsi,%rax), %eax
	stosb
	sub	$4, %cl
	jns	digit
	movb	$'\n', LINE - 5(%rdi)
	add	$LINE - 4, %edi
	inc	%ebx
	cmp	$LINES, %ebx
	jne	line

	mov	$BUF, %esi
	mov	$LINES * LINE / BURST, %ebx
burst:
	mov	$COM1_LSR, %dx
1:	in	(%dx), %al
	test	$UART_LSR_THRE, %al
	jz	1b
	mov	$COM1_THR, %dx
	mov	$BURST, %ecx
	rep outsb
	dec	%ebx
	jnz	burst

	xor	%eax, %eax
	out	%eax, $DEBUG_EXIT_PORT
	cli
	hlt

hex:	.ascii	"0123456789abcdef"
