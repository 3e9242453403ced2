/* The RTC (devices/rtc.c) without KVM: what it asks of the host thread,
 * and the periodic interrupt it does not emulate, said once. Prints one
 * line per failed check and "N passed, N failed"; exits 1 if any failed.
 * stderr carries vmm's warnings, which tests/qemu.bats counts. */
#include <stdio.h>

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
	return check_done();
}
