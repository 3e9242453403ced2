#ifndef E820_H
#define E820_H

#include <stdint.h>

#include "lib/machine.h"
#include "vm/mem.h"

#define E820_RAM 1
#define E820_RESERVED 2
#define E820_MAX 8

struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
};

/* The memory map of what the VMM backs, as a PC shows it: base memory, the
 * BIOS area reserved, RAM from 1 MiB, RAM above 4 GiB. Returns the count. */
int e820_build(const struct guest_mem *m, struct e820_entry *map);

#endif
