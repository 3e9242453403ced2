#include <linux/pci_regs.h>
#include <string.h>

#include "devices/pci.h"
#include "lib/log.h"
#include "lib/machine.h"

#define RCR_OFFSET (PCI_RESET_PORT - PCI_CONFIG_PORT)
#define RCR_RESET_CPU 0x04
#define DATA_OFFSET 4 /* 0xcfc-0xcff */
#define ADDRESS_ENABLE 0x80000000u
#define COMMAND_WRITABLE \
	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE)
#define SUBSYSTEM_VENDOR 0x1af4 /* what QEMU gives its devices (Red Hat, Qumranet) */
#define SUBSYSTEM_ID 0x1100
#define HOST_CLASS 0x060000 /* bridge, host bridge */
#define HOST_REVISION 0x02

static void put16(uint8_t *c, int off, uint16_t v)
{
	memcpy(c + off, &v, 2); /* configuration space is little-endian, as x86 */
}

static uint32_t get32(const uint8_t *c, int off)
{
	uint32_t v;

	memcpy(&v, c + off, 4);
	return v;
}

void pci_function_init(struct pci_function *f, uint16_t vendor, uint16_t device,
		       uint32_t class_code, uint8_t revision)
{
	memset(f, 0, sizeof(*f));
	put16(f->config, PCI_VENDOR_ID, vendor);
	put16(f->config, PCI_DEVICE_ID, device);
	f->config[PCI_REVISION_ID] = revision;
	f->config[PCI_CLASS_PROG] = class_code & 0xff;
	put16(f->config, PCI_CLASS_DEVICE, class_code >> 8);
	put16(f->config, PCI_SUBSYSTEM_VENDOR_ID, SUBSYSTEM_VENDOR);
	put16(f->config, PCI_SUBSYSTEM_ID, SUBSYSTEM_ID);
}

int pci_function_bar(struct pci_function *f, int n, uint32_t size, bool io, io_fn fn, void *dev)
{
	if (n < 0 || n >= PCI_STD_NUM_BARS || size < (io ? 4 : 16) || (size & (size - 1)))
		return -1;
	f->bar[n] = (struct pci_bar){ .size = size, .io = io, .fn = fn, .dev = dev };
	f->config[PCI_BASE_ADDRESS_0 + 4 * n] = io ? PCI_BASE_ADDRESS_SPACE_IO : 0;
	return 0;
}

/* The bits of configuration byte off a guest may change. */
static uint8_t writable(const struct pci_function *f, int off)
{
	if (off == PCI_COMMAND || off == PCI_COMMAND + 1)
		return COMMAND_WRITABLE >> (8 * (off - PCI_COMMAND));
	if (off == PCI_CACHE_LINE_SIZE || off == PCI_LATENCY_TIMER || off == PCI_INTERRUPT_LINE)
		return 0xff;
	if (off >= PCI_BASE_ADDRESS_0 && off < PCI_BASE_ADDRESS_0 + 4 * PCI_STD_NUM_BARS) {
		const struct pci_bar *b = &f->bar[(off - PCI_BASE_ADDRESS_0) / 4];
		uint32_t mask = b->size ? ~(b->size - 1) & (b->io ? ~3u : ~15u) : 0;

		return mask >> (8 * (off & 3));
	}
	return 0;
}

/* BAR b decodes at addr if on, else nowhere; a window that overlaps
 * another device's stays off. */
static void map_bar(struct bus *bus, struct pci_bar *b, bool on, uint32_t addr)
{
	if (b->is_mapped && (!on || addr != b->mapped)) {
		bus_unregister(bus, b->mapped, b->dev);
		b->is_mapped = false;
	}
	if (!on || b->is_mapped)
		return;
	if (bus_register(bus, addr, b->size, b->fn, b->dev) == 0) {
		b->mapped = addr;
		b->is_mapped = true;
	} else if (!b->warned) {
		b->warned = true; /* the guest chooses how often: say it once */
		warn("PCI BAR at %s %#x overlaps another device: left off", bus->name, addr);
	}
}

/* Decode each BAR where its register and the command register say, on the
 * bus of its space, and tell the device when one moved. */
static void map_bars(struct pci *p, struct pci_function *f)
{
	uint16_t command = f->config[PCI_COMMAND] | f->config[PCI_COMMAND + 1] << 8;

	for (int n = 0; n < PCI_STD_NUM_BARS; n++) {
		struct pci_bar *b = &f->bar[n];
		uint32_t addr = get32(f->config, PCI_BASE_ADDRESS_0 + 4 * n) & ~(b->size - 1);
		bool on = b->size && addr &&
			  (command & (b->io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)) &&
			  (!b->io || (uint64_t)addr + b->size <= PIO_SPACE_END);
		bool was_mapped = b->is_mapped;
		uint32_t was = b->mapped;

		map_bar(b->io ? p->pio : p->mmio, b, on, addr);
		if (b->moved && (b->is_mapped != was_mapped || (b->is_mapped && b->mapped != was)))
			b->moved(b->dev, n);
	}
}

/* The function the latched address selects, or NULL. */
static struct pci_function *selected(struct pci *p)
{
	uint32_t a = p->address;

	if (!(a & ADDRESS_ENABLE) || (a >> 16 & 0xff) != 0 || (a >> 8 & 7) != 0)
		return NULL;
	return p->slot[a >> 11 & 0x1f];
}

static void config_io(struct pci *p, struct io_access *a)
{
	struct pci_function *f = selected(p);
	int base = (p->address & 0xfc) + (int)(a->offset - DATA_OFFSET);

	if (!a->write) {
		memset(a->data, 0xff, a->len); /* no function: all ones */
		for (uint32_t i = 0; f && i < a->len && base + i < PCI_CFG_SPACE_SIZE; i++)
			a->data[i] = f->config[base + i];
		return;
	}
	if (!f)
		return;
	for (uint32_t i = 0; i < a->len && base + i < PCI_CFG_SPACE_SIZE; i++) {
		uint8_t mask = writable(f, base + (int)i);

		f->config[base + i] = (f->config[base + i] & ~mask) | (a->data[i] & mask);
	}
	map_bars(p, f);
}

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
	if (a->offset >= DATA_OFFSET) {
		config_io(p, a);
		return;
	}
	if (a->write) {
		if (a->offset == RCR_OFFSET && (a->data[0] & RCR_RESET_CPU)) {
			warn("guest reset the machine (port %#x)", PCI_RESET_PORT);
			stop_pull(&p->stop, STATUS_RESET);
		}
		return;
	}
	memset(a->data, 0, a->len); /* 0xcf9-0xcfb: nothing to read */
}

/* Where firmware puts a BAR: the next aligned address in its window. */
static int assign(struct pci *p, struct pci_bar *b, uint32_t *addr)
{
	uint32_t *next = b->io ? &p->next_io : &p->next_mem;
	uint64_t at = ((uint64_t)*next + b->size - 1) & ~(uint64_t)(b->size - 1);

	if (at + b->size > (b->io ? PCI_BAR_IO_END : PCI_BAR_MEM_END))
		return -1;
	*addr = (uint32_t)at;
	*next = (uint32_t)(at + b->size);
	return 0;
}

int pci_plug(struct pci *p, struct pci_function *f)
{
	uint16_t command = 0;
	int slot = 0;

	while (slot < PCI_MAX_SLOTS && p->slot[slot])
		slot++;
	if (slot == PCI_MAX_SLOTS)
		return -1;
	for (int n = 0; n < PCI_STD_NUM_BARS; n++) {
		struct pci_bar *b = &f->bar[n];
		uint32_t addr, reg;

		if (!b->size)
			continue;
		if (assign(p, b, &addr) < 0)
			return -1;
		reg = get32(f->config, PCI_BASE_ADDRESS_0 + 4 * n) | addr;
		memcpy(f->config + PCI_BASE_ADDRESS_0 + 4 * n, &reg, 4);
		command |= b->io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
	}
	put16(f->config, PCI_COMMAND, command);
	p->slot[slot] = f;
	map_bars(p, f);
	return slot;
}

int pci_init(struct pci *p, struct bus *pio, struct bus *mmio, struct stop_line stop)
{
	memset(p, 0, sizeof(*p));
	p->stop = stop;
	p->pio = pio;
	p->mmio = mmio;
	p->next_io = PCI_BAR_IO_BASE;
	p->next_mem = PCI_BAR_MEM_BASE;
	pci_function_init(&p->host_bridge, PCI_HOST_VENDOR, PCI_HOST_DEVICE, HOST_CLASS,
			  HOST_REVISION);
	p->slot[0] = &p->host_bridge;
	return bus_register(pio, PCI_CONFIG_PORT, PCI_CONFIG_SIZE, pci_io, p);
}
