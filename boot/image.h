#ifndef IMAGE_H
#define IMAGE_H

#include <stddef.h>
#include <stdint.h>

enum image_kind {
	IMAGE_FLAT,       /* raw code and data, no header */
	IMAGE_BOOTSECTOR, /* 512 bytes ending in 0x55 0xAA: real mode at 0x7c00 */
	IMAGE_BZIMAGE,    /* Linux x86 boot protocol ("HdrS" at 0x202) */
	IMAGE_MULTIBOOT,  /* a multiboot v1 header in the first 8 KiB */
	IMAGE_ELF,        /* an ELF file: not runnable as it is */
	IMAGE_GZIP,       /* compressed: not runnable as it is */
};

/* The kind of image, from its content alone. */
enum image_kind image_detect(const uint8_t *buf, size_t len);
const char *image_kind_name(enum image_kind kind);
#define IMAGE_HOST_FAILED (-2) /* image_read: the host ran out of fds or memory */

/* Read a whole regular file of at most max bytes into a new buffer. On
 * error returns -1 (the file is at fault) or IMAGE_HOST_FAILED, with a
 * message in err naming the problem. */
int image_read(const char *path, uint64_t max, uint8_t **buf, size_t *len, char *err,
	       size_t errlen);

#endif
