#ifndef PNG_H
#define PNG_H

#include <stddef.h>
#include <stdint.h>

#define PNG_ERR_LEN 256

/* Write an XRGB8888 picture (B, G, R, X bytes per pixel, lines stride
 * bytes apart) as an 8-bit RGB PNG at path. Writes path.tmp and renames it,
 * so a reader never sees half a file. On failure, nothing is left behind
 * and err says why; returns -1. */
int png_write(const char *path, const uint8_t *pixels, uint32_t width, uint32_t height,
	      uint32_t stride, char *err, size_t errlen);

/* Where snapshots for the FILE the user named go, decided before the guest
 * runs: FILE, or the regular file a symbolic link FILE names (the link
 * stays). NULL with err filled when a rename onto it would replace what is
 * not a regular file (a directory, /dev/null, a FIFO) or when FILE cannot
 * be looked at; a missing FILE is fine. Returns a new string. */
char *png_target(const char *path, char *err, size_t errlen);

#endif
