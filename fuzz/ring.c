/* The coalesced ring's replay: a fake struct kvm_coalesced_mmio_ring page
 * with hostile first, last, len, pio and addresses, drained into the
 * devices a VM has (UART, debug exit, fw_cfg, RTC, i8042, PCI, ACPI PM,
 * POST; the framebuffer on the MMIO bus). Input: the ring page itself,
 * after one byte of options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/acpi_pm.h"
#include "devices/debug_exit.h"
#include "devices/fb.h"
#include "devices/fw_cfg.h"
#include "devices/i8042.h"
#include "devices/pci.h"
#include "devices/post.h"
#include "devices/rtc.h"
#include "devices/serial.h"
#include "vm/ring.h"
#include "fuzz/fuzz.h"

#define PAGE 4096
#define OPT_TRACE 0x01  /* --trace: every entry printed (to /dev/null) */
#define OPT_INDEXES 0x02 /* first and last taken modulo the ring size */

struct machine {
	struct serial serial;
	struct debug_exit debug_exit;
	struct fw_cfg fw_cfg;
	struct rtc rtc;
	struct i8042 i8042;
	struct pci pci;
	struct acpi_pm acpi_pm;
	struct post post;
	struct fb fb;
};

static void nothing(void *ctx)
{
	(void)ctx;
}

static void stop(void *ctx, int status)
{
	(void)ctx;
	if (status < 0 || status > 255)
		abort();
}

static void tx(void *ctx, uint8_t byte)
{
	(void)ctx;
	(void)byte;
}

static void create(struct vm *vm, struct machine *d)
{
	static const struct serial_host host = { tx, NULL, NULL, NULL };
	struct bus *pio = &vm->pio;

	bus_init(&vm->pio, "port");
	bus_init(&vm->mmio, "mmio");
	if (serial_init(&d->serial, pio, SERIAL_COM1, &host) < 0 ||
	    debug_exit_init(&d->debug_exit, pio, DEBUG_EXIT_PORT, stop, NULL) < 0 ||
	    fw_cfg_init(&d->fw_cfg, pio, 128 << 20, 1) < 0 ||
	    rtc_init(&d->rtc, pio, 128 << 20) < 0 || i8042_init(&d->i8042, pio, nothing, NULL) < 0 ||
	    pci_init(&d->pci, pio, nothing, NULL) < 0 ||
	    acpi_pm_init(&d->acpi_pm, pio, nothing, NULL) < 0 || post_init(&d->post, pio) < 0 ||
	    fb_init(&d->fb, &vm->mmio, 64, 64, false) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static struct vm vm;
	static struct machine dev;
	static struct stats stats;
	struct kvm_coalesced_mmio_ring *ring = calloc(1, PAGE);
	uint8_t opt = size ? data[0] : 0;
	size_t n = size > 1 ? size - 1 : 0;
	unsigned drained;

	if (!ring)
		abort();
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	memcpy(ring, data + (size ? 1 : 0), n < PAGE ? n : PAGE);
	memset(&vm, 0, sizeof(vm));
	create(&vm, &dev);
	stats_init(&stats, false, opt & OPT_TRACE, devnull);
	vm.stats = &stats;
	vm.ring = ring;
	vm.ring_max = (PAGE - sizeof(*ring)) / sizeof(ring->coalesced_mmio[0]);
	if (opt & OPT_INDEXES) {
		ring->first %= vm.ring_max;
		ring->last %= vm.ring_max;
	}
	drained = ring_drain(&vm);
	if (drained >= vm.ring_max || (drained && ring->first >= vm.ring_max))
		abort(); /* at most a ring's worth, and 'first' left an index */
	if (ring_drain(&vm) != 0)
		abort(); /* drained: nothing until KVM adds more */
	fb_destroy(&dev.fb);
	serial_destroy(&dev.serial);
	pthread_mutex_destroy(&stats.ioctl_lock);
	free(ring);
	return 0;
}
