/* The small PC devices behind the port bus, as the board wires them:
 * fw_cfg, the CMOS RTC, the i8042, PCI configuration and reset, ACPI PM1,
 * POST, the debug exit and the hypercall port (with registers from the
 * input), QEMU's pc-testdev and pci-testdev. Input: 4 bytes of machine (RAM in MiB and CPUs - 1, then more RAM
 * in 64 KiB units), then a stream of operations (see below). */
#include <stdlib.h>
#include <string.h>

#include "devices/board.h"
#include "fuzz/fuzz.h"
#include "lib/machine.h"

#define OP_DEVICE 0x07 /* which device's base */
#define OP_WIDTH 0x18  /* 1, 2, 4 or 8 bytes */
#define OP_WRITE 0x20
#define OP_VCPU 0x40 /* from an exit (with registers) or the ring (without) */
#define OP_RAW 0x80  /* any port: 2 more bytes */

static const uint16_t bases[] = { FW_CFG_PORT,     RTC_PORT,          I8042_DATA_PORT,
				  PCI_CONFIG_PORT, ACPI_PM1_EVT_PORT, DEBUG_EXIT_PORT,
				  POST_PORT,       HYPERCALL_PORT };

static struct kvm_regs regs;
static unsigned events;

static void stop(void *ctx, int status)
{
	(void)ctx;
	if (status < 0 || status > 255)
		abort(); /* an exit status; a negative one would mean "running" */
	events++;
}

static struct kvm_regs *get_regs(void *ctx)
{
	(void)ctx;
	return &regs;
}

static void regs_changed(void *ctx)
{
	(void)ctx;
	events++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct board board;
	struct input in = { data, size, 0 };
	/* QEMU's test devices too: pc-testdev's ports and lines, the PCI BARs
	 * of pci-testdev (reached through OP_RAW and configuration writes). */
	struct board_config config = { .ram_size = (uint64_t)input_u8(&in) << 20,
				       .ncpus = 1 + input_u8(&in),
				       .debug_exit_port = DEBUG_EXIT_PORT,
				       .debug_exit_size = DEBUG_EXIT_SIZE,
				       .pc_testdev = true,
				       .pci_testdev = true };
	struct board_wires wires = { .stop = { stop, NULL } };
	struct io_regs handle = { get_regs, regs_changed, NULL };
	struct bus pio, mmio;

	config.ram_size += (uint64_t)input_u16(&in) << 16;
	bus_init(&pio, "port");
	bus_init(&mmio, "mmio");
	if (board_create(&board, &pio, &mmio, &config, &wires) < 0)
		abort();
	while (in.pos < in.size) {
		uint8_t op = input_u8(&in), buf[8];
		uint64_t port = bases[op & OP_DEVICE] + (input_u8(&in) & 0x0f) - 4;
		struct io_access a = { .data = buf,
				       .len = 1u << ((op & OP_WIDTH) >> 3),
				       .write = op & OP_WRITE,
				       .from_ring = !(op & OP_VCPU),
				       .regs = op & OP_VCPU ? &handle : NULL };

		if (op & OP_RAW)
			port = input_u16(&in);
		for (uint32_t i = 0; i < a.len; i++)
			buf[i] = input_u8(&in);
		if (op & OP_VCPU) {
			regs.rax = input_u8(&in) % 3;
			regs.rdi = input_u64(&in);
			regs.rsi = input_u64(&in);
		}
		bus_dispatch(&pio, port, &a);
	}
	board_destroy(&board);
	return 0;
}
