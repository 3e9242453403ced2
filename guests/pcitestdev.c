/*
 * pcitestdev.c - PCI enumeration through configuration mechanism #1, and
 * QEMU's pci-testdev as kvm-unit-tests' pci-testdev test drives it. Bus 0
 * has a host bridge and the test device; the firmware placed its BARs
 * (memory and I/O) and enabled decoding. BAR sizing works as on hardware
 * (write all ones, read the mask back), a moved BAR decodes at its new
 * address, and decoding follows the command register. Through each BAR,
 * the three tests of its space run: a write of N to offset 0 starts test
 * N, whose header (width, data, offset, count, name) reads back, and 16
 * writes at its offset are counted (or, where QEMU hands them to an
 * eventfd, not at all: kvm-unit-tests accepts 0 and 16). An eventfd
 * moves with its BAR.
 */
#include <linux/pci_regs.h>

#include "guests/mblib.h"

#define CONFIG_ENABLE 0x80000000u
#define NR_WRITES 16
#define MOVED_IO_BAR 0xd000

/* The header each test shows at offset 0 of its BAR. */
#define HDR_TEST 0
#define HDR_WIDTH 1
#define HDR_OFFSET 4
#define HDR_DATA 8
#define HDR_COUNT 12
#define HDR_NAME 16

static uint32_t config_read(int slot, int reg)
{
	outl(CONFIG_ENABLE | slot << 11 | (reg & 0xfc), PCI_CONFIG_PORT);
	return inl(PCI_CONFIG_PORT + 4);
}

static void config_write(int slot, int reg, uint32_t v)
{
	outl(CONFIG_ENABLE | slot << 11 | (reg & 0xfc), PCI_CONFIG_PORT);
	outl(v, PCI_CONFIG_PORT + 4);
}

/* A BAR's window, by BAR type. */
struct window {
	bool io;
	uint32_t base;
};

static uint8_t rd8(struct window w, uint32_t off)
{
	return w.io ? inb(w.base + off) : *(volatile uint8_t *)(w.base + off);
}

static uint32_t rd32(struct window w, uint32_t off)
{
	return w.io ? inl(w.base + off) : mmio_read32(w.base + off);
}

static void wr8(struct window w, uint32_t off, uint8_t v)
{
	if (w.io)
		outb(v, w.base + off);
	else
		*(volatile uint8_t *)(w.base + off) = v;
}

/* Each test's count of its writes: 0 where they went to an eventfd. */
static uint32_t counts[8]; /* room for more tests than the 6 there are */

/* The current test's NR_WRITES writes at its offset; its count after them. */
static uint32_t writes(struct window w)
{
	uint32_t data = rd32(w, HDR_DATA), off = rd32(w, HDR_OFFSET);

	for (int i = 0; i < NR_WRITES; i++)
		wr8(w, off, data);
	return rd32(w, HDR_COUNT);
}

/* kvm-unit-tests' pci_testdev_one: false once test n does not exist. */
static bool run_test(struct window w, int n, uint32_t *count)
{
	wr8(w, HDR_TEST, n);
	if (rd32(w, HDR_COUNT) != 0 || rd8(w, HDR_WIDTH) != 1)
		return false;
	*count = writes(w);
	puts(w.io ? "pci-testdev  io: " : "pci-testdev mem: ");
	for (int i = 0; rd8(w, HDR_NAME + i); i++)
		putc(rd8(w, HDR_NAME + i));
	printf(" (%s)\n", *count == 0 ? "eventfd" : "counted");
	return *count == 0 || *count == NR_WRITES;
}

static int find(uint32_t id)
{
	for (int slot = 0; slot < 32; slot++)
		if (config_read(slot, PCI_VENDOR_ID) == id)
			return slot;
	return -1;
}

static uint32_t bar_size(int slot, int bar)
{
	int reg = PCI_BASE_ADDRESS_0 + 4 * bar;
	uint32_t saved = config_read(slot, reg), mask;

	config_write(slot, reg, 0xffffffff);
	mask = config_read(slot, reg);
	config_write(slot, reg, saved);
	mask &= saved & PCI_BASE_ADDRESS_SPACE_IO ? ~3u : ~15u;
	return ~mask + 1;
}

int main(void)
{
	int host = find(PCI_HOST_DEVICE << 16 | PCI_HOST_VENDOR);
	int slot = find(PCI_TESTDEV_DEVICE << 16 | PCI_TESTDEV_VENDOR);
	uint32_t bar0, bar1, command;
	struct window mem, io, moved = { true, MOVED_IO_BAR };
	int tests = 0;

	report(host == 0, "the host bridge at 00:00.0");
	report(slot > 0, "pci-testdev found on bus 0");
	if (slot <= 0)
		return report_summary();
	bar0 = config_read(slot, PCI_BASE_ADDRESS_0);
	bar1 = config_read(slot, PCI_BASE_ADDRESS_1);
	command = config_read(slot, PCI_COMMAND) & 0xffff;
	report(bar0 && !(bar0 & PCI_BASE_ADDRESS_SPACE_IO), "BAR 0: memory, placed");
	report(bar1 & PCI_BASE_ADDRESS_SPACE_IO && (bar1 & ~3u), "BAR 1: I/O, placed");
	report((command & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY)) ==
		       (PCI_COMMAND_IO | PCI_COMMAND_MEMORY),
	       "decoding enabled");
	report(bar_size(slot, 0) == PCI_TESTDEV_MEM_SIZE, "BAR 0 sizes to %u bytes",
	       PCI_TESTDEV_MEM_SIZE);
	report(bar_size(slot, 1) == PCI_TESTDEV_IO_SIZE, "BAR 1 sizes to %u bytes",
	       PCI_TESTDEV_IO_SIZE);

	mem = (struct window){ false, bar0 & ~15u };
	io = (struct window){ true, bar1 & ~3u };
	while (tests < 8 && run_test(mem, tests, &counts[tests]))
		tests++;
	while (tests < 8 && run_test(io, tests - 3, &counts[tests]))
		tests++;
	report(tests == 6, "%d pci-testdev tests, 3 in each space", tests);

	/* Move the I/O BAR during the wildcard test: its writes at the new
	 * address go where they went before (an eventfd moves along). The
	 * device answers there, and no longer at the old place. Then turn
	 * memory decoding off. */
	wr8(io, HDR_TEST, 1);
	config_write(slot, PCI_BASE_ADDRESS_1, MOVED_IO_BAR);
	report(tests == 6 && writes(moved) == counts[4],
	       "a moved I/O BAR takes the test's eventfd along");
	wr8(moved, HDR_TEST, 0);
	report(inb(MOVED_IO_BAR + HDR_NAME) == 'p' && inb(io.base + HDR_NAME) == 0xff,
	       "a moved I/O BAR decodes at its new address only");
	config_write(slot, PCI_COMMAND, command & ~PCI_COMMAND_MEMORY);
	report(rd8(mem, HDR_NAME) != 'p', "memory decoding off: the device does not answer");
	config_write(slot, PCI_COMMAND, command);
	report(rd8(mem, HDR_NAME) == 'p', "and back on");
	return report_summary();
}
