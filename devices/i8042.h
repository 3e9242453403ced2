#ifndef I8042_H
#define I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"
#include "vm/wires.h"

/* The PS/2 controller, with no keyboard or mouse behind it: enough for
 * Linux to probe it (its own loopback included, so no probe waits for a
 * byte that never comes) and for the classic reset (command 0xFE to port
 * 0x64, Linux's reboot=k) to reach the VMM. */
struct i8042 {
	uint8_t ccb;     /* controller configuration byte */
	uint8_t outport; /* output port: bit 0 is the CPU reset line (active low) */
	uint8_t status;
	uint8_t out;                      /* output buffer */
	uint8_t pending;                  /* command waiting for its data byte, or 0 */
	struct stop_line stop;            /* pulled with STATUS_RESET */
	struct irq_line kbd_irq, aux_irq; /* raised while a byte waits, if the CCB says */
	int kbd_level, aux_level;
};

int i8042_init(struct i8042 *k, struct bus *pio, struct stop_line stop, struct irq_line kbd_irq,
	       struct irq_line aux_irq);

#endif
