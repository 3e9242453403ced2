/*
 * evilrep64.S - string port I/O floods: each rep instruction arrives at
 * the VMM as one exit carrying up to a page of accesses (kvm_run io.count).
 *
 *   rep outsb  8192 'r' to the UART's THR: all of them reach stdout
 *   rep insb   4096 from the UART's RBR with no input: zeros
 *   rep insb/insw/insl from the unclaimed port 0x1234: all ones
 *   rep outsb/outsw/outsl 4096 times to port 0x1234: dropped
 * then prints "\r\nrep ok\r\n".  Ends through the debug exit port with 0
 * (status 1), or with the number of the check that failed.
 */
#include "guest.h"

#define BUF		0x200000	/* 2 MiB: RAM above the image */
#define UNCLAIMED	0x1234

/* expect value, count, n: the count bytes at BUF all equal value. */
.macro expect value:req, count:req, n:req
	mov	$BUF, %edi
	mov	$\value, %al
	mov	$\count, %ecx
	repe scasb
	mov	$\n, %bl
	jne	fail
.endm

	.code64
	.text
	.globl	_start
_start:
	cld
	mov	$BUF, %edi
	mov	$'r', %al
	mov	$8192, %ecx
	rep stosb
	mov	$BUF, %esi
	mov	$COM1_THR, %dx
	mov	$8192, %ecx
	rep outsb

	mov	$BUF, %edi
	mov	$COM1_RBR, %dx
	mov	$4096, %ecx
	rep insb
	expect	0, 4096, 1

	mov	$UNCLAIMED, %dx
	mov	$BUF, %edi
	mov	$4096, %ecx
	rep insb
	expect	0xff, 4096, 2
	mov	$BUF, %edi
	xor	%eax, %eax
	mov	$1024, %ecx
	rep stosl			/* zeros, then all ones from insw/insl */
	mov	$BUF, %edi
	mov	$1024, %ecx
	rep insw
	expect	0xff, 2048, 3
	mov	$BUF, %edi
	mov	$1024, %ecx
	rep insl
	expect	0xff, 4096, 4

	mov	$BUF, %esi
	mov	$4096, %ecx
	rep outsb
	mov	$BUF, %esi
	mov	$2048, %ecx
	rep outsw
	mov	$BUF, %esi
	mov	$1024, %ecx
	rep outsl

	lea	msg(%rip), %rsi
	serial_puts
	xor	%ebx, %ebx
fail:
	movzbl	%bl, %eax
	out	%eax, $DEBUG_EXIT_PORT
	cli
	hlt

msg:	.asciz	"\r\nrep ok\r\n"
