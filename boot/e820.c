#include "boot/e820.h"

int e820_build(const struct guest_mem *m, struct e820_entry *map)
{
	int n = 0;

	map[n++] = (struct e820_entry){ 0, EBDA_START, E820_RAM };
	map[n++] = (struct e820_entry){ EBDA_START, BIOS_END - EBDA_START, E820_RESERVED };
	if (mem_low_end(m) > BIOS_END)
		map[n++] = (struct e820_entry){ BIOS_END, mem_low_end(m) - BIOS_END, E820_RAM };
	for (int i = 1; i < m->nr && n < E820_MAX; i++)
		map[n++] = (struct e820_entry){ m->region[i].gpa, m->region[i].size, E820_RAM };
	return n;
}
