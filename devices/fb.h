#ifndef FB_H
#define FB_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"

/* Guest-physical layout: in the 32-bit hole above RAM (mem.h
 * MEM_HOLE_START), below the IOAPIC, inside the first 4 GiB that the boot
 * page tables identity-map; never in the e820 RAM map. */
#define FB_MAX_WIDTH 4096
#define FB_MAX_HEIGHT 4096
#define FB_BPP 32
/* VBE counts video memory in 64 KiB units; an aperture of whole units also
 * ends on a page boundary, where KVM splits every access. */
#define FB_APERTURE_ALIGN 0x10000ULL

/* The register block: read-only little-endian 32-bit registers. */

struct fb_stats {
	uint64_t writes;       /* aperture writes applied */
	uint64_t ring_writes;  /* of which replayed from the coalesced ring */
	uint64_t reads;        /* aperture reads served (MMIO mode only) */
	uint64_t pages_copied; /* RAM mode: dirty pages copied to the shadow */
};

/* A linear 32 bpp XRGB8888 framebuffer. The picture lives in 'shadow'. With
 * MMIO backing the guest's accesses reach it through the bus (from exits
 * and from the coalesced ring); with RAM backing the guest writes 'ram', a
 * memslot, and fb_sync_pages() copies the pages KVM saw written. */
struct fb {
	uint32_t width, height, stride;
	uint64_t size;     /* stride * height: the bytes the picture shows */
	uint64_t aperture; /* size rounded up to FB_APERTURE_ALIGN */
	uint8_t *shadow;   /* aperture bytes */
	uint8_t *ram;      /* RAM backing, aperture bytes; NULL for MMIO */
	uint32_t regs[FB_NR_REGS];
	bool warned_ro; /* the guest wrote the register block (said once) */
	struct fb_stats stats;
};

/* Geometry within 1..FB_MAX_WIDTH x 1..FB_MAX_HEIGHT (host/options.c checks).
 * Registers the register block, and the aperture unless ram. Returns -1
 * when a range is taken; host allocation failures are fatal. */
int fb_init(struct fb *fb, struct bus *mmio, uint32_t width, uint32_t height, bool ram);
/* RAM backing: copy each page whose bit is set (bit i of word i / 64 for
 * page i, the KVM_GET_DIRTY_LOG layout) from the guest's memory. */
void fb_sync_pages(struct fb *fb, const uint64_t *bitmap);
void fb_destroy(struct fb *fb);

#endif
