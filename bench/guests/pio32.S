/*
 * pio32.S - the same loop as pio64.S as a multiboot kernel, for QEMU.
 *
 * QEMU's -kernel loads an ELF32 carrying a multiboot header (Multiboot
 * 0.6.96, section 3.1) and enters it in 32-bit protected mode with paging
 * off and flat segments; vmm runs the objcopy'd flat image with
 * `--mode protected --entry <_start>`, the same state.  The guest first
 * sends one byte to the UART (the benchmark times the arrival of that
 * byte as "guest running"), then N writes to the scratch register, then
 * 0 to the debug-exit port (QEMU: -device isa-debug-exit,iobase=0xf4):
 * status 1 in both.  N = 0 is the start-up guest.
 */
#include "guest.h"

#ifndef N
#define N 1000
#endif

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
	mov	$N, %ecx
	mov	$COM1_SCR, %dx
	jecxz	2f
1:	out	%al, (%dx)
	loop	1b
2:	xor	%eax, %eax
	mov	$DEBUG_EXIT_PORT, %dx
	out	%al, (%dx)
	cli
	hlt
