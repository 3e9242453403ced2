#ifndef DISPLAY_H
#define DISPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/fb.h"
#include "vm/vm.h"

/* The host side of the framebuffer, as the console is the serial line's:
 * the RAM memslot with dirty logging that --fb-ram backs the aperture with,
 * and the PNG snapshots of the picture. */
struct display {
	struct vm *vm;
	struct fb *fb;
	const char *png; /* --fb-png FILE; NULL: none */
	int slot;        /* RAM backing: the aperture's memslot, else -1 */
	uint64_t *dirty; /* RAM backing: KVM_GET_DIRTY_LOG bitmap */
	uint64_t snapshots, failures;
};

/* After fb_init(): with RAM backing, give the aperture a memslot that logs
 * dirty pages (MMIO backing is the bus's, and board_coalesce()'s). */
void display_init(struct display *d, struct vm *vm, struct fb *fb, const char *png);
/* Bring the picture up to date and write it to the PNG file. Failure is a
 * warning, never fatal: returns false and the guest runs on. Call between
 * KVM_RUNs, after the ring is drained. */
bool display_snapshot(struct display *d);
/* The framebuffer's part of --stats. */
void display_print_stats(const struct display *d, FILE *f);
void display_destroy(struct display *d);

#endif
