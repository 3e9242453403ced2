/*
 * hello16.S - real mode: the smallest thing a VMM can boot.
 *
 * A 512-byte file ending in 0x55 0xAA is a boot sector: the VMM loads it
 * at 0x7c00 and starts it in real mode with CS=DS=0 and IP=0x7c00, as a
 * PC BIOS would.  Port I/O needs no setup at all, so the guest polls the
 * UART's line status and writes one byte at a time, then halts with
 * interrupts off, which the VMM reports as success (exit status 0).
 */
#include "guest.h"

	.code16
	.text
	.globl	_start
_start:
	mov	$msg, %si
	serial_puts
	cli
	hlt

msg:	.asciz	"Hello from real mode!\r\n"

	/* Boot signature in the last two bytes of the sector. */
	.org	510
	.byte	0x55, 0xaa
