/*
 * hello64.S - 64-bit long mode, the default for flat images.
 *
 * The VMM has already built the GDT, identity-mapped page tables and
 * EFER.LMA, and enters the image at 1 MiB.  RIP-relative addressing
 * finds the string wherever the image was linked.  This is the guest
 * `make run` boots.
 */
#include "guest.h"

	.code64
	.text
	.globl	_start
_start:
	lea	msg(%rip), %rsi
	serial_puts
	cli
	hlt

msg:	.asciz	"Hello from long mode!\r\n"
