#ifndef RTC_H
#define RTC_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"
#include "vm/wires.h"

#define RTC_CMOS_SIZE 128

/* The MC146818 CMOS clock at 0x70 (index) / 0x71 (data), reading the host's
 * time (UTC). Without it Linux polls these ports 20 000 times at boot. Its
 * update cycle follows the host's seconds: UIP is set in the 244 us before
 * each one, the update-ended flag after it, and the alarm flag when the
 * time matches the alarm registers; IRQ 8 is raised while a flag that is
 * enabled in register B is set, until register C is read. */
struct rtc {
	uint8_t index;
	uint8_t cmos[RTC_CMOS_SIZE];
	struct irq_line irq;  /* IRQ 8 */
	struct irq_line wake; /* pulsed when the alarm fires with AIE: the PM's RTC event */
	int64_t last_update;  /* the second whose update the flags include */
	int level;
	bool told_pie; /* the warning that PIE does nothing, given once */
};

/* ram_size fills the CMOS memory-size bytes that firmware reads. */
int rtc_init(struct rtc *r, struct bus *pio, uint64_t ram_size, struct irq_line irq,
	     struct irq_line wake);
/* Account for the updates since the last call (the host thread calls this
 * every tick; reads of register C do too). */
void rtc_poll(struct rtc *r);
/* Whether an interrupt is enabled that only those calls raise: the host
 * thread then keeps ticking every RUN_TICK_MS, even for a quiet guest. */
bool rtc_wants_ticks(const struct rtc *r);

#endif
