#include <linux/serial_reg.h>

#include "devices/board.h"
#include "lib/machine.h"
#include "vm/vm.h"

static struct irq_line line(const struct board_wires *w, int irq)
{
	struct irq_line l = w->irqchip;

	l.irq = irq;
	return l;
}

/* The devices a command line adds: QEMU's test devices, the framebuffer. */
static int create_optional(struct board *b, struct bus *pio, struct bus *mmio,
			   const struct board_config *c, const struct board_wires *w)
{
	if (c->debug_exit_size && debug_exit_init(&b->debug_exit, pio, c->debug_exit_port,
						  c->debug_exit_size, w->stop) < 0)
		return -1;
	if (c->pc_testdev && pc_testdev_init(&b->pc_testdev, pio, mmio, c->mem, w->irqchip) < 0)
		return -1;
	b->has_pci_testdev = c->pci_testdev;
	if (c->pci_testdev && pci_testdev_init(&b->pci_testdev, &b->pci, w->ioeventfd) < 0)
		return -1;
	if (b->has_fb)
		return fb_init(&b->fb, mmio, c->fb_width, c->fb_height, c->fb_ram);
	return 0;
}

int board_create(struct board *b, struct bus *pio, struct bus *mmio, const struct board_config *c,
		 const struct board_wires *w)
{
	b->has_fb = c->fb_width != 0;
	/* The PM first: the RTC's alarm and the UART's input wake it from S3. */
	if (acpi_pm_init(&b->acpi_pm, pio, w->stop, w->sleep) < 0 ||
	    serial_init(&b->com1, pio, SERIAL_COM1, line(w, SERIAL_COM1_IRQ),
			acpi_pm_wake_line(&b->acpi_pm, ACPI_WAKE_INPUT), w->console) < 0 ||
	    hypercall_init(&b->hypercall, pio, HYPERCALL_PORT) < 0 ||
	    rtc_init(&b->rtc, pio, c->ram_size, line(w, RTC_IRQ),
		     acpi_pm_wake_line(&b->acpi_pm, ACPI_WAKE_RTC)) < 0 ||
	    i8042_init(&b->i8042, pio, w->stop, line(w, I8042_KBD_IRQ), line(w, I8042_AUX_IRQ)) <
		    0 ||
	    pci_init(&b->pci, pio, mmio, w->stop) < 0 || post_init(&b->post, pio) < 0 ||
	    fw_cfg_init(&b->fw_cfg, pio, c->ram_size, c->ncpus) < 0)
		return -1;
	return create_optional(b, pio, mmio, c, w);
}

void board_coalesce(struct board *b, struct vm *vm)
{
	/* Only THR: a write there changes nothing the guest can observe before
	 * its next exit; every other UART register has side effects
	 * (interrupts, DLAB) that must happen at once. */
	vm_add_coalesced(vm, SERIAL_COM1 + UART_TX, 1, true);
	/* Pixel writes neither, and every read is an exit, which drains the
	 * ring first. With RAM backing the stores do not exit at all. */
	if (b->has_fb && !b->fb.ram)
		vm_add_coalesced(vm, FB_APERTURE_ADDR, b->fb.aperture, false);
}

void board_destroy(struct board *b)
{
	if (b->has_pci_testdev)
		pci_testdev_destroy(&b->pci_testdev);
	if (b->has_fb)
		fb_destroy(&b->fb);
}
