#ifndef DEBUG_EXIT_H
#define DEBUG_EXIT_H

#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"
#include "vm/wires.h"

/* QEMU's isa-debug-exit: a write of V ends the run with status (V << 1) | 1,
 * so test kernels written for QEMU run unchanged. */
struct debug_exit {
	struct stop_line stop;
};

int debug_exit_init(struct debug_exit *d, struct bus *pio, uint16_t port, uint16_t size,
		    struct stop_line stop);

#endif
