/* The 16550A UART's registers as a guest drives them: any register, any
 * width, DLAB, loopback, FIFO toggles and divisor 0, with host input
 * arriving in between. Input: a stream of operations (see below). */
#include <stdlib.h>

#include "devices/serial.h"
#include "fuzz/fuzz.h"

#define OP_OFFSET 0x0f  /* port 0x3f8 + this - 4: the range and past both ends */
#define OP_WIDTH 0x30   /* 1, 2, 4 or 8 bytes */
#define OP_WRITE 0x40
#define OP_RECEIVE 0x80 /* host input instead: up to 20 bytes */

struct host {
	uint64_t tx;
	int level;
};

static void tx(void *ctx, uint8_t byte)
{
	(void)byte;
	((struct host *)ctx)->tx++;
}

static void irq(void *ctx, int level)
{
	struct host *h = ctx;

	if ((level != 0 && level != 1) || level == h->level)
		abort(); /* the line only ever changes, between 0 and 1 */
	h->level = level;
}

static void check(const struct serial *s, const struct host *h)
{
	if (s->rx_count > SERIAL_FIFO_SIZE || serial_rx_room(s) > SERIAL_FIFO_SIZE ||
	    s->rx_head >= SERIAL_FIFO_SIZE || s->irq_level != h->level)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	struct host h = { 0, 0 };
	struct serial_host host = { tx, irq, NULL, &h };
	struct serial s;
	struct bus pio;

	bus_init(&pio, "port");
	if (serial_init(&s, &pio, SERIAL_COM1, &host) < 0)
		abort();
	while (in.pos < in.size) {
		uint8_t op = input_u8(&in);
		uint8_t buf[20];

		if (op & OP_RECEIVE) {
			size_t n = input_u8(&in) % sizeof(buf);

			for (size_t i = 0; i < n; i++)
				buf[i] = input_u8(&in);
			if (serial_receive(&s, buf, n) > n)
				abort();
		} else {
			uint64_t port = SERIAL_COM1 + (op & OP_OFFSET) - 4;
			uint32_t len = 1u << ((op & OP_WIDTH) >> 4);

			for (uint32_t i = 0; i < len; i++)
				buf[i] = input_u8(&in);
			bus_dispatch(&pio, port, buf, len, op & OP_WRITE, NULL);
		}
		check(&s, &h);
	}
	serial_destroy(&s);
	if (h.level != 0)
		abort(); /* destroy lowers the line */
	return 0;
}
