#include <string.h>

#include "devices/post.h"

static void post_io(void *dev, struct io_access *a)
{
	struct post *p = dev;

	if (a->write)
		p->code = a->data[0];
	else
		memset(a->data, 0xff, a->len); /* nothing drives the bus on a read */
}

int post_init(struct post *p, struct bus *pio)
{
	p->code = 0;
	return bus_register(pio, POST_PORT, 1, post_io, p);
}
