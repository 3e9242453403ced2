/*
 * fbdemo64.S - a test card on the vmm framebuffer (vmm --fb 320x200).
 *
 * Reads the geometry from the register block, then draws in the top-left
 * 320x200 pixels: a white frame, a title and the geometry it read in 8x8
 * text, four 256-step gradient bars (red, green, blue, grey), four
 * coloured boxes and every glyph it has.  Then it says "fb-demo: done" on
 * the serial line and halts.  tests/fbpng.py draws the same picture in
 * Python, with the glyphs parsed from this file: change both together.
 *
 * Every pixel store costs an MMIO write (a coalesced ring entry, or an
 * exit with --no-coalesce), and every instruction ~1.5 us on an emulating
 * KVM, so fills are single rep stos/movs instructions and the picture is
 * about 12 800 stores and 16 000 instructions.  Status on failure (port
 * 0xf4): 1 no framebuffer, 2 not XRGB8888, 3 smaller than 320x200.
 */
#include "guest.h"

#define DEMO_W		320
#define DEMO_H		200
#define WHITE		0xffffff
#define YELLOW		0xffff00
#define BAR_X		32
#define BAR_ROWS	8
#define BOX_Y		96
#define BOX_W		40
#define BOX_H		40

	.code64
	.text

	/* Argument set-up for the three drawing routines. */
	.macro rect x, y, w, h, colour
	mov	$\x, %ecx
	mov	$\y, %edx
	mov	$\w, %r8d
	mov	$\h, %r9d
	mov	$\colour, %eax
	call	fill_rect
	.endm
	.macro text x, y, colour
	mov	$\x, %ecx
	mov	$\y, %edx
	mov	$\colour, %eax
	call	draw_text
	.endm
	.macro bar y, step
	mov	$\y, %edx
	mov	$\step, %ebx
	call	gradient
	.endm

	.globl	_start
_start:
	cld
	mov	$FB_REGS_ADDR, %r13d			/* R13 = registers, for good */
	mov	$1, %eax
	cmpl	$FB_MAGIC, FB_REG_MAGIC(%r13)
	jne	fail
	mov	$2, %eax
	cmpl	$FB_FORMAT_XRGB8888, FB_REG_FORMAT(%r13)
	jne	fail
	mov	$3, %eax
	cmpl	$DEMO_W, FB_REG_WIDTH(%r13)
	jb	fail
	cmpl	$DEMO_H, FB_REG_HEIGHT(%r13)
	jb	fail
	mov	FB_REG_STRIDE(%r13), %r14d	/* R14 = stride, for good */
	mov	FB_REG_BASE_HI(%r13), %r15d
	shl	$32, %r15
	mov	FB_REG_BASE_LO(%r13), %eax
	or	%rax, %r15			/* R15 = aperture, for good */

	/* The frame: top, bottom, left and right edges. */
	.set	LAST_X, DEMO_W - 1
	.set	LAST_Y, DEMO_H - 1
	.set	SIDE_H, DEMO_H - 2
	rect	0, 0, DEMO_W, 1, WHITE
	rect	0, LAST_Y, DEMO_W, 1, WHITE
	rect	0, 1, 1, SIDE_H, WHITE
	rect	LAST_X, 1, 1, SIDE_H, WHITE

	lea	title(%rip), %rsi
	text	16, 12, WHITE
	call	geometry_line
	lea	line2(%rip), %rsi
	text	16, 24, YELLOW

	bar	40, 0x010000			/* red */
	bar	52, 0x000100			/* green */
	bar	64, 0x000001			/* blue */
	bar	76, 0x010101			/* grey */

	rect	32, BOX_Y, BOX_W, BOX_H, 0xff4040
	rect	104, BOX_Y, BOX_W, BOX_H, 0x40c040
	rect	176, BOX_Y, BOX_W, BOX_H, 0x4080ff
	rect	248, BOX_Y, BOX_W, BOX_H, 0xffc020

	lea	sample(%rip), %rsi
	text	16, 152, WHITE

	lea	done(%rip), %rsi
	serial_puts
	cli
	hlt

fail:	mov	$DEBUG_EXIT_PORT, %dx
	out	%eax, (%dx)
	cli
	hlt

/* RDI = address of pixel (ECX, EDX). */
pixel_addr:
	mov	%edx, %edi
	imul	%r14, %rdi
	lea	(%rdi,%rcx,4), %rdi
	add	%r15, %rdi
	ret

/* fill_rect: ECX, EDX = x, y; R8D x R9D pixels of colour EAX.  Two pixels
 * per store (rep stosq), and one stosl for an odd width. */
fill_rect:
	call	pixel_addr
	mov	%eax, %eax
	mov	%rax, %r10
	shl	$32, %r10
	or	%r10, %rax
1:	mov	%rdi, %r10
	mov	%r8d, %ecx
	shr	%ecx
	rep stosq
	test	$1, %r8b
	jz	2f
	stosl
2:	lea	(%r10,%r14), %rdi
	dec	%r9d
	jnz	1b
	ret

/* gradient: BAR_ROWS lines from (BAR_X, EDX), 256 pixels of colour i * EBX.
 * The line is built once in RAM, then copied by one rep movsl per line. */
gradient:
	lea	row_buf(%rip), %rdi
	xor	%eax, %eax
	mov	$256, %ecx
1:	stosl
	add	%ebx, %eax
	loop	1b
	mov	$BAR_X, %ecx
	call	pixel_addr
	mov	$BAR_ROWS, %r9d
2:	mov	%rdi, %r10
	lea	row_buf(%rip), %rsi
	mov	$256, %ecx
	rep movsl
	lea	(%r10,%r14), %rdi
	dec	%r9d
	jnz	2b
	ret

/* draw_text: the NUL-terminated string at RSI from (ECX, EDX) in colour
 * EAX, 8x8 glyphs with bit 7 leftmost; only set pixels are stored. */
draw_text:
	call	pixel_addr
1:	movzbl	(%rsi), %ebx
	inc	%rsi
	test	%ebx, %ebx
	jz	5f
	lea	font - 0x20 * 8(%rip), %r10
	lea	(%r10,%rbx,8), %r10		/* the glyph */
	mov	%rdi, %r9
	mov	$8, %r11d
2:	movzbl	(%r10), %ebx
	inc	%r10
	xor	%ecx, %ecx
3:	shl	%bl				/* CF = leftmost pixel left */
	jnc	4f
	mov	%eax, (%rdi,%rcx,4)
4:	inc	%ecx
	test	%bl, %bl
	jnz	3b
	add	%r14, %rdi
	dec	%r11d
	jnz	2b
	lea	8 * 4(%r9), %rdi		/* next character cell */
	jmp	1b
5:	ret

/* geometry_line: line2 = "<width>X<height> XRGB8888". */
geometry_line:
	lea	line2(%rip), %rdi
	mov	FB_REG_WIDTH(%r13), %eax
	call	put_decimal
	movb	$'X', (%rdi)
	inc	%rdi
	mov	FB_REG_HEIGHT(%r13), %eax
	call	put_decimal
	lea	format(%rip), %rsi
	mov	$format_len, %ecx
	rep movsb
	ret

/* put_decimal: EAX in decimal at RDI, advancing RDI. */
put_decimal:
	mov	$10, %ecx
	xor	%r8d, %r8d
1:	xor	%edx, %edx
	div	%ecx
	add	$'0', %dl
	push	%rdx
	inc	%r8d
	test	%eax, %eax
	jnz	1b
2:	pop	%rax
	stosb
	dec	%r8d
	jnz	2b
	ret

title:	.asciz	"VMM FRAMEBUFFER"
sample:	.asciz	"0123456789 ABEFGMRUVX"
format:	.asciz	" XRGB8888"
	format_len = . - format
done:	.asciz	"fb-demo: done\r\n"

/* The glyphs this guest draws, at (character - 0x20) * 8: eight rows, bit
 * 7 the leftmost pixel. */
	.macro glyph c, r0, r1, r2, r3, r4, r5, r6, r7
	.org	font + (\c - 0x20) * 8
	.byte	\r0, \r1, \r2, \r3, \r4, \r5, \r6, \r7
	.endm
font:
	glyph ' ', 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
	glyph '0', 0x78, 0xcc, 0xdc, 0xfc, 0xec, 0xcc, 0x78, 0x00
	glyph '1', 0x30, 0x70, 0x30, 0x30, 0x30, 0x30, 0xfc, 0x00
	glyph '2', 0x78, 0xcc, 0x0c, 0x38, 0x60, 0xc0, 0xfc, 0x00
	glyph '3', 0x78, 0xcc, 0x0c, 0x38, 0x0c, 0xcc, 0x78, 0x00
	glyph '4', 0x1c, 0x3c, 0x6c, 0xcc, 0xfe, 0x0c, 0x0c, 0x00
	glyph '5', 0xfc, 0xc0, 0xf8, 0x0c, 0x0c, 0xcc, 0x78, 0x00
	glyph '6', 0x38, 0x60, 0xc0, 0xf8, 0xcc, 0xcc, 0x78, 0x00
	glyph '7', 0xfc, 0x0c, 0x18, 0x30, 0x60, 0x60, 0x60, 0x00
	glyph '8', 0x78, 0xcc, 0xcc, 0x78, 0xcc, 0xcc, 0x78, 0x00
	glyph '9', 0x78, 0xcc, 0xcc, 0x7c, 0x0c, 0x18, 0x70, 0x00
	glyph 'A', 0x30, 0x78, 0xcc, 0xcc, 0xfc, 0xcc, 0xcc, 0x00
	glyph 'B', 0xf8, 0xcc, 0xcc, 0xf8, 0xcc, 0xcc, 0xf8, 0x00
	glyph 'E', 0xfc, 0xc0, 0xc0, 0xf8, 0xc0, 0xc0, 0xfc, 0x00
	glyph 'F', 0xfc, 0xc0, 0xc0, 0xf8, 0xc0, 0xc0, 0xc0, 0x00
	glyph 'G', 0x78, 0xcc, 0xc0, 0xdc, 0xcc, 0xcc, 0x7c, 0x00
	glyph 'M', 0xc6, 0xee, 0xfe, 0xd6, 0xc6, 0xc6, 0xc6, 0x00
	glyph 'R', 0xf8, 0xcc, 0xcc, 0xf8, 0xd8, 0xcc, 0xcc, 0x00
	glyph 'U', 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0x78, 0x00
	glyph 'V', 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0x78, 0x30, 0x00
	glyph 'X', 0xcc, 0xcc, 0x78, 0x30, 0x78, 0xcc, 0xcc, 0x00

	.bss
row_buf: .skip	256 * 4
line2:	.skip	32
