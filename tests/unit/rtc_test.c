/* The RTC (devices/rtc.c) without KVM: what it asks of the host thread,
 * the periodic interrupt it does not emulate, said once, and an alarm
 * second that a late poll passed over. Prints one
 * line per failed check and "N passed, N failed"; exits 1 if any failed.
 * stderr carries vmm's warnings, which tests/qemu.bats counts. */
#include <stdio.h>
#include <time.h>

#include "devices/rtc.h"
#include "lib/machine.h"
#include "tests/unit/check.h"

static void cmos_write(struct bus *pio, uint8_t index, uint8_t value)
{
	struct io_access a = { .offset = 0, .data = &index, .len = 1, .write = true };

	bus_dispatch(pio, RTC_PORT, &a);
	a = (struct io_access){ .offset = 1, .data = &value, .len = 1, .write = true };
	bus_dispatch(pio, RTC_PORT + 1, &a);
}

static uint8_t cmos_read(struct bus *pio, uint8_t index)
{
	uint8_t v = 0;
	struct io_access a = { .offset = 0, .data = &index, .len = 1, .write = true };

	bus_dispatch(pio, RTC_PORT, &a);
	a = (struct io_access){ .offset = 1, .data = &v, .len = 1 };
	bus_dispatch(pio, RTC_PORT + 1, &a);
	return v;
}

static void count_wake(void *ctx, int irq, int level)
{
	(void)irq;
	*(int *)ctx += level;
}

/* The host thread's last poll was 5 s ago, the alarm 3 s ago: the next
 * poll (here, the read of register C) still sets AF and pulses the wake. */
static void late_poll(void)
{
	struct bus pio;
	struct rtc rtc;
	int wakes = 0;
	time_t t = time(NULL);
	int sec = (t - 3) % 60;

	bus_init(&pio, "pio");
	CHECK(rtc_init(&rtc, &pio, 128 << 20, (struct irq_line){ 0 },
		       (struct irq_line){ count_wake, &wakes, 0 }) == 0,
	      "rtc_init");
	cmos_write(&pio, CMOS_SECONDS_ALARM, (sec / 10) << 4 | sec % 10); /* BCD */
	cmos_write(&pio, CMOS_MINUTES_ALARM, RTC_ALARM_DONT_CARE);
	cmos_write(&pio, CMOS_HOURS_ALARM, RTC_ALARM_DONT_CARE);
	cmos_write(&pio, CMOS_REG_B, RTC_B_AIE | 0x02);
	rtc.last_update = t - 5;
	CHECK(cmos_read(&pio, CMOS_REG_C) & RTC_C_AF,
	      "a late poll: the alarm it passed over fires");
	CHECK(wakes == 1, "and pulses the wake line once (%d)", wakes);
}

int main(void)
{
	struct bus pio;
	struct rtc rtc;

	bus_init(&pio, "pio");
	CHECK(rtc_init(&rtc, &pio, 128 << 20, (struct irq_line){ 0 }, (struct irq_line){ 0 }) == 0,
	      "rtc_init");
	CHECK(!rtc_wants_ticks(&rtc), "no interrupt enabled: no ticks");
	cmos_write(&pio, CMOS_REG_B, RTC_B_PIE | 0x02);
	CHECK(!rtc_wants_ticks(&rtc), "PIE alone: no ticks (nothing would raise PF)");
	cmos_write(&pio, CMOS_REG_B, 0x02);
	cmos_write(&pio, CMOS_REG_B, RTC_B_PIE | RTC_B_UIE | 0x02); /* no second warning */
	CHECK(rtc_wants_ticks(&rtc), "UIE: ticks, for the update flag");
	late_poll();
	return check_done();
}
