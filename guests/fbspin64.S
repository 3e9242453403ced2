/*
 * fbspin64.S - a picture that stays up (vmm --fb WxH, at least 32x16).
 *
 * Fills the top-left 32x16 pixels with orange (0xff8000), says "fb-spin:
 * drawn" and loops forever without exits, so tests can take snapshots
 * (SIGUSR1, Ctrl-A s) of a guest that is still running.
 */
#include "guest.h"

#define COLOUR		0xff8000
#define BOX_W		32
#define BOX_H		16

	.code64
	.text
	.globl	_start
_start:
	cld
	mov	$FB_REGS_ADDR, %ebx
	mov	FB_REG_STRIDE(%rbx), %r14d
	mov	FB_REG_BASE_HI(%rbx), %edi
	shl	$32, %rdi
	mov	FB_REG_BASE_LO(%rbx), %eax
	or	%rax, %rdi
	movabs	$(COLOUR << 32 | COLOUR), %rax
	mov	$BOX_H, %edx
1:	mov	%rdi, %rsi
	mov	$BOX_W / 2, %ecx		/* two pixels per store */
	rep stosq
	lea	(%rsi,%r14), %rdi
	dec	%edx
	jnz	1b

	lea	msg(%rip), %rsi
	serial_puts
	jmp	.

msg:	.asciz	"fb-spin: drawn\r\n"
