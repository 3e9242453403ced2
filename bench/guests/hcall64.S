/*
 * hcall64.S - N register-argument hypercalls (row 3: sync_regs).
 *
 * Each call is function HC_ADD with RDI = loop counter, RSI = 1 through
 * the vmm hypercall port: vmm reads RAX/RDI/RSI and writes RAX, which
 * costs two extra ioctls per call without KVM_CAP_SYNC_REGS.  The guest
 * sums the results and checks them, so a benchmark of a broken VMM
 * fails: 0 to debug-exit (status 1) if the sum is right, else 1
 * (status 3).
 */
#include "guest.h"

#ifndef N
#define N 1000
#endif
/* sum over i = 1..N of (i + 1) */
#define EXPECTED	((N) * ((N) + 1) / 2 + (N))

	.code64
	.text
	.globl	_start
_start:
	mov	$N, %ecx
	xor	%ebx, %ebx
	mov	$HYPERCALL_PORT, %dx
	jrcxz	2f
1:	mov	$HC_ADD, %eax
	mov	%rcx, %rdi
	mov	$1, %esi
	out	%al, (%dx)
	add	%rax, %rbx
	loop	1b
2:	movabs	$EXPECTED, %rax
	cmp	%rax, %rbx
	setne	%al
	movzbl	%al, %eax
	mov	$DEBUG_EXIT_PORT, %dx
	out	%al, (%dx)
	cli
	hlt
