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
 * receive. While full() (optional) says it could not take a FIFO's worth
 * more, THR does not read as empty: a guest that waits for THRE waits, as
 * for a slow line, instead of having its bytes dropped. */
struct serial_backend {
	void (*write)(void *ctx, uint8_t byte);
	size_t (*read)(void *ctx, uint8_t *buf, size_t room); /* never blocks */
	bool (*full)(void *ctx);                              /* never blocks */
	void *ctx;
};

/* A 16550A UART (PC16550D datasheet), transmitting instantly while the
 * line has room (serial_backend.full). */
struct serial {
	struct serial_backend line;
	struct irq_line irq;
	struct irq_line wake; /* pulsed while received data waits: a key wakes the PC */
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending; /* THR-empty interrupt not yet acknowledged */
	bool tx_held;      /* THR stays "full" until the line takes more */
	bool overrun;
	uint8_t rx[SERIAL_FIFO_SIZE];
	unsigned rx_head, rx_count;
	int irq_level;
};

int serial_init(struct serial *s, struct bus *pio, uint16_t base, struct irq_line irq,
		struct irq_line wake, struct serial_backend line);
/* Take what input the receive FIFO has room for from the backend, and
 * raise THRE if the line has room again. The UART also takes input itself
 * whenever the guest empties the FIFO. */
void serial_poll(struct serial *s);

#endif
