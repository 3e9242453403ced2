#ifndef MEM_H
#define MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/machine.h"

/* Guest RAM as the guest sees it: RAM below the 32-bit MMIO hole, and the
 * rest above 4 GiB, the way a PC lays it out. */
#define MEM_MAX_REGIONS 2

struct mem_region {
	uint64_t gpa;
	uint64_t size;
	uint8_t *host;
};

struct guest_mem {
	struct mem_region region[MEM_MAX_REGIONS];
	int nr;
	uint64_t ram_size; /* sum of the regions */
};

/* Split host memory of ram_size bytes into guest regions. */
void mem_layout(struct guest_mem *m, uint8_t *host, uint64_t ram_size);
/* Host pointer for [gpa, gpa + len), or NULL unless it lies wholly in RAM. */
void *mem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len);
/* Copy in or out of guest RAM; -1 (nothing copied) when out of bounds. */
int mem_write(const struct guest_mem *m, uint64_t gpa, const void *src, uint64_t len);
int mem_read(const struct guest_mem *m, uint64_t gpa, void *dst, uint64_t len);
/* End of RAM below the hole: the highest address + 1 that low loaders use. */
uint64_t mem_low_end(const struct guest_mem *m);

#endif
