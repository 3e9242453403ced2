/*
 * evilexit64.S - the debug exit port (0xf4-0xf7) at odd widths, offsets
 * and values.  The test picks the case by the first byte on stdin:
 *   b  1-byte 0x2a at 0xf4               -> status 85
 *   w  2-byte 0x1234 at 0xf5             -> status (0x2469 & 0xff) = 105
 *   l  4-byte 0xc0000000 at 0xf6         -> status 1 (only 8 bits survive)
 *   f  4-byte 0xffffffff at 0xf4         -> status 255
 *   y  1-byte 0x7f at 0xf7               -> status 255
 *   q  2-byte 3 at 0xf7 (runs past 0xf7) -> status 7
 *   x  4-byte 0x2a at 0xf3, below the device: not an exit; the guest
 *      prints "no exit" and halts        -> status 0
 * After the write the guest prints "no exit" and halts with interrupts
 * off (status 0): a run that shows that line saw the write ignored.
 */
#include "guest.h"

	.code64
	.text
	.globl	_start
_start:
	mov	$COM1_LSR, %dx
1:	in	(%dx), %al
	test	$UART_LSR_DR, %al
	jz	1b
	mov	$COM1_RBR, %dx
	in	(%dx), %al

	cmp	$'b', %al
	jne	1f
	mov	$0x2a, %al
	out	%al, $0xf4
	jmp	halt
1:	cmp	$'w', %al
	jne	1f
	mov	$0x1234, %ax
	out	%ax, $0xf5
	jmp	halt
1:	cmp	$'l', %al
	jne	1f
	mov	$0xc0000000, %eax
	out	%eax, $0xf6
	jmp	halt
1:	cmp	$'f', %al
	jne	1f
	mov	$0xffffffff, %eax
	out	%eax, $0xf4
	jmp	halt
1:	cmp	$'y', %al
	jne	1f
	mov	$0x7f, %al
	out	%al, $0xf7
	jmp	halt
1:	cmp	$'q', %al
	jne	1f
	mov	$3, %ax
	out	%ax, $0xf7
	jmp	halt
1:	mov	$0x2a, %eax		/* 'x' and anything else */
	out	%eax, $0xf3

halt:
	lea	msg(%rip), %rsi
	serial_puts
	cli
	hlt

msg:	.asciz	"no exit\r\n"
