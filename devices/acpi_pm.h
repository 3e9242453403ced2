#ifndef ACPI_PM_H
#define ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/bus.h"
#include "vm/wires.h"

/* The ACPI fixed-hardware PM1a event and control blocks the FADT points
 * at (ACPI 6.x, 4.8.3): enough for an OS to find the machine in ACPI mode,
 * to enter S5 (soft off), which ends the run, and S3 (suspend to RAM),
 * which stops the vCPUs until the RTC alarm (with RTC_EN) or a key wakes
 * the machine. */
struct acpi_pm {
	uint16_t status;  /* PM1_STS: RTC_STS, WAK_STS */
	uint16_t enable;  /* PM1_EN */
	uint16_t control; /* PM1_CNT without SLP_EN */
	bool asleep;
	struct stop_line stop;   /* pulled with STATUS_HALT on S5 */
	struct sleep_line sleep; /* S3 and the wake from it */
};

int acpi_pm_init(struct acpi_pm *p, struct bus *pio, struct stop_line stop,
		 struct sleep_line sleep);
/* What pulses a wake line (the line's irq number): the RTC when its alarm
 * fires (devices/rtc.c; sets RTC_STS, wakes only with RTC_EN), or input,
 * as a key wakes a PC (devices/serial.c). Pulses while awake do nothing
 * else. */
enum acpi_wake_source { ACPI_WAKE_RTC, ACPI_WAKE_INPUT };
struct irq_line acpi_pm_wake_line(struct acpi_pm *p, enum acpi_wake_source source);

#endif
