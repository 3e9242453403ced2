#ifndef RTC_H
#define RTC_H

#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"

#define RTC_CMOS_SIZE 128

/* The MC146818 CMOS clock at 0x70 (index) / 0x71 (data), reading the host's
 * time. Without it Linux polls these ports 20 000 times at boot. */
struct rtc {
	uint8_t index;
	uint8_t cmos[RTC_CMOS_SIZE];
};

/* ram_size fills the CMOS memory-size bytes that firmware reads. */
int rtc_init(struct rtc *r, struct bus *pio, uint64_t ram_size);

#endif
