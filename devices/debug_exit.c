#include <string.h>

#include "debug_exit.h"

static void debug_exit_io(void *dev, struct io_access *a)
{
	struct debug_exit *d = dev;
	uint32_t value = 0;

	if (!a->write) {
		memset(a->data, 0xff, a->len);
		return;
	}
	memcpy(&value, a->data, a->len < sizeof(value) ? a->len : sizeof(value));
	d->stop(d->ctx, (int)((value << 1) | 1));
}

int debug_exit_init(struct debug_exit *d, struct bus *pio, uint16_t port,
		    void (*stop)(void *ctx, int status), void *ctx)
{
	d->stop = stop;
	d->ctx = ctx;
	return bus_register(pio, port, DEBUG_EXIT_SIZE, debug_exit_io, d);
}

void debug_exit_destroy(struct debug_exit *d)
{
	d->stop = NULL;
}
