#include <string.h>

#include "devices/debug_exit.h"

static void debug_exit_io(void *dev, struct io_access *a)
{
	struct debug_exit *d = dev;
	uint32_t value = 0;

	if (!a->write) { /* 0, as QEMU's (hw/misc/debugexit.c): how a kernel finds it */
		memset(a->data, 0, a->len);
		return;
	}
	memcpy(&value, a->data, a->len < sizeof(value) ? a->len : sizeof(value));
	/* The low 8 bits, all an exit status keeps: a 32-bit value would make
	 * a negative int, which reads as "still running" and blocks every
	 * later stop (timeout, signal, halt). */
	stop_pull(&d->stop, (int)(((value << 1) | 1) & 0xff));
}

int debug_exit_init(struct debug_exit *d, struct bus *pio, uint16_t port, uint16_t size,
		    struct stop_line stop)
{
	d->stop = stop;
	return bus_register(pio, port, size, debug_exit_io, d);
}
