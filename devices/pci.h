#ifndef PCI_H
#define PCI_H

#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"

#define PCI_CONFIG_SIZE 8

/* PCI configuration mechanism #1 with nothing on the bus: every function
 * reads as absent (all ones). Also the PIIX reset control register at
 * 0xcf9, Linux's reboot=pci. */
struct pci {
	uint32_t address;
	void (*reset)(void *ctx);
	void *ctx;
};

int pci_init(struct pci *p, struct bus *pio, void (*reset)(void *ctx), void *ctx);
void pci_destroy(struct pci *p);

#endif
