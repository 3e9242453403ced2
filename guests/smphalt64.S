/*
 * smphalt64.S - when a run with several vCPUs is over by itself, and when
 * it is not.  Run with --smp 2 or more; the boot CPU (BSP) reads the case
 * from the first byte on stdin and prints "case X":
 *   i  INIT to the other CPUs and no SIPI, then cli; hlt: every AP waits
 *      for a SIPI that never comes (KVM_MP_STATE_INIT_RECEIVED) and the
 *      BSP is halted with interrupts off, so nothing can run again: the
 *      run ends with status 0.
 *   n  The APs start (INIT, SIPI, SIPI, as smp64) and the BSP halts with
 *      interrupts off.  The last AP up prints "waking cpu 0", lets about
 *      2^28 TSC ticks pass (a tenth of a second) and sends the BSP an NMI,
 *      whose handler prints "woken by NMI" and writes 2 to the debug exit
 *      port: status 5.  A VMM that took the halted BSP for the end while an
 *      AP still ran would end with status 0 instead.
 *   p  The APs start and park in cli; hlt, the BSP masks the PICs (as
 *      kernels that want no timer do), prints "all parked" and idles in
 *      sti; hlt: not the end (only --timeout or a signal ends it), and
 *      SIGQUIT shows each vCPU's state.
 *   t  The same, but the BSP leaves the PIT and PICs as a BIOS leaves
 *      them (IRQ 0 on vector 0x08, 18.2 times a second) and handles the
 *      timer: an idle guest that its timer wakes, never the end either.
 *   r  (any number of CPUs) The BSP turns the RTC's update-ended
 *      interrupt on, which only vmm's host-thread ticks raise, and halts
 *      with interrupts off: over all the same, status 0.
 * With one CPU, or another byte, it writes 1 to the debug exit port
 * (status 3).
 */
#include "guest.h"
#include "smp.h"

#define AP_STACKS	0x80000		/* AP n's 256-byte stack ends at - n * 256 */
#define ICR_NMI		(APIC_ICR_ASSERT | APIC_MODE_NMI)	/* to the APIC id in ICR_HI */
#define NMI_VECTOR	2
#define IDT_VECTORS	(PIC1_BIOS_VECTOR + 1)

	.code64
	.text
	.globl	_start
_start:
	mov	$LAPIC_ADDR, %r12d
	movl	$SVR_ENABLE, APIC_REG_SVR(%r12)
	movl	$0, APIC_REG_ICR_HI(%r12)	/* shorthands and APIC id 0 */

	mov	$FW_CFG_PORT, %dx		/* the CPU count, 2 bytes */
	mov	$FW_CFG_NB_CPUS, %ax
	out	%ax, (%dx)
	inc	%dx
	in	(%dx), %al
	mov	%al, %bl
	in	(%dx), %al
	mov	%al, %bh
	movzwl	%bx, %ebx
	mov	%ebx, ncpus(%rip)

	mov	$COM1_LSR, %dx			/* the case: the first byte of input */
1:	in	(%dx), %al
	test	$UART_LSR_DR, %al
	jz	1b
	mov	$COM1_RBR, %dx
	in	(%dx), %al
	mov	%al, mode(%rip)
	lea	case_msg(%rip), %rsi
	call	puts
	mov	mode(%rip), %al
	call	putc
	lea	crlf(%rip), %rsi
	call	puts

	mov	mode(%rip), %al
	cmp	$'r', %al
	je	rtc_on
	cmpl	$2, ncpus(%rip)
	jb	fail
	cmp	$'i', %al
	je	init_only
	cmp	$'n', %al
	je	nmi_wake
	cmp	$'p', %al
	je	park
	cmp	$'t', %al
	je	park
fail:	mov	$1, %al
	out	%al, $DEBUG_EXIT_PORT
	jmp	halt

rtc_on:
	mov	$CMOS_REG_B, %al
	out	%al, $RTC_PORT
	mov	$(RTC_B_UIE | 0x02), %al	/* and 24-hour mode, as vmm starts it */
	out	%al, $(RTC_PORT + 1)
	jmp	halt

init_only:
	mov	$ICR_INIT, %eax
	call	send_ipi
	jmp	halt

nmi_wake:
	lea	idt(%rip), %rdi			/* the NMI gate */
	lea	nmi_handler(%rip), %rsi
	mov	$NMI_VECTOR, %ecx
	call	set_gate
	lidt	idtr(%rip)
	call	start_aps
	jmp	halt				/* until the NMI */

park:
	lea	idt(%rip), %rdi			/* the timer's gate: IRQ 0, vector 0x08 */
	lea	timer_handler(%rip), %rsi
	mov	$PIC1_BIOS_VECTOR, %ecx
	call	set_gate
	lidt	idtr(%rip)
	cmpb	$'t', mode(%rip)
	je	1f
	mov	$0xff, %al			/* 'p': no timer, no interrupt at all */
	out	%al, $PIC1_DATA
	out	%al, $PIC2_DATA
1:	call	start_aps
	mov	ncpus(%rip), %ebx
	dec	%ebx
1:	cmp	%ebx, count(%rip)		/* every AP up and about to halt */
	jne	1b
	lea	parked_msg(%rip), %rsi
	call	puts
1:	sti
	hlt
	jmp	1b

timer_handler:
	push	%rax
	mov	$PIC_EOI, %al
	out	%al, $PIC1_CMD
	pop	%rax
	iretq

/* set_gate: IDT at RDI, vector ECX -> handler RSI (64-bit interrupt gate). */
set_gate:
	shl	$4, %ecx
	add	%rcx, %rdi
	mov	%rsi, %rax
	idt_gate64
	ret

nmi_handler:
	lea	woken_msg(%rip), %rsi
	call	puts
	mov	$2, %al
	out	%al, $DEBUG_EXIT_PORT
	jmp	halt

	smp_start_aps

/* Each AP, in long mode from the trampoline. */
ap_main:
	mov	$LAPIC_ADDR, %r12d
	mov	APIC_REG_ID(%r12), %eax
	shr	$24, %eax
	shl	$8, %eax
	mov	$AP_STACKS, %esp
	sub	%eax, %esp
	movl	$SVR_ENABLE, APIC_REG_SVR(%r12)
	mov	$1, %eax
	lock xadd %eax, count(%rip)
	inc	%eax				/* APs up, this one included */
	cmpb	$'n', mode(%rip)
	jne	halt
	mov	ncpus(%rip), %ebx
	dec	%ebx
	cmp	%ebx, %eax
	jne	halt				/* not the last AP up */
	lea	waking_msg(%rip), %rsi
	call	puts
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	lea	1 << 28(%rax), %r13		/* the deadline */
1:	pause
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	cmp	%r13, %rax
	jb	1b
	movl	$0, APIC_REG_ICR_HI(%r12)	/* APIC id 0: the BSP */
	mov	$ICR_NMI, %eax
	call	send_ipi
halt:
	cli
	hlt
	jmp	halt

	smp_send_ipi

/* puts: the string at RSI.  Clobbers RAX, RDX, RSI. */
puts:
	serial_puts
	ret

/* putc: AL.  Clobbers AH, DX. */
putc:
	serial_putc_al
	ret

	smp_trampoline

case_msg:	.asciz	"case "
crlf:		.asciz	"\r\n"
parked_msg:	.asciz	"all parked\r\n"
waking_msg:	.asciz	"waking cpu 0\r\n"
woken_msg:	.asciz	"woken by NMI\r\n"

	.balign	16
idtr:	.word	IDT_VECTORS * 16 - 1		/* 0-8: the NMI and the timer are used */
	.quad	idt

	.bss
	.balign	16
idt:	.skip	IDT_VECTORS * 16
count:	.skip	4				/* APs up */
ncpus:	.skip	4
mode:	.skip	1
