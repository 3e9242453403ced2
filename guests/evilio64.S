/*
 * evilio64.S - a guest that pokes where nothing is: unclaimed ports and
 * MMIO, at every width.
 *
 * Ports 0x1234 and 0xffff (a 4-byte access there runs past the end of the
 * 64 KiB port space) are read and written with 1, 2 and 4 bytes; port I/O
 * has no 8-byte form.  MMIO in the 3-4 GiB hole (0xd0000000, no device)
 * and past the end of RAM (0x10000000 with 128 MiB) is read and written
 * with 1, 2, 4 and 8 bytes (mov), aligned, unaligned and across a page.
 * Every read must return all ones.  Then 200 distinct ports and 200
 * distinct MMIO pages are read, more than the VMM reports (64 per bus).
 *
 * Ends through the debug exit port: 0 (status 1) when every read gave all
 * ones, else the number of the first check that failed (status 2n + 1).
 */
#include "guest.h"

#define HOLE		0xd0000000	/* nothing mapped: MEM_HOLE_START + */
#define PAST_RAM	0x10000000	/* 256 MiB: past RAM with -m 128M */

/* check n: fail with code n unless the flags say "equal". */
.macro check n:req
	mov	$\n, %bl
	jne	fail
.endm

/* mmio_all base: 1/2/4/8-byte reads (all ones) and writes at base. */
.macro mmio_all base:req, n:req
	mov	$\base, %edi
	movb	(%rdi), %al
	cmp	$0xff, %al
	check	\n
	movw	(%rdi), %ax
	cmp	$0xffff, %ax
	check	\n + 1
	movl	(%rdi), %eax
	cmp	$-1, %eax
	check	\n + 2
	movq	(%rdi), %rax
	cmp	$-1, %rax
	check	\n + 3
	movb	%al, (%rdi)
	movw	%ax, (%rdi)
	movl	%eax, (%rdi)
	movq	%rax, (%rdi)
.endm

	.code64
	.text
	.globl	_start
_start:
	mov	$0x1234, %dx
	in	(%dx), %al
	cmp	$0xff, %al
	check	1
	in	(%dx), %ax
	cmp	$0xffff, %ax
	check	2
	in	(%dx), %eax
	cmp	$-1, %eax
	check	3
	out	%al, (%dx)
	out	%ax, (%dx)
	out	%eax, (%dx)
	mov	$0xffff, %dx
	in	(%dx), %eax
	cmp	$-1, %eax
	check	4
	out	%eax, (%dx)
	in	(%dx), %ax
	out	%ax, (%dx)

	mmio_all HOLE, 10
	mmio_all HOLE + 3, 20		/* unaligned */
	mmio_all HOLE + 0xffc, 30	/* 8 bytes across a page */
	mmio_all PAST_RAM, 40

	mov	$0x2000, %dx		/* 200 distinct ports */
	mov	$200, %ecx
1:	in	(%dx), %al
	inc	%dx
	loop	1b
	mov	$HOLE, %edi		/* 200 distinct MMIO pages */
	mov	$200, %ecx
2:	movl	(%rdi), %eax
	add	$0x1000, %edi
	loop	2b

	xor	%ebx, %ebx
fail:
	movzbl	%bl, %eax
	out	%eax, $DEBUG_EXIT_PORT
	cli
	hlt
