#ifndef BZIMAGE_H
#define BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/plan.h"
#include "lib/machine.h"
#include "vm/mem.h"

/* Guest-physical layout for Linux, below the kernel at 1 MiB. */
#define BZ_PROTOCOL_MIN 0x020a /* 2.10: init_size and pref_address */
#define BZ_CMDLINE_DEFAULT "console=ttyS0 reboot=k panic=-1"

/* A linear framebuffer, 32 bpp XRGB8888, to describe to Linux. */
struct bzimage_fb {
	uint64_t base;
	uint64_t size; /* bytes at base, a multiple of 64 KiB */
	uint32_t width, height, stride;
};

struct bzimage_request {
	const char *cmdline;
	const uint8_t *initrd;
	size_t initrd_len;
	bool boot32;                 /* use the 32-bit entry even when the 64-bit one exists */
	const struct bzimage_fb *fb; /* NULL: no framebuffer */
};

/* Load a Linux bzImage per Documentation/arch/x86/boot.rst: kernel, zero
 * page, command line, initrd, e820 map and framebuffer (screen_info).
 * Pure: writes only guest memory and the plan; on a bad image returns -1
 * with err naming the field. */
int bzimage_load(const uint8_t *img, size_t len, const struct bzimage_request *req,
		 const struct guest_mem *m, struct boot_plan *plan, char *err, size_t errlen);

#endif
