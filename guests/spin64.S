/*
 * spin64.S - a guest that never stops, for the VMM's --timeout.
 *
 * After one line of output it loops forever without any exit to the
 * VMM, so only a timer outside the vCPU can end the run.
 */
#include "guest.h"

	.code64
	.text
	.globl	_start
_start:
	lea	msg(%rip), %rsi
	serial_puts
	jmp	.

msg:	.asciz	"spinning\r\n"
