/*
 * flood64.S - stress for the VMM's coalesced port I/O ring.
 *
 * Writes exactly 4096 bytes: 64 lines of 64 bytes, line i being "ii: "
 * (two decimal digits), 59 letters cycling A..Z from letter i mod 26,
 * and "\n".  It never polls LSR: the VMM's UART transmits instantly, and
 * back-to-back THR writes pile up in KVM's coalesced ring instead of
 * each exiting to the VMM, which is the case this guest exists to test.
 *
 * After lines 0, 8, ..., 56 it sets LCR.DLAB and writes the divisor
 * latch (DLL = 1 + i, DLM = 0) through the same ports as THR/IER.  These
 * writes must not reach the output: the VMM has to apply ring entries
 * and LCR writes in the order the guest made them.  At the end it reads
 * the divisor back and prints "divisor 39\n" (1 + 56 = 0x39).
 *
 * About 5 instructions per letter: roughly 22 000 instructions in all.
 */
#include "guest.h"

#define LINES		64
#define LETTERS		59		/* 64 - "ii: " - "\n" */

	.code64
	.text
	.globl	_start
_start:
	xor	%ebx, %ebx		/* BL = line number i */
	mov	$10, %r8b
	mov	$26, %r9b
	mov	$COM1_THR, %dx		/* DX stays COM1_THR while printing */

line:
	movzbl	%bl, %eax		/* "ii: " */
	div	%r8b			/* AL = i / 10, AH = i % 10 */
	add	$'0', %al
	out	%al, (%dx)
	mov	%ah, %al
	add	$'0', %al
	out	%al, (%dx)
	mov	$':', %al
	out	%al, (%dx)
	mov	$' ', %al
	out	%al, (%dx)

	movzbl	%bl, %eax		/* first letter: 'A' + i % 26 */
	div	%r9b
	mov	%ah, %al
	add	$'A', %al
	mov	$LETTERS, %ecx
letter:
	out	%al, (%dx)
	inc	%al
	cmp	$'Z' + 1, %al
	jne	1f
	mov	$'A', %al
1:	loop	letter

	mov	$'\n', %al
	out	%al, (%dx)

	test	$7, %bl			/* after every 8th line: divisor latch */
	jnz	2f
	mov	$COM1_LCR, %dx
	mov	$(UART_LCR_DLAB | UART_LCR_WLEN8), %al
	out	%al, (%dx)
	mov	$COM1_DLL, %dx
	lea	1(%rbx), %eax
	out	%al, (%dx)
	mov	$COM1_DLM, %dx
	xor	%eax, %eax
	out	%al, (%dx)
	mov	$COM1_LCR, %dx
	mov	$UART_LCR_WLEN8, %al
	out	%al, (%dx)
	mov	$COM1_THR, %dx

2:	inc	%bl
	cmp	$LINES, %bl
	jne	line

	/* Read the divisor latch back. */
	mov	$COM1_LCR, %dx
	mov	$(UART_LCR_DLAB | UART_LCR_WLEN8), %al
	out	%al, (%dx)
	mov	$COM1_DLL, %dx
	in	(%dx), %al
	mov	%al, %bl
	mov	$COM1_LCR, %dx
	mov	$UART_LCR_WLEN8, %al
	out	%al, (%dx)

	lea	msg(%rip), %rsi		/* "divisor " */
	serial_puts
	lea	hex(%rip), %rdi
	movzbl	%bl, %eax
	shr	$4, %al
	mov	(%rdi,%rax), %al
	serial_putc_al
	mov	%bl, %al
	and	$0x0f, %eax
	mov	(%rdi,%rax), %al
	serial_putc_al
	mov	$'\n', %al
	serial_putc_al
	cli
	hlt

msg:	.asciz	"divisor "
hex:	.ascii	"0123456789abcdef"
