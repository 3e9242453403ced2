/* The coalesced ring's replay: a fake struct kvm_coalesced_mmio_ring page
 * with hostile first, last, len, pio and addresses, drained into the
 * devices a VM has (UART, debug exit, fw_cfg, RTC, i8042, PCI, ACPI PM,
 * POST; the framebuffer on the MMIO bus). Input: the ring page itself,
 * after one byte of options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/board.h"
#include "fuzz/fuzz.h"
#include "lib/log.h"
#include "lib/machine.h"
#include "vm/ring.h"

#define OPT_TRACE 0x01   /* --trace: every entry printed (to /dev/null) */
#define OPT_INDEXES 0x02 /* first and last taken modulo the ring size */

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static struct board board;
	static struct stats stats;
	const struct board_config config = { .ram_size = 128 << 20,
					     .ncpus = 1,
					     .fb_width = 64,
					     .fb_height = 64,
					     .debug_exit_port = DEBUG_EXIT_PORT,
					     .debug_exit_size = DEBUG_EXIT_SIZE };
	const struct board_wires wires = { .stop = { stop, NULL }, .console = { tx, NULL, NULL } };
	struct kvm_coalesced_mmio_ring *page = calloc(1, PAGE_SIZE);
	struct bus pio, mmio;
	struct ring ring = { page, (PAGE_SIZE - sizeof(*page)) / sizeof(page->coalesced_mmio[0]),
			     &pio, &mmio, &stats };
	uint8_t opt = size ? data[0] : 0;
	size_t n = size > 1 ? size - 1 : 0;
	unsigned drained;

	if (!page)
		abort();
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	memcpy(page, data + (size ? 1 : 0), n < PAGE_SIZE ? n : PAGE_SIZE);
	bus_init(&pio, "port");
	bus_init(&mmio, "mmio");
	if (board_create(&board, &pio, &mmio, &config, &wires) < 0)
		abort();
	stats_init(&stats, false, opt & OPT_TRACE);
	log_set_stream(devnull); /* --trace lines go where warnings go */
	if (opt & OPT_INDEXES) {
		page->first %= ring.max;
		page->last %= ring.max;
	}
	drained = ring_drain(&ring);
	if (drained >= ring.max || (drained && page->first >= ring.max))
		abort(); /* at most a ring's worth, and 'first' left an index */
	if (ring_drain(&ring) != 0)
		abort(); /* drained: nothing until KVM adds more */
	board_destroy(&board);
	pthread_mutex_destroy(&stats.ioctl_lock);
	free(page);
	return 0;
}
