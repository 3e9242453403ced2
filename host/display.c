#include <stdlib.h>
#include <string.h>

#include "host/display.h"
#include "host/png.h"
#include "lib/log.h"
#include "lib/machine.h"

void display_init(struct display *d, struct vm *vm, struct fb *fb, const char *png)
{
	memset(d, 0, sizeof(*d));
	d->vm = vm;
	d->fb = fb;
	d->png = png;
	d->slot = -1;
	if (fb->ram) {
		/* One bit per page, in whole 64-bit words (KVM_GET_DIRTY_LOG). */
		uint64_t pages = fb->aperture / PAGE_SIZE;

		d->dirty = calloc((pages + 63) / 64, sizeof(uint64_t));
		if (!d->dirty)
			die_errno("calloc dirty bitmap");
		d->slot = vm_add_memslot(vm, FB_APERTURE_ADDR, fb->aperture, fb->ram, true);
	}
}

bool display_snapshot(struct display *d)
{
	const struct fb *fb = d->fb;
	char err[PNG_ERR_LEN];

	/* Only the pages the guest wrote since the last look: KVM clears the
	 * log as it hands it over. */
	if (d->slot >= 0) {
		vm_dirty_log(d->vm, d->slot, d->dirty);
		fb_sync_pages(d->fb, d->dirty);
	}
	if (!d->png) {
		warn("framebuffer snapshot: no file to write (--fb-png FILE)");
		d->failures++;
		return false;
	}
	if (png_write(d->png, fb->shadow, fb->width, fb->height, fb->stride, err, sizeof(err)) <
	    0) {
		warn("framebuffer snapshot not written: %s", err);
		d->failures++;
		return false;
	}
	d->snapshots++;
	return true;
}

void display_print_stats(const struct display *d, FILE *f)
{
	const struct fb_stats *s = &d->fb->stats;

	fprintf(f, "  framebuffer (%ux%u, %s):\n", d->fb->width, d->fb->height,
		d->slot >= 0 ? "RAM" : "MMIO");
	fprintf(f, "    %-14s %llu\n", "writes", (unsigned long long)s->writes);
	fprintf(f, "    %-14s %llu\n", "ring-writes", (unsigned long long)s->ring_writes);
	fprintf(f, "    %-14s %llu\n", "reads", (unsigned long long)s->reads);
	fprintf(f, "    %-14s %llu\n", "pages-copied", (unsigned long long)s->pages_copied);
	fprintf(f, "    %-14s %llu\n", "snapshots", (unsigned long long)d->snapshots);
	fprintf(f, "    %-14s %llu\n", "failed", (unsigned long long)d->failures);
}

void display_destroy(struct display *d)
{
	free(d->dirty);
	d->dirty = NULL;
}
