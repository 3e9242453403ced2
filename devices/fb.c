#include <string.h>
#include <sys/mman.h>

#include "devices/fb.h"
#include "lib/log.h"
#include "lib/machine.h"

/* Registers are bytes to the guest: any width at any offset, little-endian
 * as an x86 guest expects, zero past the last register. */
static void fb_regs_io(void *dev, struct io_access *a)
{
	struct fb *fb = dev;
	const uint8_t *bytes = (const uint8_t *)fb->regs;

	if (a->write) {
		if (!fb->warned_ro)
			warn("guest wrote the read-only framebuffer registers (offset %#llx);"
			     " ignored",
			     (unsigned long long)a->offset);
		fb->warned_ro = true;
		return;
	}
	memset(a->data, 0, a->len);
	for (uint32_t i = 0; i < a->len && a->offset + i < sizeof(fb->regs); i++)
		a->data[i] = bytes[a->offset + i];
}

/* The bus hands us accesses that start in the aperture; KVM splits them at
 * page boundaries and the aperture ends on one, so none should reach past
 * its end. Should one do so anyway, the bytes beyond go nowhere, as they
 * would with RAM backing. */
static void fb_aperture_io(void *dev, struct io_access *a)
{
	struct fb *fb = dev;
	uint64_t room = fb->aperture - a->offset;
	uint32_t len = a->len < room ? a->len : (uint32_t)room;

	if (a->write) {
		memcpy(fb->shadow + a->offset, a->data, len);
		fb->stats.writes++;
		if (a->from_ring)
			fb->stats.ring_writes++;
		return;
	}
	/* Reads come through an exit, and the run loop drains the ring before
	 * it handles one: the shadow already holds every earlier write. */
	memset(a->data, 0xff, a->len);
	memcpy(a->data, fb->shadow + a->offset, len);
	fb->stats.reads++;
}

static uint8_t *map_pixels(uint64_t len, const char *what)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die_errno(what);
	return p;
}

int fb_init(struct fb *fb, struct bus *mmio, uint32_t width, uint32_t height, bool ram)
{
	memset(fb, 0, sizeof(*fb));
	fb->width = width;
	fb->height = height;
	fb->stride = width * (FB_BPP / 8);
	fb->size = (uint64_t)fb->stride * height;
	fb->aperture = (fb->size + FB_APERTURE_ALIGN - 1) & ~(FB_APERTURE_ALIGN - 1);
	fb->regs[FB_REG_MAGIC / 4] = FB_MAGIC;
	fb->regs[FB_REG_WIDTH / 4] = width;
	fb->regs[FB_REG_HEIGHT / 4] = height;
	fb->regs[FB_REG_STRIDE / 4] = fb->stride;
	fb->regs[FB_REG_FORMAT / 4] = FB_FORMAT_XRGB8888;
	fb->regs[FB_REG_BPP / 4] = FB_BPP;
	fb->regs[FB_REG_APERTURE / 4] = (uint32_t)fb->aperture;
	fb->regs[FB_REG_BASE_LO / 4] = (uint32_t)FB_APERTURE_ADDR;
	fb->regs[FB_REG_BASE_HI / 4] = (uint32_t)(FB_APERTURE_ADDR >> 32);
	fb->shadow = map_pixels(fb->aperture, "mmap framebuffer");
	if (ram)
		fb->ram = map_pixels(fb->aperture, "mmap framebuffer RAM");
	if (bus_register(mmio, FB_REGS_ADDR, FB_REGS_SIZE, fb_regs_io, fb) < 0)
		return -1;
	return ram ? 0 : bus_register(mmio, FB_APERTURE_ADDR, fb->aperture, fb_aperture_io, fb);
}

void fb_sync_pages(struct fb *fb, const uint64_t *bitmap)
{
	uint64_t pages = fb->aperture / PAGE_SIZE;

	if (!fb->ram)
		return;
	for (uint64_t i = 0; i < pages; i++) {
		if (!(bitmap[i / 64] >> (i % 64) & 1))
			continue;
		memcpy(fb->shadow + i * PAGE_SIZE, fb->ram + i * PAGE_SIZE, PAGE_SIZE);
		fb->stats.pages_copied++;
	}
}

void fb_destroy(struct fb *fb)
{
	if (fb->shadow)
		munmap(fb->shadow, fb->aperture);
	if (fb->ram)
		munmap(fb->ram, fb->aperture);
	fb->shadow = fb->ram = NULL;
}
