/*
 * hello32.S - 32-bit protected mode, paging off.
 *
 * With --mode protected the VMM loads the image at 1 MiB and enters it
 * with flat 4 GiB segments (CS=0x10, data 0x18), so a linear address is
 * a physical address and the string is reached through ESI directly.
 */
#include "guest.h"

	.code32
	.text
	.globl	_start
_start:
	mov	$msg, %esi
	serial_puts
	cli
	hlt

msg:	.asciz	"Hello from protected mode!\r\n"
