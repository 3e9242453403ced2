#ifndef ACPI_PM_H
#define ACPI_PM_H

#include <stdint.h>

#include "vm/bus.h"

/* The ACPI fixed-hardware PM1a event and control blocks the FADT points
 * at: enough for an OS to find the machine in ACPI mode and to enter S5
 * (soft off), which ends the run. */
struct acpi_pm {
	uint16_t enable;  /* PM1_EN */
	uint16_t control; /* PM1_CNT without SLP_EN */
	void (*poweroff)(void *ctx);
	void *ctx;
};

int acpi_pm_init(struct acpi_pm *p, struct bus *pio, void (*poweroff)(void *ctx), void *ctx);
void acpi_pm_destroy(struct acpi_pm *p);

#endif
