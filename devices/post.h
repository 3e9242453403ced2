#ifndef POST_H
#define POST_H

#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"

/* The POST diagnostic port: firmware writes progress codes to it and Linux
 * writes to it as an I/O delay (outb_p). Keeps the last code. */
struct post {
	uint8_t code;
};

int post_init(struct post *p, struct bus *pio);

#endif
