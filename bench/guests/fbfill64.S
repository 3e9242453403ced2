/*
 * fbfill64.S - N full-frame fills of the vmm framebuffer (row 5).
 *
 * Reads the geometry from the register block (0xdffff000) and fills the
 * whole picture, stride x height bytes from the aperture's start, N times,
 * frame i in colour i * 0x010101: one `rep stosq` per frame (two pixels a
 * store), and one stosl when the pixel count is odd. The benchmark runs it
 * with --fb WxH by default (coalesced MMIO), with --no-coalesce and with
 * --fb-ram, at K and 2K frames, so start-up cancels. Writes nothing on the
 * serial line. Ends with 0 to debug-exit: status 1; no framebuffer: 1 to
 * debug-exit (status 3); not XRGB8888: 2 (status 5).
 */
#include "guest.h"

#ifndef N
#define N 4
#endif

	.code64
	.text
	.globl	_start
_start:
	cld
	mov	$FB_REGS_ADDR, %r13d
	mov	$1, %eax
	cmpl	$FB_MAGIC, FB_REG_MAGIC(%r13)
	jne	fail
	mov	$2, %eax
	cmpl	$FB_FORMAT_XRGB8888, FB_REG_FORMAT(%r13)
	jne	fail
	mov	FB_REG_STRIDE(%r13), %r14d
	imul	FB_REG_HEIGHT(%r13), %r14d	/* R14 = bytes of a frame */
	mov	FB_REG_BASE_HI(%r13), %r15d
	shl	$32, %r15
	mov	FB_REG_BASE_LO(%r13), %eax
	or	%rax, %r15			/* R15 = aperture */
	mov	$N, %ebx
	test	%ebx, %ebx
	jz	3f
1:	mov	%ebx, %eax
	imul	$0x010101, %eax, %eax
	mov	%rax, %rdx
	shl	$32, %rdx
	or	%rdx, %rax			/* two pixels */
	mov	%r15, %rdi
	mov	%r14, %rcx
	shr	$3, %rcx
	rep stosq
	test	$4, %r14b
	jz	2f
	stosl
2:	dec	%ebx
	jnz	1b
3:	xor	%eax, %eax
fail:	mov	$DEBUG_EXIT_PORT, %dx
	out	%eax, (%dx)
	cli
	hlt
