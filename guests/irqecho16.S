/*
 * irqecho16.S - interrupt-driven serial echo in real mode.
 *
 * Instead of polling, the guest programs the 8259A PIC (IRQ 0-7 on
 * vectors 0x08-0x0f, as a PC BIOS does) and the UART's receive
 * interrupt, installs a real-mode IVT entry for IRQ 4 (vector 0x0c) and
 * sleeps in `sti; hlt`.  Each received byte raises IRQ 4; the handler
 * echoes everything in the receive buffer and acknowledges the PIC.
 * Ctrl-D (0x04) ends the run with status 0 and is not echoed.
 * OUT2 in MCR must be set: on a PC it gates the UART's IRQ line.
 */
#include "guest.h"

#define CTRL_D		0x04
#define PIC1_VECTOR	0x08
#define PIC2_VECTOR	0x70
#define UART_VECTOR	(PIC1_VECTOR + SERIAL_COM1_IRQ)

	.code16
	.text
	.globl	_start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds

	/* Real-mode IVT entry: offset, then segment, at vector * 4. */
	movw	$uart_irq, UART_VECTOR * 4
	movw	$0, UART_VECTOR * 4 + 2

	/* Master PIC: ICW1 edge/cascade/ICW4, ICW2 base, ICW3 slave on IR2, ICW4 8086. */
	mov	$0x11, %al
	out	%al, $PIC1_CMD
	mov	$PIC1_VECTOR, %al
	out	%al, $PIC1_DATA
	mov	$0x04, %al
	out	%al, $PIC1_DATA
	mov	$0x01, %al
	out	%al, $PIC1_DATA
	mov	$~(1 << SERIAL_COM1_IRQ) & 0xff, %al	/* OCW1: only IRQ 4 */
	out	%al, $PIC1_DATA

	/* Slave PIC: same sequence, cascade identity 2, everything masked. */
	mov	$0x11, %al
	out	%al, $PIC2_CMD
	mov	$PIC2_VECTOR, %al
	out	%al, $PIC2_DATA
	mov	$0x02, %al
	out	%al, $PIC2_DATA
	mov	$0x01, %al
	out	%al, $PIC2_DATA
	mov	$0xff, %al
	out	%al, $PIC2_DATA

	/* UART: receive interrupt on, OUT2 to connect it to the PIC. */
	mov	$COM1_IER, %dx
	mov	$UART_IER_RDI, %al
	out	%al, (%dx)
	mov	$COM1_MCR, %dx
	mov	$(UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2), %al
	out	%al, (%dx)

	mov	$msg, %si
	serial_puts

	/* sti takes effect after the next instruction, so no IRQ is lost
	 * between the two: the CPU sleeps until the UART interrupts. */
idle:
	sti
	hlt
	jmp	idle

/* IRQ 4 handler: echo every byte the UART holds, then EOI. */
uart_irq:
	push	%ax
	push	%dx
drain:
	mov	$COM1_LSR, %dx
	in	(%dx), %al
	test	$UART_LSR_DR, %al
	jz	drained
	mov	$COM1_RBR, %dx
	in	(%dx), %al
	cmp	$CTRL_D, %al
	je	done
	serial_putc_al
	jmp	drain
drained:
	mov	$PIC_EOI, %al
	out	%al, $PIC1_CMD
	pop	%dx
	pop	%ax
	iret

done:
	cli
	hlt

msg:	.asciz	"irq echo ready\r\n"

	.org	510
	.byte	0x55, 0xaa
