/*
 * smp.h - starting the other vCPUs (APs) from a long-mode guest, shared by
 * smp64.S and smphalt64.S.  Include after guest.h.
 *
 * The BSP copies a trampoline to TRAMPOLINE and sends INIT, SIPI, SIPI
 * through its xAPIC ICR (Intel SDM vol. 3, 8.4.4.1; no delays: KVM needs
 * none).  Each AP starts in real mode at TRAMPOLINE (SIPI vector 0x09),
 * switches straight to long mode with the GDT and page tables the VMM
 * wrote for the BSP, and jumps to the guest's ap_main.
 */
#ifndef SMP_H
#define SMP_H

#define TRAMPOLINE	0x9000		/* page-aligned, below 1 MiB, past the VMM's */
#define SVR_ENABLE	0x1ff		/* APIC on, spurious vector 0xff */
#define ICR_INIT	(APIC_ICR_ALL_BUT_SELF | APIC_ICR_ASSERT | APIC_MODE_INIT)
#define ICR_SIPI	(APIC_ICR_ALL_BUT_SELF | APIC_ICR_ASSERT | APIC_MODE_STARTUP | (TRAMPOLINE >> 12))

/* send_ipi: ICR low = EAX through the LAPIC at R12, then wait until it is
 * sent. */
.macro smp_send_ipi
send_ipi:
	mov	%eax, APIC_REG_ICR_LO(%r12)
1:	testl	$APIC_ICR_BUSY, APIC_REG_ICR_LO(%r12)
	jnz	1b
	ret
.endm

/* start_aps: the trampoline to TRAMPOLINE, then INIT, SIPI, SIPI to all
 * but this CPU through the LAPIC at R12 (ICR high must be 0).  Clobbers
 * RAX, RCX, RSI, RDI. */
.macro smp_start_aps
start_aps:
	lea	trampoline(%rip), %rsi
	mov	$TRAMPOLINE, %edi
	mov	$trampoline_end - trampoline, %ecx
	cld
	rep movsb
	mov	$ICR_INIT, %eax
	call	send_ipi
	mov	$ICR_SIPI, %eax
	call	send_ipi
	mov	$ICR_SIPI, %eax
	call	send_ipi
	ret
.endm

/* The trampoline, from label trampoline to trampoline_end: copied to
 * TRAMPOLINE, where an AP starts with CS = 0x900, IP = 0. */
.macro smp_trampoline
	.code16
trampoline:
	cli
	lgdtl	%cs:gdtr - trampoline
	mov	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$BOOT_PML4_ADDR, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	$CR0_PE | CR0_PG, %eax	/* protected mode and paging at once */
	mov	%eax, %cr0
	ljmpl	$BOOT_CS, $TRAMPOLINE + tramp64 - trampoline
	.code64
tramp64:
	mov	$BOOT_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	$ap_main, %eax		/* back in the image, identity-mapped */
	jmp	*%rax
	.balign	4
gdtr:	.word	(BOOT_GDT_ENTRIES * 8 - 1)
	.long	BOOT_GDT_ADDR
trampoline_end:
.endm

#endif
