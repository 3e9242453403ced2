/*
 * evilstorm64.S - a runaway loop that exits to the VMM as often as it
 * can: a read of an unclaimed port and a write of the POST port, forever.
 * Only --timeout, a signal or Ctrl-A x ends it; vmm must keep up with
 * them however busy the vCPU keeps it.
 */
#include "guest.h"

	.code64
	.text
	.globl	_start
_start:
	mov	$0x1234, %dx
1:	in	(%dx), %al
	out	%al, $0x80
	jmp	1b
