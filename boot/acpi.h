#ifndef ACPI_H
#define ACPI_H

#include <stdint.h>

#include "vm/mem.h"

#define ACPI_TABLES_ADDR 0xe0000 /* BIOS area: where Linux also scans for the RSDP */
#define ACPI_PM1_EVT_PORT 0x600  /* PM1a event block: status, enable */
#define ACPI_PM1_CNT_PORT 0x604  /* PM1a control block: SCI_EN, SLP_TYP, SLP_EN */
#define ACPI_SCI_IRQ 9
#define ACPI_S5_TYPE 5           /* SLP_TYP the DSDT's \_S5 names */

/* Write the ACPI tables a PC gives an OS: RSDP -> XSDT -> FADT (fixed-
 * hardware PM1a blocks at the ports above, reset register 0xcf9) -> FACS
 * and a DSDT holding only \_S5 (so poweroff works), and a MADT with ncpus
 * LAPICs and the IOAPIC. Returns the RSDP address, 0 if RAM is too small. */
uint64_t acpi_write(const struct guest_mem *m, uint64_t addr, int ncpus);

#endif
