#ifndef ACPI_H
#define ACPI_H

#include <stdint.h>

#include "lib/machine.h"
#include "vm/mem.h"

/* Write the ACPI tables a PC gives an OS: RSDP -> XSDT (and RSDT) ->
 * FADT (fixed-hardware PM1a blocks at the ports above, reset register
 * 0xcf9) -> FACS and a DSDT holding only \_S3 and \_S5 (so suspend and
 * poweroff work), and a MADT with ncpus LAPICs and the IOAPIC. Returns
 * the RSDP address, 0 if RAM is too small. */
uint64_t acpi_write(const struct guest_mem *m, uint64_t addr, int ncpus);
/* The FACS's firmware_waking_vector, where the OS wants to resume from S3
 * (0 if it set none, or wrote no tables). */
uint32_t acpi_waking_vector(const struct guest_mem *m, uint64_t addr);

#endif
