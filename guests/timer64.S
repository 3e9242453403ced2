/*
 * timer64.S - the two timers a kernel calibrates with, as vmm offers them.
 *
 * 1. CPUID leaf 1, ECX bit 24: the LAPIC timer's TSC-deadline mode. With
 *    it Linux programs the LAPIC timer in TSC ticks and does not calibrate
 *    it against the PIT. Prints "tsc-deadline: yes" or "no".
 * 2. The 8254's channel 2, whose gate (bit 0) and output (bit 5) are in
 *    port 0x61, as Linux's PIT calibration of the TSC uses them: gate low,
 *    mode 0 with a count of 0x1000 (3.4 ms at 1.193182 MHz), which drives
 *    OUT2 low; gate high starts the count; OUT2 goes high when it ends.
 *    The in-kernel PIT answers 0x61 (KVM_PIT_SPEAKER_DUMMY); a port nobody
 *    claims would read 0xff, gate and OUT2 always high. Prints "pit2: ok",
 *    or "pit2: FAIL gate|out-low|out-high" and exits with status 3.
 * Ends with 0 to debug-exit: status 1.
 */
#include "guest.h"

#define SPEAKER_PORT	0x61
#define SPEAKER_GATE2	0x01	/* gate of channel 2 */
#define SPEAKER_DATA	0x02	/* speaker on */
#define SPEAKER_OUT2	0x20	/* output of channel 2 (read only) */
#define PIT_CH2		(PIT_PORT + 2)
#define PIT_MODE	(PIT_PORT + 3)
#define PIT_CH2_MODE0	0xb0	/* channel 2, low then high byte, mode 0, binary */
#define POLLS		10000000	/* a bound, not a clock: ~3.4 ms takes < 1000 */

	.code64
	.text
	.globl	_start
_start:
	mov	$1, %eax
	cpuid
	lea	no(%rip), %rsi
	bt	$24, %ecx
	jnc	1f
	lea	yes(%rip), %rsi
1:	serial_puts

	/* Channel 2 stopped and the speaker off; the gate must read back. */
	in	$SPEAKER_PORT, %al
	and	$~(SPEAKER_GATE2 | SPEAKER_DATA), %al
	out	%al, $SPEAKER_PORT
	in	$SPEAKER_PORT, %al
	lea	fail_gate(%rip), %rsi
	test	$SPEAKER_GATE2, %al
	jnz	fail

	mov	$PIT_CH2_MODE0, %al
	out	%al, $PIT_MODE
	xor	%al, %al
	out	%al, $PIT_CH2		/* count 0x1000: low byte, */
	mov	$0x10, %al
	out	%al, $PIT_CH2		/* high byte */
	in	$SPEAKER_PORT, %al
	lea	fail_low(%rip), %rsi
	test	$SPEAKER_OUT2, %al	/* mode 0: OUT low until the count ends */
	jnz	fail

	or	$SPEAKER_GATE2, %al
	out	%al, $SPEAKER_PORT	/* gate high: count */
	mov	$POLLS, %ecx
	lea	fail_high(%rip), %rsi
2:	in	$SPEAKER_PORT, %al
	test	$SPEAKER_OUT2, %al
	jnz	3f
	loop	2b
	jmp	fail

3:	lea	ok(%rip), %rsi
	serial_puts
	xor	%eax, %eax
	jmp	done
	fail_and_done

yes:		.asciz	"tsc-deadline: yes\n"
no:		.asciz	"tsc-deadline: no\n"
ok:		.asciz	"pit2: ok\n"
fail_gate:	.asciz	"pit2: FAIL gate\n"
fail_low:	.asciz	"pit2: FAIL out-low\n"
fail_high:	.asciz	"pit2: FAIL out-high\n"
