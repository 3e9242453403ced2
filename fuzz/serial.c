/* The 16550A UART's registers as a guest drives them: any register, any
 * width, DLAB, loopback, FIFO toggles and divisor 0, with host input
 * arriving in between. Input: a stream of operations (see below). */
#include <stdlib.h>
#include <string.h>

#include "devices/serial.h"
#include "fuzz/fuzz.h"
#include "lib/machine.h"

#define OP_OFFSET 0x0f /* port 0x3f8 + this - 4: the range and past both ends */
#define OP_WIDTH 0x30  /* 1, 2, 4 or 8 bytes */
#define OP_WRITE 0x40
#define OP_RECEIVE 0x80 /* host input instead: up to 20 bytes */
#define OP_FULL 0x01    /* with OP_RECEIVE: the line is full from now on (or not) */

/* The console's side, as the UART sees it. */
struct host {
	uint64_t tx;
	int level;
	uint8_t in[20];
	size_t in_len;
	bool full;
};

static void tx(void *ctx, uint8_t byte)
{
	(void)byte;
	((struct host *)ctx)->tx++;
}

static bool full(void *ctx)
{
	return ((struct host *)ctx)->full;
}

static size_t rx(void *ctx, uint8_t *buf, size_t room)
{
	struct host *h = ctx;
	size_t n = h->in_len < room ? h->in_len : room;

	if (room > SERIAL_FIFO_SIZE)
		abort(); /* never asks for more than its FIFO holds */
	memcpy(buf, h->in, n);
	memmove(h->in, h->in + n, h->in_len - n);
	h->in_len -= n;
	return n;
}

static void irq(void *ctx, int line, int level)
{
	struct host *h = ctx;

	if (line != SERIAL_COM1_IRQ || (level != 0 && level != 1) || level == h->level)
		abort(); /* the line only ever changes, between 0 and 1 */
	h->level = level;
}

static void check(const struct serial *s, const struct host *h)
{
	if (s->rx_count > SERIAL_FIFO_SIZE || s->rx_head >= SERIAL_FIFO_SIZE ||
	    s->irq_level != h->level)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	struct host h = { 0 };
	struct serial s;
	struct bus pio;

	bus_init(&pio, "port");
	if (serial_init(&s, &pio, SERIAL_COM1, (struct irq_line){ irq, &h, SERIAL_COM1_IRQ },
			(struct irq_line){ 0 }, (struct serial_backend){ tx, rx, full, &h }) < 0)
		abort();
	while (in.pos < in.size) {
		uint8_t op = input_u8(&in);

		if (op & OP_RECEIVE) {
			h.full = op & OP_FULL;
			h.in_len = input_u8(&in) % sizeof(h.in);
			for (size_t i = 0; i < h.in_len; i++)
				h.in[i] = input_u8(&in);
			serial_poll(&s);
		} else {
			uint8_t buf[8];
			struct io_access a = { .data = buf,
					       .len = 1u << ((op & OP_WIDTH) >> 4),
					       .write = op & OP_WRITE,
					       .from_ring = true };

			for (uint32_t i = 0; i < a.len; i++)
				buf[i] = input_u8(&in);
			bus_dispatch(&pio, SERIAL_COM1 + (op & OP_OFFSET) - 4, &a);
		}
		check(&s, &h);
	}
	return 0;
}
