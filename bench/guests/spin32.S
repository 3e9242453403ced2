/*
 * spin32.S - multiboot guest that announces itself and spins, for the
 * footprint row: vmm and QEMU are measured from /proc while it runs.
 *
 * Same header and entry state as pio32.S.  The spin is `jmp .`: no
 * exit, no memory touched beyond the image.
 */
#include "guest.h"

#define MB_FLAGS	0

	.code32
	.text
	.globl	_start
	.align	4
mb_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.align	16
_start:
	mov	$'R', %al
	mov	$COM1_THR, %dx
	out	%al, (%dx)
	jmp	.
