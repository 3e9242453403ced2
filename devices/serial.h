#ifndef SERIAL_H
#define SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"
#include "vm/wires.h"

#define SERIAL_FIFO_SIZE 16 /* the 16550A's receive FIFO */

/* The other end of the serial line (the host's console): the UART sends
 * it every byte the guest transmits, and takes from it what it can
 * receive. */
struct serial_backend {
	void (*write)(void *ctx, uint8_t byte);
	size_t (*read)(void *ctx, uint8_t *buf, size_t room); /* never blocks */
	void *ctx;
};

/* A 16550A UART (PC16550D datasheet), transmitting instantly. */
struct serial {
	struct serial_backend line;
	struct irq_line irq;
	struct irq_line wake; /* pulsed while received data waits: a key wakes the PC */
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending; /* THR-empty interrupt not yet acknowledged */
	bool overrun;
	uint8_t rx[SERIAL_FIFO_SIZE];
	unsigned rx_head, rx_count;
	int irq_level;
};

int serial_init(struct serial *s, struct bus *pio, uint16_t base, struct irq_line irq,
		struct irq_line wake, struct serial_backend line);
/* Take what input the receive FIFO has room for from the backend. The UART
 * also does so itself whenever the guest empties the FIFO. */
void serial_poll(struct serial *s);

#endif
