#ifndef PCI_H
#define PCI_H

#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"
#include "vm/wires.h"

#define PCI_CONFIG_SIZE 8

/* PCI configuration mechanism #1 with nothing on the bus: every function
 * reads as absent (all ones). Also the PIIX reset control register at
 * 0xcf9, Linux's reboot=pci. */
struct pci {
	uint32_t address;
	struct stop_line stop; /* pulled with STATUS_RESET */
};

int pci_init(struct pci *p, struct bus *pio, struct stop_line stop);

#endif
