/*
 * guest.h - port numbers and serial macros shared by the test guests.
 *
 * Preprocessed by gcc into GNU as sources: #defines and .macros only.
 * The macros use only AL, AH, DX and the string instructions, so they
 * assemble and run the same in .code16, .code32 and .code64.
 */
#ifndef GUEST_H
#define GUEST_H

/* COM1, a 16550A: register offsets from the PC16550D data sheet. */
#define COM1		0x3f8
#define UART_RBR	(COM1 + 0)	/* receive buffer (read, DLAB=0) */
#define UART_THR	(COM1 + 0)	/* transmit holding (write, DLAB=0) */
#define UART_DLL	(COM1 + 0)	/* divisor latch low (DLAB=1) */
#define UART_IER	(COM1 + 1)	/* interrupt enable (DLAB=0) */
#define UART_DLM	(COM1 + 1)	/* divisor latch high (DLAB=1) */
#define UART_IIR	(COM1 + 2)	/* interrupt identification (read) */
#define UART_FCR	(COM1 + 2)	/* FIFO control (write) */
#define UART_LCR	(COM1 + 3)	/* line control */
#define UART_MCR	(COM1 + 4)	/* modem control */
#define UART_LSR	(COM1 + 5)	/* line status */
#define UART_MSR	(COM1 + 6)	/* modem status */
#define UART_SCR	(COM1 + 7)	/* scratch */

#define LCR_8N1		0x03		/* 8 data bits, no parity, 1 stop */
#define LCR_DLAB	0x80		/* divisor latch access bit */
#define LSR_DR		0x01		/* data ready */
#define LSR_THRE	0x20		/* transmit holding register empty */
#define IER_RDI		0x01		/* received data available interrupt */
#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT2	0x08		/* gates the UART IRQ line on a PC */
#define UART_IRQ	4

/* QEMU isa-debug-exit compatible: writing V exits with (V << 1) | 1. */
#define DEBUG_EXIT_PORT	0xf4

/* vmm hypercall: RAX = function, RDI/RSI = arguments, 1-byte out. */
#define HYPERCALL_PORT	0x500
#define HC_VERSION	0		/* returns 1 */
#define HC_ADD		1		/* returns RDI + RSI */

/* vmm framebuffer (--fb): read-only registers, then the pixel aperture
 * (devices/fb.h). 32-bit registers; pixels are XRGB8888 dwords. */
#define FB_REGS		0xdffff000
#define FB_REG_MAGIC	0x00		/* FB_MAGIC */
#define FB_REG_WIDTH	0x04
#define FB_REG_HEIGHT	0x08
#define FB_REG_STRIDE	0x0c		/* bytes per line */
#define FB_REG_FORMAT	0x10		/* FB_XRGB8888 */
#define FB_REG_BPP	0x14
#define FB_REG_APERTURE	0x18		/* bytes, a multiple of 64 KiB */
#define FB_REG_BASE_LO	0x1c
#define FB_REG_BASE_HI	0x20
#define FB_MAGIC	0x42464d56	/* "VMFB" */
#define FB_XRGB8888	0x34325258	/* DRM fourcc "XR24" */

/* 8259A PIC pair. */
#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIC_EOI		0x20		/* non-specific end of interrupt */

/*
 * serial_putc_al: wait until THR is empty, then send AL.
 * Clobbers AH and DX.
 */
.macro serial_putc_al
	mov	%al, %ah
	mov	$UART_LSR, %dx
.Lthre_wait\@:
	in	(%dx), %al
	test	$LSR_THRE, %al
	jz	.Lthre_wait\@
	mov	%ah, %al
	mov	$UART_THR, %dx
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

#endif
