#ifndef BOARD_H
#define BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/acpi_pm.h"
#include "devices/debug_exit.h"
#include "devices/fb.h"
#include "devices/fw_cfg.h"
#include "devices/hypercall.h"
#include "devices/i8042.h"
#include "devices/pc_testdev.h"
#include "devices/pci.h"
#include "devices/pci_testdev.h"
#include "devices/post.h"
#include "devices/rtc.h"
#include "devices/serial.h"
#include "vm/bus.h"
#include "vm/mem.h"
#include "vm/wires.h"

struct vm;

/* What the board is built for. */
struct board_config {
	uint64_t ram_size;
	int ncpus;
	uint32_t fb_width, fb_height;              /* 0 x 0: no framebuffer */
	bool fb_ram;                               /* back the aperture with RAM, not MMIO */
	uint16_t debug_exit_port, debug_exit_size; /* size 0: no debug exit */
	bool pc_testdev, pci_testdev;              /* QEMU's test devices */
	const struct guest_mem *mem;               /* for pc-testdev's page remap */
};

/* What the board is wired to: the interrupt controller (its irq field is
 * ignored: each device gets its own line), the stop line, the console. */
struct board_wires {
	struct irq_line irqchip;
	struct stop_line stop;
	struct serial_backend console;
	struct sleep_line sleep;         /* ACPI S3 */
	struct ioeventfd_line ioeventfd; /* pci-testdev's eventfd tests */
};

/* The PC that vmm builds: every device of the machine map (lib/machine.h)
 * on its bus. vmm.c and the fuzzers build it the same way, so this is the
 * one list of devices. */
struct board {
	struct serial com1;
	struct debug_exit debug_exit;
	struct hypercall hypercall;
	struct rtc rtc;
	struct i8042 i8042;
	struct pci pci;
	struct post post;
	struct acpi_pm acpi_pm;
	struct fw_cfg fw_cfg;
	struct fb fb;                   /* with fb_width */
	struct pc_testdev pc_testdev;   /* with pc_testdev */
	struct pci_testdev pci_testdev; /* with pci_testdev */
	bool has_fb, has_pci_testdev;
};

/* Create every device on pio and mmio; -1 when two claim the same range. */
int board_create(struct board *b, struct bus *pio, struct bus *mmio, const struct board_config *c,
		 const struct board_wires *w);
/* Let KVM queue, instead of exiting, the writes whose effect no guest can
 * see before its next exit (KVM_REGISTER_COALESCED_MMIO, api.rst). */
void board_coalesce(struct board *b, struct vm *vm);
void board_destroy(struct board *b);

#endif
