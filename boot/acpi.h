#ifndef ACPI_H
#define ACPI_H

#include <stdint.h>

#include "lib/machine.h"
#include "vm/mem.h"

/* Write the ACPI tables a PC gives an OS: RSDP -> XSDT -> FADT (fixed-
 * hardware PM1a blocks at the ports above, reset register 0xcf9) -> FACS
 * and a DSDT holding only \_S5 (so poweroff works), and a MADT with ncpus
 * LAPICs and the IOAPIC. Returns the RSDP address, 0 if RAM is too small. */
uint64_t acpi_write(const struct guest_mem *m, uint64_t addr, int ncpus);

#endif
