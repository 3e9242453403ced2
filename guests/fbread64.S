/*
 * fbread64.S - framebuffer stores read back (vmm --fb WxH, any geometry).
 *
 * Whatever path its stores take (the coalesced ring, MMIO exits, a RAM
 * memslot), a guest must read back what it wrote, in the order it wrote
 * it.  Checks, in order; a failed one ends the run through port 0xf4 with
 * its number N (status 2N + 1):
 *   1-3   the registers: magic, format, an aperture of whole 64 KiB units
 *         that holds stride * height bytes
 *   4-8   1-, 2-, 4- and 8-byte stores at odd offsets in pixels (1, 1) to
 *         (4, 1), the last overwriting two earlier ones
 *   9-10  an 8-byte store across a page boundary in the aperture
 *   11    16 pixels by rep stosl, compared by repe scasl
 *   12    the last pixel of the picture
 *   13-14 an 8-byte store straddling the end of the aperture: the 4 bytes
 *         inside land, those beyond go nowhere and read as all ones
 *   15    the registers ignore stores
 * Then it prints "fb-read: ok" and halts.
 */
#include "guest.h"

/* Unless the last comparison was equal, end the run with status N. */
	.macro fail_ne n
	je	.Lok\@
	mov	$\n, %eax
	jmp	fail
.Lok\@:
	.endm

/* Unless REG (64-bit) equals VALUE, end the run with status N. */
	.macro check reg, value, n
	movabs	$\value, %r8
	cmp	%r8, \reg
	fail_ne	\n
	.endm

	.code64
	.text
	.globl	_start
_start:
	cld
	mov	$FB_REGS_ADDR, %r13d
	mov	FB_REG_MAGIC(%r13), %eax
	check	%rax, FB_MAGIC, 1
	mov	FB_REG_FORMAT(%r13), %eax
	check	%rax, FB_FORMAT_XRGB8888, 2
	mov	FB_REG_STRIDE(%r13), %r14d	/* R14 = stride */
	mov	FB_REG_HEIGHT(%r13), %r12d
	imul	%r14, %r12			/* R12 = bytes in the picture */
	mov	FB_REG_APERTURE(%r13), %ebx	/* RBX = bytes in the aperture */
	mov	FB_REG_BASE_HI(%r13), %r15d
	shl	$32, %r15
	mov	FB_REG_BASE_LO(%r13), %eax
	or	%rax, %r15			/* R15 = aperture */
	test	$0xffff, %ebx
	fail_ne	3
	cmp	%r12, %rbx
	setae	%al
	cmp	$1, %al
	fail_ne	3

	/* Pixel (1, 1) on: bytes 0-14 become 11 22 33 44 55 66 cd ab 99 aa
	 * bb cc dd ee ff. */
	lea	4(%r15,%r14), %rdi
	movb	$0x11, (%rdi)
	movw	$0x3322, 1(%rdi)
	movl	$0x77665544, 3(%rdi)
	movabs	$0xffeeddccbbaa9988, %rax
	mov	%rax, 7(%rdi)
	movw	$0xabcd, 6(%rdi)
	mov	(%rdi), %rax
	check	%rax, 0xabcd665544332211, 4
	mov	7(%rdi), %rax
	check	%rax, 0xffeeddccbbaa99ab, 5
	movzwl	13(%rdi), %eax
	check	%rax, 0xffee, 6
	movzbl	6(%rdi), %eax
	check	%rax, 0xcd, 7
	mov	5(%rdi), %eax
	check	%rax, 0x99abcd66, 8

	/* Across the first page boundary of the aperture. */
	lea	4094(%r15), %rdi
	movabs	$0x0123456789abcdef, %rax
	mov	%rax, (%rdi)
	mov	(%rdi), %rax
	check	%rax, 0x0123456789abcdef, 9
	mov	2(%rdi), %eax
	check	%rax, 0x456789ab, 10

	/* Pixels (8, 10) to (23, 10). */
	mov	$10, %eax
	imul	%r14, %rax
	lea	8 * 4(%r15,%rax), %rdi
	mov	%rdi, %rsi
	mov	$0x336699, %eax
	mov	$16, %ecx
	rep stosl
	mov	%rsi, %rdi
	mov	$16, %ecx
	repe scasl
	fail_ne	11

	/* The last pixel. */
	lea	-4(%r15,%r12), %rdi
	movl	$0x123456, (%rdi)
	mov	(%rdi), %eax
	check	%rax, 0x123456, 12

	/* Across the end of the aperture (the last pixel too when the picture
	 * fills it, e.g. 256x256). */
	lea	-4(%r15,%rbx), %rdi
	movabs	$0x5555aaaa00abcdef, %rax
	mov	%rax, (%rdi)
	mov	(%rdi), %eax
	check	%rax, 0xabcdef, 13
	mov	(%rdi), %rax
	check	%rax, 0xffffffff00abcdef, 14

	/* The registers are read-only. */
	mov	FB_REG_WIDTH(%r13), %ecx
	movl	$1, FB_REG_WIDTH(%r13)
	mov	FB_REG_WIDTH(%r13), %eax
	cmp	%ecx, %eax
	fail_ne	15

	lea	ok(%rip), %rsi
	serial_puts
	cli
	hlt

fail:	mov	$DEBUG_EXIT_PORT, %dx
	out	%eax, (%dx)
	cli
	hlt

ok:	.asciz	"fb-read: ok\r\n"
