/*
 * evilfb64.S - framebuffer accesses at and across the end of the aperture
 * (run with --fb 64x64: a 64 KiB aperture), and into the register block.
 *
 *   an 8-byte store 4 bytes before the end: the first 4 land, the rest
 *   go nowhere; 2- and 1-byte stores across and at the end; 1/2/4/8-byte
 *   stores and loads exactly at the end and 1 MiB past it (no device:
 *   loads give all ones); an 8-byte load across the end (pixel bytes,
 *   then all ones); a store to the read-only registers (ignored, said
 *   once); an 8-byte load from the last register dword into pixel 0.
 *
 * Ends through the debug exit port with 0 (status 1), or the number of
 * the first check that failed.
 */
#include "guest.h"


/* check n: fail with code n unless the flags say "equal". */
.macro check n:req
	mov	$\n, %bl
	jne	fail
.endm

	.code64
	.text
	.globl	_start
_start:
	mov	$FB_REGS_ADDR, %esi
	cmpl	$FB_MAGIC, FB_REG_MAGIC(%rsi)
	check	1
	mov	$FB_APERTURE_ADDR, %r10d		/* R10 = the aperture (zero-extended) */
	mov	FB_REG_APERTURE(%rsi), %edi
	add	%r10, %rdi		/* RDI = its end */

	movl	$0x00abcdef, (%r10)	/* pixel 0, read back through the registers */
	movabs	$0x1122334455667788, %rax
	mov	%rax, -4(%rdi)		/* across the end */
	mov	-4(%rdi), %eax
	cmp	$0x55667788, %eax
	check	2
	mov	-4(%rdi), %rax		/* across the end: the high half is nothing */
	movabs	$0xffffffff55667788, %rcx
	cmp	%rcx, %rax
	check	3
	movw	$0x99aa, -1(%rdi)	/* 1 byte lands */
	movb	-1(%rdi), %al
	cmp	$0xaa, %al
	check	4

	movb	%al, (%rdi)		/* at the end: nothing there */
	movw	%ax, (%rdi)
	movl	%eax, (%rdi)
	movq	%rax, (%rdi)
	movb	(%rdi), %al
	cmp	$0xff, %al
	check	5
	movq	(%rdi), %rax
	cmp	$-1, %rax
	check	6
	movq	%rax, 0x100000(%rdi)	/* far past it */
	movq	0x100000(%rdi), %rax
	cmp	$-1, %rax
	check	7

	movl	$0, FB_REG_WIDTH(%rsi)	/* read-only: ignored */
	movl	$0, FB_REG_MAGIC(%rsi)
	cmpl	$FB_MAGIC, FB_REG_MAGIC(%rsi)
	check	8
	movq	0xffc(%rsi), %rax	/* past the registers (zeros), then pixel 0 */
	movabs	$0x00abcdef00000000, %rcx
	cmp	%rcx, %rax
	check	9
	movq	FB_REG_BASE_LO(%rsi), %rax
	cmp	%r10, %rax
	check	10

	xor	%ebx, %ebx
fail:
	movzbl	%bl, %eax
	out	%eax, $DEBUG_EXIT_PORT
	cli
	hlt
