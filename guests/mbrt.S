/*
 * mbrt.S - the start of the C test kernels (guests/mblib.c): a multiboot v1
 * header, so QEMU's -kernel and vmm run them alike, and the assembly C
 * cannot do: a GDT of its own (loaders keep theirs where guests may
 * write), the stack, and one interrupt entry per vector into C.
 *
 * Entered in 32-bit protected mode, paging off, EAX = 0x2BADB002, EBX =
 * the multiboot information; calls mb_main(magic, info), then ends the
 * run with its return value through the debug exit (mb_exit).
 */
#include "lib/machine.h"

#define MB_FLAGS	(MB_PAGE_ALIGN | MB_MEMORY_INFO)
#define CODE_SEL	0x08
#define DATA_SEL	0x10
#define STACK_SIZE	16384

	.code32
	.text
	.globl	_start
	.balign	4
mb_header:
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

_start:
	cli
	cld
	lgdt	gdt_desc
	ljmp	$CODE_SEL, $1f
1:	mov	$DATA_SEL, %ecx
	mov	%ecx, %ds
	mov	%ecx, %es
	mov	%ecx, %fs
	mov	%ecx, %gs
	mov	%ecx, %ss
	mov	$stack_top, %esp
	push	%ebx			/* mb_main(magic, info) */
	push	%eax
	call	mb_main
	push	%eax
	call	mb_exit			/* does not return */

/* isr_N: push the vector and go to C; the same frame for every vector
 * (the exceptions that push an error code end the run in C anyway). */
	.globl	isr_table
	.altmacro
.macro isr n
isr_\n:
	push	$\n
	jmp	isr_common
.endm
.macro isr_addr n
	.long	isr_\n
.endm
	.set	i, 0
.rept	256
	isr	%i
	.set	i, i + 1
.endr

/* The return is an iret done by hand. Interrupts arrive only in
 * wait_irq's "sti; hlt", which wants them off again afterwards, so
 * returning is: drop the saved CS and EFLAGS (IF stays clear) and jump
 * to the saved EIP. Why not iret: on a host whose KVM emulates kernel-mode
 * code (the development machines), KVM's emulator does iret in real mode
 * only, and stops the guest on a protected-mode one. */
isr_common:
	pusha
	push	32(%esp)		/* the vector, above the 8 registers */
	call	mb_isr
	add	$4, %esp
	popa
	add	$4, %esp		/* the vector */
	push	%eax
	mov	4(%esp), %eax		/* EIP */
	mov	%eax, isr_return
	pop	%eax
	add	$12, %esp		/* EIP, CS, EFLAGS */
	jmp	*isr_return

	.section .rodata
	.balign	4
isr_table:
	.set	i, 0
.rept	256
	isr_addr %i
	.set	i, i + 1
.endr

	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: flat 32-bit code */
	.quad	0x00cf93000000ffff	/* 0x10: flat data */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt

	.bss
	.balign	4
isr_return:
	.long	0
	.balign	16
	.space	STACK_SIZE
stack_top:
	.section .note.GNU-stack, "", @progbits
