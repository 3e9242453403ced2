/* The small PC devices behind the port bus: fw_cfg, the CMOS RTC, the
 * i8042, PCI configuration and reset, ACPI PM1, POST, the debug exit and
 * the hypercall port (with a vCPU whose registers come from the input).
 * Input: 4 bytes of machine (RAM in MiB and CPUs - 1 for fw_cfg, RAM in
 * 64 KiB units for the CMOS), then a stream of operations (see below). */
#include <stdlib.h>
#include <string.h>

#include "devices/acpi_pm.h"
#include "devices/debug_exit.h"
#include "devices/fw_cfg.h"
#include "devices/hypercall.h"
#include "devices/i8042.h"
#include "devices/pci.h"
#include "devices/post.h"
#include "devices/rtc.h"
#include "vm/vcpu.h"
#include "fuzz/fuzz.h"

#define OP_DEVICE 0x07  /* which device's base */
#define OP_WIDTH 0x18   /* 1, 2, 4 or 8 bytes */
#define OP_WRITE 0x20
#define OP_VCPU 0x40    /* from an exit (with a vCPU) or the ring (without) */
#define OP_RAW 0x80     /* any port: 2 more bytes */

static const uint16_t bases[] = { FW_CFG_PORT, RTC_PORT, I8042_DATA_PORT, PCI_CONFIG_PORT,
				  0x600, DEBUG_EXIT_PORT, POST_PORT, HYPERCALL_PORT };

static unsigned events;

static void event(void *ctx)
{
	(void)ctx;
	events++;
}

static void stop(void *ctx, int status)
{
	(void)ctx;
	if (status < 0 || status > 255)
		abort(); /* an exit status; a negative one would mean "running" */
	events++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	static struct kvm_run run;
	struct vcpu v = { .sync_regs = true, .run = &run };
	struct fw_cfg fw_cfg;
	struct rtc rtc;
	struct i8042 i8042;
	struct pci pci;
	struct acpi_pm acpi_pm;
	struct debug_exit debug_exit;
	struct post post;
	struct hypercall hypercall;
	struct bus pio;

	bus_init(&pio, "port");
	if (fw_cfg_init(&fw_cfg, &pio, (uint64_t)input_u8(&in) << 20, 1 + input_u8(&in)) < 0 ||
	    rtc_init(&rtc, &pio, (uint64_t)input_u16(&in) << 16) < 0 ||
	    i8042_init(&i8042, &pio, event, NULL) < 0 || pci_init(&pci, &pio, event, NULL) < 0 ||
	    acpi_pm_init(&acpi_pm, &pio, event, NULL) < 0 ||
	    debug_exit_init(&debug_exit, &pio, DEBUG_EXIT_PORT, stop, NULL) < 0 ||
	    post_init(&post, &pio) < 0 || hypercall_init(&hypercall, &pio, HYPERCALL_PORT) < 0)
		abort();
	while (in.pos < in.size) {
		uint8_t op = input_u8(&in), buf[8];
		uint64_t port = bases[op & OP_DEVICE] + (input_u8(&in) & 0x0f) - 4;
		uint32_t len = 1u << ((op & OP_WIDTH) >> 3);

		if (op & OP_RAW)
			port = input_u16(&in);
		for (uint32_t i = 0; i < len; i++)
			buf[i] = input_u8(&in);
		if (op & OP_VCPU) {
			run.s.regs.regs.rax = input_u8(&in) % 3;
			run.s.regs.regs.rdi = input_u64(&in);
			run.s.regs.regs.rsi = input_u64(&in);
		}
		bus_dispatch(&pio, port, buf, len, op & OP_WRITE, op & OP_VCPU ? &v : NULL);
	}
	fw_cfg_destroy(&fw_cfg);
	rtc_destroy(&rtc);
	i8042_destroy(&i8042);
	pci_destroy(&pci);
	acpi_pm_destroy(&acpi_pm);
	debug_exit_destroy(&debug_exit);
	post_destroy(&post);
	hypercall_destroy(&hypercall);
	return 0;
}
