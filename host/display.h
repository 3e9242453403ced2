#ifndef DISPLAY_H
#define DISPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/fb.h"
#include "vm/vm.h"

/* The host side of the framebuffer, as the console is the serial line's:
 * how KVM backs the aperture (a coalesced MMIO zone, plain MMIO exits, or a
 * RAM memslot with dirty logging) and the PNG snapshots of the picture. */
struct display {
	struct vm *vm;
	struct fb *fb;
	const char *png; /* --fb-png FILE; NULL: none */
	int slot;        /* RAM backing: the aperture's memslot, else -1 */
	uint64_t *dirty; /* RAM backing: KVM_GET_DIRTY_LOG bitmap */
	uint64_t snapshots, failures;
};

/* After fb_init(): with RAM backing, give the aperture a memslot that logs
 * dirty pages; else let KVM queue its writes in the ring if coalesce. */
void display_init(struct display *d, struct vm *vm, struct fb *fb, const char *png,
		  bool coalesce);
/* Bring the picture up to date and write it to the PNG file. Failure is a
 * warning, never fatal: returns false and the guest runs on. Call between
 * KVM_RUNs, after the ring is drained. */
bool display_snapshot(struct display *d);
/* The framebuffer's part of --stats. */
void display_print_stats(const struct display *d, FILE *f);
void display_destroy(struct display *d);

#endif
