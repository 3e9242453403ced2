#ifndef MULTIBOOT_H
#define MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/plan.h"
#include "vm/mem.h"

#define MULTIBOOT_SEARCH 8192 /* the header lies in the first 8 KiB */
#define MULTIBOOT_MAX_MODULES 32

struct multiboot_module {
	const uint8_t *data;
	size_t len;
	const char *cmdline; /* the module's string, as QEMU: "file args" */
};

struct multiboot_request {
	const char *name;    /* the kernel's file name, first word of its cmdline */
	const char *cmdline; /* --append, or NULL */
	const struct multiboot_module *modules;
	int nr_modules;
};

/* Offset of a valid multiboot v1 header in img, or -1. */
long multiboot_find(const uint8_t *img, size_t len);
/* Load a multiboot v1 kernel (Multiboot Specification 0.6.96): ELF32 or
 * the a.out kludge, then the information structure, command lines,
 * modules and memory map above the kernel. Pure: guest memory and the plan
 * only; on bad input returns -1 with err filled. A header asking for a
 * video mode gets a warning in warn (empty otherwise), as QEMU gives. */
int multiboot_load(const uint8_t *img, size_t len, const struct multiboot_request *req,
		   const struct guest_mem *m, struct boot_plan *plan, char *err, size_t errlen,
		   char *warn, size_t warnlen);

#endif
