/*
 * ps2aux64.S - the PS/2 controller's own loopback and its interrupt, as
 * Linux's i8042 driver probes them (i8042_check_aux).
 *
 * Command 0xD3 ("write aux output buffer") puts the next data byte in the
 * output buffer as if the mouse had sent it: status OBF and AUXDATA, and
 * IRQ 12 if the configuration byte enables aux interrupts. With the 8259s
 * initialised and every line masked, an edge still sets the slave's IRR
 * bit 4 (IRQ 12), read with OCW3. Checked twice: interrupts disabled in
 * the configuration byte (no IRR bit), then enabled (IRR bit). Command
 * 0xD2 does the same for the keyboard: OBF without AUXDATA, and IRQ 1 in
 * the master's IRR.
 * Prints "aux loop: ok", "irq12: ok" and "kbd loop, irq1: ok", or a FAIL
 * line and exits with status 3. Ends with 0 to debug-exit: status 1.
 */
#include "guest.h"

#define STATUS_OBF	0x01
#define STATUS_AUXDATA	0x20
#define CMD_WRITE_CCB	0x60
#define CMD_WRITE_AUX_OUT 0xd3
#define CMD_WRITE_KBD_OUT 0xd2
#define CCB_KBD_INT	0x01
#define CCB_AUX_INT	0x02
#define OCW3_READ_IRR	0x0a
#define IRQ12_BIT	0x10	/* slave pin 4 */
#define IRQ1_BIT	0x02	/* master pin 1 */

/* 8042 command in AL (port 0x64), then data byte AH (port 0x60). */
.macro kbc_cmd_data
	out	%al, $I8042_CMD_PORT
	mov	%ah, %al
	out	%al, $I8042_DATA_PORT
.endm

	.code64
/* IRR (OCW3 set the PICs to read it) at PORT against BIT: JUMP (jz: the
 * bit must be set, jnz: clear) to fail with FAILMSG otherwise. */
.macro irr_check port, bit, jump, failmsg
	in	$\port, %al
	lea	\failmsg(%rip), %rsi
	test	$\bit, %al
	\jump	fail
.endm

	.text
	.globl	_start
_start:
	/* ICW1-4 for both PICs (vectors 0x20, 0x28; cascade on IRQ 2), then
	 * mask everything: nothing is delivered, edges still reach IRR. */
	mov	$0x11, %al
	out	%al, $PIC1_CMD
	out	%al, $PIC2_CMD
	mov	$0x20, %al
	out	%al, $PIC1_DATA
	mov	$0x28, %al
	out	%al, $PIC2_DATA
	mov	$0x04, %al
	out	%al, $PIC1_DATA
	mov	$0x02, %al
	out	%al, $PIC2_DATA
	mov	$0x01, %al
	out	%al, $PIC1_DATA
	out	%al, $PIC2_DATA
	mov	$0xff, %al
	out	%al, $PIC1_DATA
	out	%al, $PIC2_DATA
	mov	$OCW3_READ_IRR, %al
	out	%al, $PIC1_CMD
	out	%al, $PIC2_CMD

	/* Aux interrupts off: the byte loops back, no edge on IRQ 12. */
	mov	$CMD_WRITE_CCB | (0 << 8), %ax
	kbc_cmd_data
	mov	$CMD_WRITE_AUX_OUT | (0x11 << 8), %ax
	mov	$0x11, %bl
	mov	$STATUS_OBF | STATUS_AUXDATA, %cl
	call	loop_back
	irr_check PIC2_CMD, IRQ12_BIT, jnz, fail_irq_off

	/* Aux interrupts on: the same, and IRR shows IRQ 12. */
	mov	$CMD_WRITE_CCB | (CCB_AUX_INT << 8), %ax
	kbc_cmd_data
	mov	$CMD_WRITE_AUX_OUT | (0x5a << 8), %ax
	mov	$0x5a, %bl
	mov	$STATUS_OBF | STATUS_AUXDATA, %cl
	call	loop_back
	lea	aux_ok(%rip), %rsi
	serial_puts
	irr_check PIC2_CMD, IRQ12_BIT, jz, fail_irq_on
	lea	irq_ok(%rip), %rsi
	serial_puts

	/* The keyboard's side: a byte as if a key sent it, and IRQ 1. */
	mov	$CMD_WRITE_CCB | (CCB_KBD_INT << 8), %ax
	kbc_cmd_data
	mov	$CMD_WRITE_KBD_OUT | (0x33 << 8), %ax
	mov	$0x33, %bl
	mov	$STATUS_OBF, %cl
	call	loop_back
	irr_check PIC1_CMD, IRQ1_BIT, jz, fail_irq1
	lea	kbd_ok(%rip), %rsi
	serial_puts
	xor	%eax, %eax
	jmp	done

/* Send command AL with data AH; the status's OBF and AUXDATA must be CL
 * (a byte waiting, from the aux port or the keyboard) and the byte read
 * must be BL. */
loop_back:
	kbc_cmd_data
	in	$I8042_CMD_PORT, %al
	and	$STATUS_OBF | STATUS_AUXDATA, %al
	lea	fail_status(%rip), %rsi
	cmp	%cl, %al
	jne	fail
	in	$I8042_DATA_PORT, %al
	lea	fail_byte(%rip), %rsi
	cmp	%bl, %al
	jne	fail
	ret

	fail_and_done

aux_ok:		.asciz	"aux loop: ok\n"
irq_ok:		.asciz	"irq12: ok\n"
fail_status:	.asciz	"aux loop: FAIL status\n"
fail_byte:	.asciz	"aux loop: FAIL byte\n"
fail_irq_off:	.asciz	"irq12: FAIL raised with aux interrupts off\n"
fail_irq_on:	.asciz	"irq12: FAIL not raised\n"
kbd_ok:		.asciz	"kbd loop, irq1: ok\n"
fail_irq1:	.asciz	"irq1: FAIL not raised\n"
