/*
 * echo64.S - polled serial input.
 *
 * The guest busy-waits on LSR.DR (data ready), reads the byte from RBR
 * and sends it back through THR, so whatever arrives on the VMM's stdin
 * comes back on its stdout.  Ctrl-D (0x04) ends the run with status 0
 * and is not echoed.  Each poll is a port read the VMM must answer.
 */
#include "guest.h"

#define CTRL_D	0x04

	.code64
	.text
	.globl	_start
_start:
	mov	$COM1_LSR, %dx
wait_rx:
	in	(%dx), %al
	test	$UART_LSR_DR, %al
	jz	wait_rx

	mov	$COM1_RBR, %dx
	in	(%dx), %al
	cmp	$CTRL_D, %al
	je	done
	serial_putc_al			/* leaves DX = COM1_THR */
	jmp	_start

done:
	cli
	hlt
