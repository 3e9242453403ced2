/*
 * fwcfg64.S - reading QEMU's fw_cfg interface (docs/specs/fw_cfg.rst)
 * from a long-mode flat binary.
 *
 * A 16-bit write of a key to the selector port 0x510 picks an item; byte
 * reads from 0x511 then walk it, little-endian, zeros past its end.
 * Prints, one line each:
 *   signature 'QEMU'
 *   id 0000000000000001          (4-byte item read as 8: zeros past it)
 *   ram 0000000008000000         (bytes, 64-bit hex)
 *   cpus 3
 *   max cpus 3
 *   unknown 0000000000000000     (a key nobody defines reads as zeros)
 * and ends by writing the CPU count to the debug exit port: --smp 3
 * ends with status (3 << 1) | 1 = 7.
 */
#include "guest.h"

#define FW_CFG_UNKNOWN	0x3fff		/* a key no QEMU version defines */

/* say "text": print a constant string.  Clobbers RAX, RDX, RSI. */
.macro say str:req
	.pushsection .text, 1
.Lsay\@:
	.asciz	"\str"
	.popsection
	lea	.Lsay\@(%rip), %rsi
	call	puts
.endm

/* item key, bytes: RAX = the first bytes (1..8) of item key. */
.macro item key:req, bytes:req
	mov	$\key, %eax
	mov	$\bytes, %ecx
	call	fw_cfg_read
.endm

	.code64
	.text
	.globl	_start
_start:
	say	"signature '"
	item	FW_CFG_SIGNATURE, 4
	mov	$4, %ecx
1:	call	putc			/* AL, then the next byte */
	shr	$8, %rax
	loop	1b
	say	"'\r\nid "
	item	FW_CFG_ID, 8
	call	hex64
	say	"\r\nram "
	item	FW_CFG_RAM_SIZE, 8
	call	hex64
	say	"\r\ncpus "
	item	FW_CFG_NB_CPUS, 2
	mov	%eax, %ebx		/* the exit code */
	call	dec64
	say	"\r\nmax cpus "
	item	FW_CFG_MAX_CPUS, 2
	call	dec64
	say	"\r\nunknown "
	item	FW_CFG_UNKNOWN, 8
	call	hex64
	say	"\r\n"
	mov	%ebx, %eax
	out	%eax, $DEBUG_EXIT_PORT
	cli
	hlt

/* fw_cfg_read: select key AX, read RCX bytes (1..8) into RAX.
 * Clobbers RCX, RDX, RDI. */
fw_cfg_read:
	mov	$FW_CFG_PORT, %dx
	out	%ax, (%dx)		/* the selector takes 16-bit writes */
	inc	%dx
	lea	buf(%rip), %rdi
	movq	$0, (%rdi)
	cld
1:	in	(%dx), %al
	stosb
	loop	1b
	mov	buf(%rip), %rax
	ret

/* putc: AL.  Clobbers DX (AH is saved: callers shift RAX). */
putc:
	push	%rax
	serial_putc_al
	pop	%rax
	ret

/* puts: the string at RSI.  Clobbers RAX, RDX, RSI. */
puts:
	serial_puts
	ret

/* hex64: RAX as 16 lowercase hex digits.  Clobbers RAX, RCX, RDX, R8. */
hex64:
	mov	%rax, %r8
	mov	$16, %ecx
1:	rol	$4, %r8
	mov	%r8b, %al
	and	$0xf, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$'a' - '0' - 10, %al
2:	call	putc
	loop	1b
	ret

/* dec64: RAX in decimal.  Clobbers RAX, RCX, RDX, R8. */
dec64:
	mov	$10, %r8d
	xor	%ecx, %ecx
1:	xor	%edx, %edx
	div	%r8
	push	%rdx			/* digits, least significant first */
	inc	%ecx
	test	%rax, %rax
	jnz	1b
2:	pop	%rax
	add	$'0', %al
	call	putc
	loop	2b
	ret

	.bss
	.balign	8
buf:	.skip	8
