#include <string.h>

#include "lib/log.h"
#include "vm/bus.h"

void bus_init(struct bus *b, const char *name)
{
	memset(b, 0, sizeof(*b));
	b->name = name;
}

int bus_register(struct bus *b, uint64_t base, uint64_t len, io_fn fn, void *dev)
{
	if (b->nr == BUS_MAX_RANGES || len == 0 || base + len < base)
		return -1;
	for (int i = 0; i < b->nr; i++) {
		const struct bus_range *r = &b->range[i];

		if (base < r->base + r->len && r->base < base + len)
			return -1;
	}
	b->range[b->nr++] = (struct bus_range){ base, len, fn, dev };
	return 0;
}

int bus_unregister(struct bus *b, uint64_t base, void *dev)
{
	for (int i = 0; i < b->nr; i++) {
		if (b->range[i].base != base || b->range[i].dev != dev)
			continue;
		b->range[i] = b->range[--b->nr]; /* dispatch order does not matter: no overlaps */
		return 0;
	}
	return -1;
}

/* The guest decides how many distinct addresses it touches: remember a
 * bounded number and stay quiet about the rest. */
static void log_unclaimed(struct bus *b, uint64_t addr, uint32_t len, bool write)
{
	for (int i = 0; i < b->nr_logged; i++)
		if (b->logged[i] == addr)
			return;
	if (b->nr_logged == BUS_MAX_LOGGED)
		return;
	b->logged[b->nr_logged++] = addr;
	warn("guest %s unclaimed %s %#llx (%u bytes)%s", write ? "wrote" : "read", b->name,
	     (unsigned long long)addr, len,
	     b->nr_logged == BUS_MAX_LOGGED ? "; further addresses not reported" : "");
}

bool bus_dispatch(struct bus *b, uint64_t addr, struct io_access *a)
{
	for (int i = 0; i < b->nr; i++) {
		struct bus_range *r = &b->range[i];

		if (addr >= r->base && addr - r->base < r->len) {
			a->offset = addr - r->base;
			r->fn(r->dev, a);
			return true;
		}
	}
	if (!a->write)
		memset(a->data, 0xff, a->len);
	log_unclaimed(b, addr, a->len, a->write);
	return false;
}
