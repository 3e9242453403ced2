/*
 * smp64.S - starting the other vCPUs (APs) from a long-mode flat binary.
 *
 * The boot CPU (BSP) reads the CPU count N from fw_cfg (key 0x05),
 * copies a trampoline to 0x9000 and sends INIT, SIPI, SIPI through its
 * xAPIC ICR to all CPUs but itself; each AP switches from real mode
 * straight to long mode and jumps to ap_main (smp.h says how).
 *
 * Every CPU, BSP first, prints "cpu ID up" (ID from its LAPIC_ADDR ID
 * register) under a spinlock; each AP then counts itself and halts.
 * Once N - 1 APs have counted themselves the BSP prints "all N cpus up"
 * and halts: interrupts off everywhere, so the run ends with status 0.
 * If they have not within about 2^33 TSC ticks (seconds), it prints
 * "only K of N cpus up" and writes 1 to the debug exit port (status 3).
 */
#include "guest.h"
#include "smp.h"

#define AP_STACKS	0x80000		/* AP n's 256-byte stack ends at - n * 256 */

/* say "text": print a constant string.  Clobbers RAX, RDX, RSI. */
.macro say str:req
	.pushsection .text, 1
.Lsay\@:
	.asciz	"\str"
	.popsection
	lea	.Lsay\@(%rip), %rsi
	call	puts
.endm

	.code64
	.text
	.globl	_start
_start:
	mov	$FW_CFG_PORT, %dx
	mov	$FW_CFG_NB_CPUS, %ax
	out	%ax, (%dx)
	inc	%dx
	in	(%dx), %al		/* 2 bytes, little-endian */
	mov	%al, %bl
	in	(%dx), %al
	mov	%al, %bh
	movzwl	%bx, %ebx
	mov	%ebx, ncpus(%rip)

	call	cpu_up
	cmp	$1, %ebx
	je	all_up

	mov	$LAPIC_ADDR, %r12d		/* above 2 GiB: no 32-bit displacement */
	movl	$SVR_ENABLE, APIC_REG_SVR(%r12)
	movl	$0, APIC_REG_ICR_HI(%r12)	/* the shorthand needs no destination */
	call	start_aps

	call	tsc
	mov	$1 << 33, %r13
	add	%rax, %r13		/* the deadline */
	dec	%ebx			/* APs to wait for */
1:	cmp	%ebx, count(%rip)
	je	all_up
	pause
	call	tsc
	cmp	%r13, %rax
	jb	1b

	call	lock
	say	"only "
	mov	count(%rip), %eax
	inc	%eax
	call	dec
	say	" of "
	mov	ncpus(%rip), %eax
	call	dec
	say	" cpus up\r\n"
	mov	$1, %al
	out	%al, $DEBUG_EXIT_PORT

all_up:
	call	lock
	say	"all "
	mov	ncpus(%rip), %eax
	call	dec
	say	" cpus up\r\n"
	call	unlock
	jmp	halt

/* Each AP, in long mode from the trampoline, on the trampoline's DS/SS. */
ap_main:
	mov	$LAPIC_ADDR, %eax
	mov	APIC_REG_ID(%rax), %eax
	shr	$24, %eax
	shl	$8, %eax
	mov	$AP_STACKS, %esp	/* zero-extended into RSP */
	sub	%eax, %esp
	call	cpu_up
	lock incl count(%rip)
halt:
	cli
	hlt
	jmp	halt

	smp_send_ipi
	smp_start_aps

/* tsc: RAX = the time stamp counter.  Clobbers RDX. */
tsc:
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	ret

/* cpu_up: "cpu ID up", ID from this CPU's LAPIC_ADDR, under the lock. */
cpu_up:
	call	lock
	say	"cpu "
	mov	$LAPIC_ADDR, %eax
	mov	APIC_REG_ID(%rax), %eax
	shr	$24, %eax
	call	dec
	say	" up\r\n"
	jmp	unlock

/* lock, unlock: the output spinlock (test and test-and-set). */
lock:
	mov	$1, %eax
	xchg	%eax, spin(%rip)	/* xchg with memory is locked */
	test	%eax, %eax
	jz	2f
1:	pause
	cmpl	$0, spin(%rip)
	jne	1b
	jmp	lock
2:	ret

unlock:
	movl	$0, spin(%rip)
	ret

/* puts: the string at RSI.  Clobbers RAX, RDX, RSI. */
puts:
	serial_puts
	ret

/* dec: EAX in decimal.  Clobbers RAX, RCX, RDX, R8. */
dec:
	mov	$10, %r8d
	xor	%ecx, %ecx
1:	xor	%edx, %edx
	div	%r8d
	push	%rdx			/* digits, least significant first */
	inc	%ecx
	test	%eax, %eax
	jnz	1b
2:	pop	%rax
	add	$'0', %al
	serial_putc_al
	loop	2b
	ret

	smp_trampoline

	.bss
	.balign	64
spin:	.skip	4
count:	.skip	4			/* APs that are up */
ncpus:	.skip	4
