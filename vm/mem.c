#include <string.h>

#include "vm/mem.h"

void mem_layout(struct guest_mem *m, uint8_t *host, uint64_t ram_size)
{
	uint64_t low = ram_size < MEM_HOLE_START ? ram_size : MEM_HOLE_START;

	memset(m, 0, sizeof(*m));
	m->ram_size = ram_size;
	m->region[m->nr++] = (struct mem_region){ 0, low, host };
	if (ram_size > low)
		m->region[m->nr++] = (struct mem_region){ MEM_HIGH_START, ram_size - low,
							  host + low };
}

void *mem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	for (int i = 0; i < m->nr; i++) {
		const struct mem_region *r = &m->region[i];

		/* Written so that no sum can overflow: gpa and len come from guests
		 * and image headers. */
		if (gpa < r->gpa || gpa - r->gpa >= r->size)
			continue;
		if (len > r->size - (gpa - r->gpa))
			return NULL;
		return r->host + (gpa - r->gpa);
	}
	return NULL;
}

int mem_write(const struct guest_mem *m, uint64_t gpa, const void *src, uint64_t len)
{
	void *p = mem_ptr(m, gpa, len);

	if (!p)
		return -1;
	memcpy(p, src, len);
	return 0;
}

int mem_read(const struct guest_mem *m, uint64_t gpa, void *dst, uint64_t len)
{
	const void *p = mem_ptr(m, gpa, len);

	if (!p)
		return -1;
	memcpy(dst, p, len);
	return 0;
}

uint64_t mem_low_end(const struct guest_mem *m)
{
	return m->region[0].size;
}
