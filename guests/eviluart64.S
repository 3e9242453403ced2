/*
 * eviluart64.S - the UART driven by a guest that does not care: loopback
 * overrun, divisor 0, then 4000 pseudo-random reads and writes of every
 * register (0x3f8-0x3ff, DLAB, loopback and FIFO bits included), which
 * send random bytes to stdout.  Then it puts the UART back (8N1, FIFO and
 * loopback off) and prints "uart ok" the normal way.
 *
 * Ends through the debug exit port with 0 (status 1), or 1 when loopback
 * did not report the overrun of its 16-byte FIFO (status 3).
 */
#include "guest.h"

#define STEPS		4000

/* outb reg, value */
.macro outb reg:req, value:req
	mov	$\reg, %dx
	mov	$\value, %al
	out	%al, (%dx)
.endm

	.code64
	.text
	.globl	_start
_start:
	/* Loopback with the FIFO on: 20 bytes into 16 places. */
	outb	COM1_FCR, UART_FCR_ENABLE_FIFO
	outb	COM1_MCR, UART_MCR_LOOP
	mov	$COM1_THR, %dx
	mov	$'A', %al
	mov	$20, %ecx
1:	out	%al, (%dx)
	inc	%al
	loop	1b
	mov	$COM1_LSR, %dx
	in	(%dx), %al
	mov	$1, %bl
	test	$UART_LSR_OE, %al
	jz	fail
	mov	$COM1_RBR, %dx		/* take a few, leave the rest */
	in	(%dx), %al
	in	(%dx), %al

	/* Divisor 0: no baud rate at all. */
	outb	COM1_LCR, UART_LCR_DLAB
	outb	COM1_DLL, 0
	outb	COM1_DLM, 0
	outb	COM1_LCR, UART_LCR_WLEN8

	/* A linear congruential generator picks register, value, direction. */
	mov	$12345, %r8d
	mov	$STEPS, %r9d
2:	imul	$1103515245, %r8d, %r8d
	add	$12345, %r8d
	mov	%r8d, %eax
	shr	$16, %eax
	and	$7, %eax
	lea	SERIAL_COM1(%rax), %edx
	mov	%r8d, %eax
	shr	$24, %eax
	test	$0x100, %r8d
	jz	3f
	out	%al, (%dx)
	jmp	4f
3:	in	(%dx), %al
4:	dec	%r9d
	jnz	2b

	/* Back to normal: divisor 1, 8N1, no interrupts, FIFO and loopback off. */
	outb	COM1_LCR, UART_LCR_DLAB
	outb	COM1_DLL, 1
	outb	COM1_DLM, 0
	outb	COM1_LCR, UART_LCR_WLEN8
	outb	COM1_IER, 0
	outb	COM1_FCR, 0
	outb	COM1_MCR, 0
	mov	$COM1_RBR, %dx
	in	(%dx), %al
	mov	$COM1_LSR, %dx
	in	(%dx), %al

	lea	msg(%rip), %rsi
	serial_puts
	xor	%ebx, %ebx
fail:
	movzbl	%bl, %eax
	out	%eax, $DEBUG_EXIT_PORT
	cli
	hlt

msg:	.asciz	"\r\nuart ok\r\n"
