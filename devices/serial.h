#ifndef SERIAL_H
#define SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"

#define SERIAL_FIFO_SIZE 16 /* the 16550A's receive FIFO */

/* What the UART needs from the host side; it knows nothing else. */
struct serial_host {
	void (*tx)(void *ctx, uint8_t byte);     /* a byte left the UART */
	void (*irq)(void *ctx, int level);       /* interrupt line changed */
	void (*rx_wanted)(void *ctx);            /* guest emptied the RX FIFO */
	void *ctx;
};

/* A 16550A UART (PC16550D datasheet), transmitting instantly. */
struct serial {
	struct serial_host host;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending; /* THR-empty interrupt not yet acknowledged */
	bool overrun;
	uint8_t rx[SERIAL_FIFO_SIZE];
	unsigned rx_head, rx_count;
	int irq_level;
};

int serial_init(struct serial *s, struct bus *pio, uint16_t base,
		const struct serial_host *host);
/* Room in the receive FIFO for host input (0 in loopback mode). */
size_t serial_rx_room(const struct serial *s);
/* Queue host input; returns how many bytes were taken. */
size_t serial_receive(struct serial *s, const uint8_t *buf, size_t len);
void serial_destroy(struct serial *s);

#endif
