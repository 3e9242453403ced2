/*
 * debug64.S - a guest to look inside with gdb (README "Debugging with gdb").
 *
 * Built with line information (gcc -g), so gdb's break, next, list and
 * watch work on it by name. Each part gives a debugger something to see
 * or change, with an effect on what the guest prints:
 *
 *   fs_set:   WRMSR has set FS_BASE, the base of %fs, to `greeting`: the
 *             loop prints it through %fs:.  `monitor msr 0xc0000100` shows
 *             the MSR (one KVM_GET_ONE_REG); writing `farewell`'s address
 *             there instead changes what is printed.
 *   count:    a counter in memory, incremented 3 times:
 *             `watch *(int *)&counter`.
 *   set_rax:  AL holds the letter printed next: `set $rax = 'B'`.
 *   done:     the exit status is the byte `status`, written to the debug
 *             exit port: `set var *(char *)&status = 7` makes vmm exit
 *             with 15. (Assembly has no C types: gdb needs the casts.)
 *
 * Without a debugger it prints
 *   Hello through FS_BASE!
 *   count 1 / count 2 / count 3 (one per line)
 *   A
 * and exits with status 1 (status 0 written to port 0xf4).
 */
#include "guest.h"

	.code64
	.text
	.globl	_start
_start:
	mov	$MSR_FS_BASE, %ecx
	lea	greeting(%rip), %rax
	mov	%rax, %rdx
	shr	$32, %rdx		/* WRMSR takes EDX:EAX */
	wrmsr
fs_set:
	xor	%ebx, %ebx
print_fs:
	mov	%fs:(%rbx), %al		/* the greeting, through FS_BASE */
	test	%al, %al
	jz	count
	call	putc
	inc	%ebx
	jmp	print_fs

count:
	incl	counter(%rip)
	call	say_count
	cmpl	$3, counter(%rip)
	jb	count

	mov	$'A', %eax
set_rax:
	call	putc
	call	crlf
done:
	movzbl	status(%rip), %eax
	out	%al, $DEBUG_EXIT_PORT
	cli
	hlt

/* putc: print AL. Clobbers AH, DX. */
putc:
	serial_putc_al
	ret

crlf:
	mov	$'\r', %al
	call	putc
	mov	$'\n', %al
	jmp	putc

/* say_count: "count N" and a new line, N the counter's value (0-9). */
say_count:
	lea	count_msg(%rip), %rsi
	serial_puts
	mov	counter(%rip), %al
	add	$'0', %al
	call	putc
	jmp	crlf

greeting:	.asciz	"Hello through FS_BASE!\r\n"
farewell:	.asciz	"FS_BASE moved by gdb\r\n"
count_msg:	.asciz	"count "
	.balign	4
	.type	counter, @object
	.size	counter, 4
counter:	.long	0
	.type	status, @object
	.size	status, 1
status:		.byte	0
