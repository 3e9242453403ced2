#ifndef PC_TESTDEV_H
#define PC_TESTDEV_H

#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"
#include "vm/mem.h"
#include "vm/wires.h"

/* QEMU's pc-testdev (hw/misc/pc-testdev.c), which kvm-unit-tests use: a
 * 32-bit scratch register at 0xe0 (any access size) and at 0xe8 (the same
 * register, one byte at a time), a page remap at 0xe4, byte writes to
 * 0x2000 + n that set interrupt line n of the IOAPIC (and of the PICs for
 * n < 16), and 64 KiB of memory at 0xff000000 that every access reaches
 * through an MMIO exit (for instruction emulation tests). */
struct pc_testdev {
	uint32_t data;
	const struct guest_mem *mem; /* for the remap */
	struct irq_line irqchip;     /* its irq field set per write */
	uint8_t iomem[PC_TESTDEV_IOMEM_SIZE];
};

/* irqchip: the interrupt controller, its irq field ignored (one line per
 * IOAPIC pin, PC_TESTDEV_NR_IRQS of them). */
int pc_testdev_init(struct pc_testdev *t, struct bus *pio, struct bus *mmio,
		    const struct guest_mem *mem, struct irq_line irqchip);

#endif
