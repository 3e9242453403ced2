#ifndef DEVICE_OPTS_H
#define DEVICE_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "host/options.h"

/* One device into o: pc-testdev, pci-testdev, isa-debug-exit[,iobase=PORT]
 * [,iosize=N] (and id=, ignored). qemu_defaults: isa-debug-exit's defaults
 * are QEMU's (0x501, 2), not vmm's (0xf4, 4). Pure; -1 with err filled for
 * an unknown device or property, or one given twice. */
int device_opts_parse(struct options *o, const char *spec, bool qemu_defaults, char *err,
		      size_t errlen);
/* The devices, as QEMU's -device help lists them. */
void device_opts_help(FILE *f);

#endif
