/*
 * guest.h - port numbers and serial macros shared by the test guests.
 *
 * Preprocessed by gcc into GNU as sources: #defines and .macros only.
 * The macros use only AL, AH, DX and the string instructions, so they
 * assemble and run the same in .code16, .code32 and .code64.
 */
#ifndef GUEST_H
#define GUEST_H

#include <linux/serial_reg.h>	/* UART register offsets and bits (PC16550D) */

#include "lib/machine.h"		/* ports, addresses, CPU bits */

/* COM1's registers as ports. */
#define COM1_RBR	(SERIAL_COM1 + UART_RX)		/* receive buffer (read, DLAB=0) */
#define COM1_THR	(SERIAL_COM1 + UART_TX)		/* transmit holding (write, DLAB=0) */
#define COM1_DLL	(SERIAL_COM1 + UART_DLL)	/* divisor latch low (DLAB=1) */
#define COM1_IER	(SERIAL_COM1 + UART_IER)	/* interrupt enable (DLAB=0) */
#define COM1_DLM	(SERIAL_COM1 + UART_DLM)	/* divisor latch high (DLAB=1) */
#define COM1_IIR	(SERIAL_COM1 + UART_IIR)	/* interrupt identification (read) */
#define COM1_FCR	(SERIAL_COM1 + UART_FCR)	/* FIFO control (write) */
#define COM1_LCR	(SERIAL_COM1 + UART_LCR)	/* line control */
#define COM1_MCR	(SERIAL_COM1 + UART_MCR)	/* modem control */
#define COM1_LSR	(SERIAL_COM1 + UART_LSR)	/* line status */
#define COM1_MSR	(SERIAL_COM1 + UART_MSR)	/* modem status */
#define COM1_SCR	(SERIAL_COM1 + UART_SCR)	/* scratch */

/* The 8259A PIC pair's command and data ports. */
#define PIC1_CMD	PIC1_PORT
#define PIC1_DATA	(PIC1_PORT + 1)
#define PIC2_CMD	PIC2_PORT
#define PIC2_DATA	(PIC2_PORT + 1)
#define PIC_EOI		0x20		/* OCW2: non-specific end of interrupt */

/*
 * serial_putc_al: wait until THR is empty, then send AL.
 * Clobbers AH and DX.
 */
.macro serial_putc_al
	mov	%al, %ah
	mov	$COM1_LSR, %dx
.Lthre_wait\@:
	in	(%dx), %al
	test	$UART_LSR_THRE, %al
	jz	.Lthre_wait\@
	mov	%ah, %al
	mov	$COM1_THR, %dx
	out	%al, (%dx)
.endm

/*
 * serial_puts: send the NUL-terminated string at SI (16-bit code),
 * ESI (32-bit) or RSI (64-bit); lodsb picks the right one.
 * Clobbers AX, DX and the string pointer.
 */
.macro serial_puts
	cld
.Lputs_next\@:
	lodsb
	test	%al, %al
	jz	.Lputs_done\@
	serial_putc_al
	jmp	.Lputs_next\@
.Lputs_done\@:
.endm

/*
 * idt_gate64: a 64-bit interrupt gate (present, DPL 0, BOOT_CS) for the
 * handler at RAX, written to the 16-byte IDT entry at RDI (Intel SDM
 * vol. 3, 6.14.1).  Clobbers RAX.
 */
#define GATE_INTR64	0x8e00		/* present, DPL 0, 64-bit interrupt gate */
.macro idt_gate64
	mov	%ax, (%rdi)
	movw	$BOOT_CS, 2(%rdi)
	movw	$GATE_INTR64, 4(%rdi)
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	shr	$16, %rax
	mov	%eax, 8(%rdi)
.endm

/*
 * fail_and_done: two ends for a test guest.  fail prints the string at
 * RSI and exits with 1 to the debug exit port (status 3); done exits with
 * AL (0: status 1).
 */
.macro fail_and_done
fail:
	serial_puts
	mov	$1, %eax
done:
	mov	$DEBUG_EXIT_PORT, %dx
	out	%al, (%dx)
	cli
	hlt
.endm

#endif
