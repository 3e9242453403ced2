#ifndef ACPI_PM_H
#define ACPI_PM_H

#include <stdint.h>

#include "vm/bus.h"
#include "vm/wires.h"

/* The ACPI fixed-hardware PM1a event and control blocks the FADT points
 * at: enough for an OS to find the machine in ACPI mode and to enter S5
 * (soft off), which ends the run. */
struct acpi_pm {
	uint16_t enable;       /* PM1_EN */
	uint16_t control;      /* PM1_CNT without SLP_EN */
	struct stop_line stop; /* pulled with STATUS_HALT on S5 */
};

int acpi_pm_init(struct acpi_pm *p, struct bus *pio, struct stop_line stop);

#endif
