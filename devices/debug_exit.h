#ifndef DEBUG_EXIT_H
#define DEBUG_EXIT_H

#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"


/* QEMU's isa-debug-exit: a write of V ends the run with status (V << 1) | 1,
 * so test kernels written for QEMU run unchanged. */
struct debug_exit {
	void (*stop)(void *ctx, int status);
	void *ctx;
};

int debug_exit_init(struct debug_exit *d, struct bus *pio, uint16_t port,
		    void (*stop)(void *ctx, int status), void *ctx);
void debug_exit_destroy(struct debug_exit *d);

#endif
