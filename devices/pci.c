#include <string.h>

#include "devices/pci.h"
#include "lib/log.h"
#include "lib/machine.h"

#define RCR_OFFSET (PCI_RESET_PORT - PCI_CONFIG_PORT)
#define RCR_RESET_CPU 0x04
#define DATA_OFFSET 4 /* 0xcfc-0xcff */

static void pci_io(void *dev, struct io_access *a)
{
	struct pci *p = dev;

	if (a->offset == 0 && a->len == 4) { /* only dword accesses latch an address */
		if (a->write)
			memcpy(&p->address, a->data, 4);
		else
			memcpy(a->data, &p->address, 4);
		return;
	}
	if (a->write) {
		if (a->offset == RCR_OFFSET && (a->data[0] & RCR_RESET_CPU)) {
			warn("guest reset the machine (port %#x)", PCI_RESET_PORT);
			stop_pull(&p->stop, STATUS_RESET);
		}
		return;
	}
	/* Reads of the data port: no device; of other bytes: nothing there. */
	memset(a->data, a->offset >= DATA_OFFSET ? 0xff : 0x00, a->len);
}

int pci_init(struct pci *p, struct bus *pio, struct stop_line stop)
{
	memset(p, 0, sizeof(*p));
	p->stop = stop;
	return bus_register(pio, PCI_CONFIG_PORT, PCI_CONFIG_SIZE, pci_io, p);
}
