/* The UART (devices/serial.c) against a line that fills up: while the
 * backend says full, LSR shows neither THRE nor TEMT and the THRE
 * interrupt waits; the first poll after the line has room raises it.
 * Prints one line per failed check and "N passed, N failed"; exits 1 if
 * any failed. */
#include <linux/serial_reg.h>
#include <stdio.h>

#include "devices/serial.h"
#include "lib/machine.h"
#include "tests/unit/check.h"

struct line {
	int sent;
	bool full;
	int level; /* IRQ 4 */
};

static void tx(void *ctx, uint8_t byte)
{
	(void)byte;
	((struct line *)ctx)->sent++;
}

static bool full(void *ctx)
{
	return ((struct line *)ctx)->full;
}

static void irq(void *ctx, int nr, int level)
{
	(void)nr;
	((struct line *)ctx)->level = level;
}

static void reg_write(struct bus *pio, unsigned reg, uint8_t v)
{
	struct io_access a = { .data = &v, .len = 1, .write = true };

	bus_dispatch(pio, SERIAL_COM1 + reg, &a);
}

static uint8_t reg_read(struct bus *pio, unsigned reg)
{
	uint8_t v = 0;
	struct io_access a = { .data = &v, .len = 1 };

	bus_dispatch(pio, SERIAL_COM1 + reg, &a);
	return v;
}

int main(void)
{
	struct line l = { 0 };
	struct serial s;
	struct bus pio;
	uint8_t lsr;

	bus_init(&pio, "pio");
	CHECK(serial_init(&s, &pio, SERIAL_COM1, (struct irq_line){ irq, &l, SERIAL_COM1_IRQ },
			  (struct irq_line){ 0 },
			  (struct serial_backend){ tx, NULL, full, &l }) == 0);
	reg_write(&pio, UART_IER, UART_IER_THRI);
	CHECK(l.level == 1, "THRE interrupt on enabling it with THR empty");
	CHECK((reg_read(&pio, UART_IIR) & UART_IIR_ID) == UART_IIR_THRI);
	CHECK(l.level == 0, "reading IIR acknowledges THRE");

	/* The line fills with this byte: THR stays "full". */
	l.full = true;
	reg_write(&pio, UART_TX, 'a');
	CHECK(l.sent == 1, "the byte went to the line");
	CHECK(l.level == 0, "no THRE interrupt while the line is full");
	lsr = reg_read(&pio, UART_LSR);
	CHECK(!(lsr & (UART_LSR_THRE | UART_LSR_TEMT)), "LSR %#x shows THR empty while full", lsr);
	serial_poll(&s);
	CHECK(l.level == 0, "a poll while still full raises nothing");

	/* Room again: LSR says so at once, the interrupt comes with the poll. */
	l.full = false;
	lsr = reg_read(&pio, UART_LSR);
	CHECK((lsr & (UART_LSR_THRE | UART_LSR_TEMT)) == (UART_LSR_THRE | UART_LSR_TEMT),
	      "LSR %#x once the line has room", lsr);
	serial_poll(&s);
	CHECK(l.level == 1, "THRE interrupt after the line took more");

	/* In loopback the line is not used: THR is always empty. */
	reg_write(&pio, UART_MCR, UART_MCR_LOOP);
	l.full = true;
	CHECK(reg_read(&pio, UART_LSR) & UART_LSR_THRE, "loopback ignores the line");
	return check_done();
}
