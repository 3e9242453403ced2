#ifndef I8042_H
#define I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"
#include "vm/wires.h"

/* The PS/2 controller, with no keyboard or mouse behind it: enough for
 * Linux to probe it and for the classic reset (command 0xFE to port 0x64,
 * Linux's reboot=k) to reach the VMM. */
struct i8042 {
	uint8_t ccb;     /* controller configuration byte */
	uint8_t outport; /* output port: bit 0 is the CPU reset line (active low) */
	uint8_t status;
	uint8_t out;           /* output buffer */
	uint8_t pending;       /* command waiting for its data byte, or 0 */
	struct stop_line stop; /* pulled with STATUS_RESET */
};

int i8042_init(struct i8042 *k, struct bus *pio, struct stop_line stop);

#endif
