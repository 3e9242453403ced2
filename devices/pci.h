#ifndef PCI_H
#define PCI_H

#include <linux/pci_regs.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"
#include "vm/wires.h"

#define PCI_CONFIG_SIZE 8 /* 0xcf8-0xcff */
#define PCI_MAX_SLOTS 32  /* devices on bus 0; function 0 only */

/* A base address register: a window of size bytes (a power of two) that
 * decodes at the address the guest (or firmware) writes, while the
 * command register enables its space. */
struct pci_bar {
	uint32_t size; /* 0: no BAR */
	bool io;       /* I/O space, else 32-bit memory */
	io_fn fn;      /* the device's handler: offsets into the window */
	void *dev;
	uint32_t mapped; /* where it decodes now */
	bool is_mapped, warned;
	/* Optional: told after BAR n moved or went off (or on), for what the
	 * device keeps at its address besides the handler. */
	void (*moved)(void *dev, int n);
};

/* One PCI function: its configuration space and its BARs. A device embeds
 * one, fills it with pci_function_init and pci_function_bar, and the board
 * plugs it into the bus. */
struct pci_function {
	uint8_t config[PCI_CFG_SPACE_SIZE]; /* the conventional header and device registers */
	struct pci_bar bar[PCI_STD_NUM_BARS];
};

/* PCI configuration mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2) on bus 0,
 * with the i440FX host bridge at 00:00.0 and the functions the board
 * plugs in, and the PIIX reset control register at 0xcf9 (Linux's
 * reboot=pci). BARs are placed as firmware places them: I/O from 0xc000,
 * memory from PCI_BAR_MEM_BASE, decoding enabled. */
struct pci {
	uint32_t address;
	struct stop_line stop; /* pulled with STATUS_RESET */
	struct bus *pio, *mmio;
	struct pci_function *slot[PCI_MAX_SLOTS];
	struct pci_function host_bridge;
	uint32_t next_io, next_mem;
};

int pci_init(struct pci *p, struct bus *pio, struct bus *mmio, struct stop_line stop);
/* Identity: vendor and device IDs, class code (base, sub, prog-if), revision. */
void pci_function_init(struct pci_function *f, uint16_t vendor, uint16_t device,
		       uint32_t class_code, uint8_t revision);
/* BAR n: size bytes of I/O or memory handled by fn(dev, ...); -1 if bad. */
int pci_function_bar(struct pci_function *f, int n, uint32_t size, bool io, io_fn fn, void *dev);
/* Into the next free slot, BARs assigned and enabled; -1 if none is free
 * or the firmware's windows are full. */
int pci_plug(struct pci *p, struct pci_function *f);

#endif
