/*
 * pctestdev.c - QEMU's pc-testdev, as kvm-unit-tests use it: the scratch
 * register at 0xe0 in every access size (and byte by byte at 0xe8), the
 * 64 KiB of memory at 0xff000000 that every access reaches through MMIO,
 * the page remap at 0xe4, and the interrupt lines at 0x2000 + n: through
 * the IOAPIC (edge and level triggered) and through the 8259s, which the
 * BSP's LAPIC takes in virtual wire mode. With "pin20" on the command
 * line, also line 20, an IOAPIC-only pin: vmm drives it, QEMU 7.2 aborts
 * (lines 16-23 fail an assertion in its isa_get_irq). And the isa-debug-exit
 * beside it (x86/run adds both) reads 0, as QEMU's does: the one way a
 * kernel can tell it is there, where an empty port reads all ones.
 */
#include "guests/mblib.h"

#define LAPIC_SVR 0xf0
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xb0
#define IOAPIC_WIN 0x10
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))
#define REDIR_LEVEL 0x8000
#define REDIR_MASKED 0x10000
#define VECTOR_EDGE 0x40
#define VECTOR_LEVEL 0x41
#define VECTOR_PCI_PIN 0x42
#define EDGE_PIN 5
#define LEVEL_PIN 11
#define PCI_PIN 20
#define PIC_LINE 10 /* slave IR2 */

static volatile int taken[256];
static volatile uint8_t *const iomem = (volatile uint8_t *)PC_TESTDEV_IOMEM_ADDR;
static uint8_t page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(IOAPIC_ADDR, reg);
	mmio_write32(IOAPIC_ADDR + IOAPIC_WIN, v);
}

static void line(int n, int level)
{
	outb(level, PC_TESTDEV_IRQ_PORT + n);
}

static void on_lapic_irq(int vector)
{
	taken[vector]++;
	if (vector == VECTOR_LEVEL)
		line(LEVEL_PIN, 0); /* the device drops its line before the EOI */
	mmio_write32(LAPIC_ADDR + LAPIC_EOI, 0);
}

static void on_pic_irq(int vector)
{
	taken[vector]++;
	outb(PIC_EOI, PIC2_PORT);
	outb(PIC_EOI, PIC1_PORT);
}

static bool scratch_register(void)
{
	outl(0x12345678, PC_TESTDEV_PORT);
	report(inl(PC_TESTDEV_PORT) == 0x12345678, "0xe0: a dword reads back");
	report(inb(PC_TESTDEV_PORT + 1) == 0x56, "0xe1: its second byte");
	outw(0xbeef, PC_TESTDEV_PORT + 2);
	report(inl(PC_TESTDEV_PORT) == 0xbeef5678, "0xe2: a word write, the rest kept");
	report(inl(PC_TESTDEV_BYTE_PORT) == 0xbeef5678, "0xe8: the same register");
	outb(0xaa, PC_TESTDEV_BYTE_PORT + 3);
	report(inw(PC_TESTDEV_PORT + 2) == 0xaaef, "0xeb: a byte written there");
	return inl(PC_TESTDEV_PORT) == 0xaaef5678;
}

static void memory(void)
{
	iomem[0] = 0x5a;
	mmio_write32(PC_TESTDEV_IOMEM_ADDR + 0x100, 0xdeadbeef);
	mmio_write32(PC_TESTDEV_IOMEM_ADDR + PC_TESTDEV_IOMEM_SIZE - 4, 0xcafef00d);
	report(iomem[0] == 0x5a && mmio_read32(PC_TESTDEV_IOMEM_ADDR + 0x100) == 0xdeadbeef,
	       "iomem: bytes and dwords read back");
	report(iomem[0x101] == 0xbe, "iomem: a byte of a dword");
	report(mmio_read32(PC_TESTDEV_IOMEM_ADDR + PC_TESTDEV_IOMEM_SIZE - 4) == 0xcafef00d,
	       "iomem: its last dword");
}

static void remap(void)
{
	page[123] = 0x77;
	outl((uint32_t)page, PC_TESTDEV_FLUSH_PORT);
	report(page[123] == 0x77, "0xe4: a remapped page keeps its contents");
	page[124] = 0x66;
	report(page[124] == 0x66, "0xe4: and takes writes");
}

/* Raise line n, wait for the interrupt it makes, lower it. */
static void pulse(int n, int vector)
{
	line(n, 1);
	while (!taken[vector])
		wait_irq();
	line(n, 0);
}

static void ioapic(void)
{
	mmio_write32(LAPIC_ADDR + LAPIC_SVR, 0x1ff); /* LAPIC on, spurious 0xff */
	mmio_write32(LAPIC_ADDR + LAPIC_TPR, 0);
	set_handler(VECTOR_EDGE, on_lapic_irq);
	set_handler(VECTOR_LEVEL, on_lapic_irq);
	set_handler(VECTOR_PCI_PIN, on_lapic_irq);
	ioapic_write(IOAPIC_REDIR(EDGE_PIN) + 1, 0); /* to APIC id 0 */
	ioapic_write(IOAPIC_REDIR(EDGE_PIN), VECTOR_EDGE);
	ioapic_write(IOAPIC_REDIR(LEVEL_PIN) + 1, 0);
	ioapic_write(IOAPIC_REDIR(LEVEL_PIN), VECTOR_LEVEL | REDIR_LEVEL);
	ioapic_write(IOAPIC_REDIR(PCI_PIN) + 1, 0);
	ioapic_write(IOAPIC_REDIR(PCI_PIN), VECTOR_PCI_PIN | REDIR_LEVEL);

	pulse(EDGE_PIN, VECTOR_EDGE);
	report(taken[VECTOR_EDGE] == 1, "line %d, edge-triggered IOAPIC pin: one interrupt",
	       EDGE_PIN);
	line(LEVEL_PIN, 1);
	while (!taken[VECTOR_LEVEL])
		wait_irq();
	report(taken[VECTOR_LEVEL] == 1, "line %d, level-triggered IOAPIC pin: one interrupt",
	       LEVEL_PIN);
	if (mb_has_arg("pin20")) {
		pulse(PCI_PIN, VECTOR_PCI_PIN);
		report(taken[VECTOR_PCI_PIN] == 1, "line %d, an IOAPIC-only pin", PCI_PIN);
	}
	ioapic_write(IOAPIC_REDIR(EDGE_PIN), REDIR_MASKED);
	ioapic_write(IOAPIC_REDIR(LEVEL_PIN), REDIR_MASKED);
	ioapic_write(IOAPIC_REDIR(PCI_PIN), REDIR_MASKED);
}

/* The same lines reach the PICs: IRQ 10 on the slave, at the vector the
 * BIOS left (0x72), through the LAPIC's LINT0 in ExtINT mode. */
static void pic(void)
{
	int vector = PIC2_BIOS_VECTOR + PIC_LINE - 8;

	outb(0xff & ~(1 << 2), PIC1_DATA);
	outb(0xff & ~(1 << (PIC_LINE - 8)), PIC2_DATA);
	set_handler(vector, on_pic_irq);
	pulse(PIC_LINE, vector);
	report(taken[vector] == 1, "line %d through the 8259s, vector 0x%02x", PIC_LINE, vector);
}

static void debug_exit(void)
{
	report(inb(DEBUG_EXIT_PORT) == 0 && inw(DEBUG_EXIT_PORT + 2) == 0 &&
		       inl(DEBUG_EXIT_PORT) == 0,
	       "isa-debug-exit at 0x%x reads 0", DEBUG_EXIT_PORT);
}

int main(void)
{
	/* Nothing but what each test opens: not the BIOS's timer. */
	outb(0xff, PIC1_DATA);
	outb(0xff, PIC2_DATA);
	if (!scratch_register()) /* no device: nothing would interrupt */
		return report_summary();
	debug_exit();
	memory();
	remap();
	ioapic();
	pic();
	return report_summary();
}
