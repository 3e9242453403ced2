#include <string.h>
#include <sys/mman.h>

#include "devices/pc_testdev.h"
#include "lib/log.h"

/* 0xe0-0xe3 and 0xe8-0xeb: one register; an access of len bytes at byte
 * offset o of it touches bytes o..o+len-1 (and no further: the range ends). */
static void data_io(void *dev, struct io_access *a)
{
	struct pc_testdev *t = dev;
	uint32_t at = a->offset & 3, len = a->len > 4 - at ? 4 - at : a->len;
	uint8_t *reg = (uint8_t *)&t->data; /* x86: little-endian, as the port */

	if (a->write) {
		memcpy(reg + at, a->data, len);
		return;
	}
	memset(a->data, 0, a->len);
	memcpy(a->data, reg + at, len);
}

/* A 32-bit write of a guest-physical address: take that page's mapping
 * away and give it back, so KVM must fault it in again (QEMU mprotects
 * its RAM the same way). */
static void flush_io(void *dev, struct io_access *a)
{
	struct pc_testdev *t = dev;
	uint32_t gpa = 0;
	uint8_t *page;

	if (!a->write) {
		memset(a->data, 0, a->len);
		return;
	}
	if (a->len != 4 || a->offset != 0 || !t->mem)
		return;
	memcpy(&gpa, a->data, 4);
	page = mem_ptr(t->mem, gpa & ~(uint32_t)(PAGE_SIZE - 1), PAGE_SIZE);
	if (!page)
		return;
	if (mprotect(page, PAGE_SIZE, PROT_NONE) < 0 ||
	    mprotect(page, PAGE_SIZE, PROT_READ | PROT_WRITE) < 0)
		die_errno("pc-testdev: mprotect");
}

/* 0x2000 + n: byte writes set line n to 0 or 1; reads are 0. */
static void irq_io(void *dev, struct io_access *a)
{
	struct pc_testdev *t = dev;
	struct irq_line line = t->irqchip;

	if (!a->write) {
		memset(a->data, 0, a->len);
		return;
	}
	line.irq = a->offset;
	if (a->len == 1)
		irq_set(&line, a->data[0] != 0);
}

static void iomem_io(void *dev, struct io_access *a)
{
	struct pc_testdev *t = dev;
	uint64_t room = PC_TESTDEV_IOMEM_SIZE - a->offset;
	uint32_t len = a->len > room ? (uint32_t)room : a->len;

	if (a->write) {
		memcpy(t->iomem + a->offset, a->data, len);
		return;
	}
	memset(a->data, 0xff, a->len);
	memcpy(a->data, t->iomem + a->offset, len);
}

int pc_testdev_init(struct pc_testdev *t, struct bus *pio, struct bus *mmio,
		    const struct guest_mem *mem, struct irq_line irqchip)
{
	memset(t, 0, sizeof(*t));
	t->mem = mem;
	t->irqchip = irqchip;
	if (bus_register(pio, PC_TESTDEV_PORT, 4, data_io, t) < 0 ||
	    bus_register(pio, PC_TESTDEV_FLUSH_PORT, 4, flush_io, t) < 0 ||
	    bus_register(pio, PC_TESTDEV_BYTE_PORT, 4, data_io, t) < 0 ||
	    bus_register(pio, PC_TESTDEV_IRQ_PORT, PC_TESTDEV_NR_IRQS, irq_io, t) < 0)
		return -1;
	return bus_register(mmio, PC_TESTDEV_IOMEM_ADDR, PC_TESTDEV_IOMEM_SIZE, iomem_io, t);
}
