/*
 * rtc.c - the CMOS clock's update cycle and interrupts (MC146818A): UIP
 * rises before each second's update and falls after it; with UIE the
 * update-ended flag raises IRQ 8, which the slave PIC (left by the BIOS at
 * vector 0x70) delivers; with AIE so does the alarm, when the time matches
 * the alarm registers. Reading register C clears the flags and lowers the
 * line.
 */
#include "guests/mblib.h"

#define UIP_POLLS 50000000 /* bounded waits: a clock that never updates fails */

static volatile uint8_t flags; /* register C as the last IRQ 8 found it */
static volatile int irqs;

static void on_rtc(int vector)
{
	(void)vector;
	flags = cmos_read(CMOS_REG_C);
	irqs++;
	outb(PIC_EOI, PIC2_PORT);
	outb(PIC_EOI, PIC1_PORT);
}

/* Wait until UIP reads as want; false if it never does. */
static bool wait_uip(bool want)
{
	for (int i = 0; i < UIP_POLLS; i++)
		if (!!(cmos_read(CMOS_REG_A) & RTC_A_UIP) == want)
			return true;
	return false;
}

static uint8_t bcd_add(uint8_t bcd, int n)
{
	int v = (bcd >> 4) * 10 + (bcd & 0xf) + n;

	v %= 60;
	return (uint8_t)((v / 10) << 4 | v % 10);
}

/* Enable one interrupt source in register B and take the first IRQ 8. */
static uint8_t first_irq(uint8_t enable)
{
	irqs = 0;
	cmos_read(CMOS_REG_C); /* stale flags off */
	cmos_write(CMOS_REG_B, cmos_read(CMOS_REG_B) | enable);
	while (!irqs)
		wait_irq();
	cmos_write(CMOS_REG_B, cmos_read(CMOS_REG_B) & ~enable);
	return flags;
}

int main(void)
{
	uint8_t b = cmos_read(CMOS_REG_B), c, alarm, now;
	bool rose, fell;

	printf("register A %02x B %02x D %02x\n", cmos_read(CMOS_REG_A) & ~RTC_A_UIP, b,
	       cmos_read(CMOS_REG_D));
	report(cmos_read(CMOS_REG_D) & 0x80, "register D: the battery is good (VRT)");
	report(!(b & (RTC_B_PIE | RTC_B_AIE | RTC_B_UIE)), "no RTC interrupt enabled at entry");

	/* A second's update, seen as UIP's rise and fall (as kvm-unit-tests'
	 * s3 test waits for it). */
	rose = wait_uip(false) && wait_uip(true);
	fell = rose && wait_uip(false);
	report(rose && fell, "UIP rises and falls around an update");

	/* Only IRQ 8 (and the cascade it comes through): not the BIOS's timer. */
	outb(0xff & ~(1 << 2), PIC1_DATA);
	outb(0xff & ~(1 << (RTC_IRQ - 8)), PIC2_DATA);
	set_handler(PIC2_BIOS_VECTOR, on_rtc); /* IRQ 8: the slave's first line */
	c = first_irq(RTC_B_UIE);
	report((c & (RTC_C_IRQF | RTC_C_UF)) == (RTC_C_IRQF | RTC_C_UF),
	       "update-ended interrupt on vector 0x%02x (C %02x)", PIC2_BIOS_VECTOR, c);
	report(cmos_read(CMOS_REG_C) == 0, "reading C cleared the flags");

	/* The alarm two seconds ahead (BCD, as B left by the BIOS says),
	 * any minute and hour. */
	alarm = bcd_add(cmos_read(0x00), 2);
	cmos_write(CMOS_SECONDS_ALARM, alarm);
	cmos_write(CMOS_MINUTES_ALARM, RTC_ALARM_DONT_CARE);
	cmos_write(CMOS_HOURS_ALARM, RTC_ALARM_DONT_CARE);
	do
		c = first_irq(RTC_B_AIE);
	while (!(c & RTC_C_AF) && irqs);
	now = cmos_read(0x00);
	report((c & (RTC_C_IRQF | RTC_C_AF)) == (RTC_C_IRQF | RTC_C_AF),
	       "alarm interrupt (C %02x)", c);
	report(now == alarm || now == bcd_add(alarm, 1), "the alarm fired at the second it names");
	return report_summary();
}
