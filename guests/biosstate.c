/*
 * biosstate.c - what a PC BIOS leaves in the timer and the interrupt
 * controllers, as a kernel finds them at its entry: the PIT's channel 0
 * counting in mode 2 (IRQ 0 at 18.2 Hz) and the 8259s on vectors 0x08 and
 * 0x70 with the timer unmasked. The timer's interrupts then arrive on
 * vector 0x08 as soon as the kernel enables interrupts.
 */
#include "guests/mblib.h"

#define PIT_CH0 PIT_PORT
#define PIT_CMD (PIT_PORT + 3)
#define PIT_READ_BACK_STATUS_CH0 0xe2 /* read-back: latch channel 0's status */
#define PIT_LATCH_CH0 0x00
#define TICKS 3

static volatile int ticks;

static void on_tick(int vector)
{
	(void)vector;
	ticks++;
	outb(PIC_EOI, PIC1_PORT);
}

static uint16_t pit_count(void)
{
	uint16_t lo;

	outb(PIT_LATCH_CH0, PIT_CMD);
	lo = inb(PIT_CH0);
	return lo | inb(PIT_CH0) << 8;
}

int main(void)
{
	uint8_t mask1 = inb(PIC1_DATA), mask2 = inb(PIC2_DATA), status;
	uint16_t first, later;
	int tries = 0;

	printf("PIC masks %02x %02x\n", mask1, mask2);
	report(!(mask1 & 1 << PIT_IRQ), "the BIOS left the timer (IRQ 0) unmasked");
	report(!(mask1 & 1 << 2), "the BIOS left the cascade (IRQ 2) unmasked");

	outb(PIT_READ_BACK_STATUS_CH0, PIT_CMD);
	status = inb(PIT_CH0);
	printf("PIT channel 0 status %02x\n", status);
	report((status >> 1 & 3) == PIT_BIOS_MODE, "PIT channel 0 is in mode %d",
	       PIT_BIOS_MODE);
	report((status >> 4 & 3) == 3, "PIT channel 0 takes its count low byte, high byte");

	first = pit_count();
	do
		later = pit_count();
	while (later == first && ++tries < 100000);
	report(later != first, "PIT channel 0 counts");
	if (later == first) /* no PIT (QEMU's pit=off): no ticks to wait for */
		return report_summary();

	/* The PIC's base for IRQ 0 is where the ticks arrive: vector 0x08. */
	set_handler(PIC1_BIOS_VECTOR, on_tick);
	while (ticks < TICKS)
		wait_irq();
	report(ticks >= TICKS, "%d timer interrupts on vector 0x%02x", TICKS, PIC1_BIOS_VECTOR);
	return report_summary();
}
