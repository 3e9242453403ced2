/* A PNG writer in libc alone: the image data goes in stored (uncompressed)
 * deflate blocks, so no zlib is needed and any decoder reads it. Follows
 * the PNG specification (W3C, 2nd edition: chunks and their CRC-32, IHDR,
 * filter type 0), zlib (RFC 1950: header, Adler-32) and deflate (RFC 1951
 * section 3.2.4: stored blocks). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/png.h"

#define STORED_MAX 65535 /* bytes in one stored deflate block (LEN is 16 bits) */
#define ZLIB_CMF 0x78    /* deflate with a 32 KiB window */
#define ZLIB_FLG 0x01    /* no dictionary; makes CMF * 256 + FLG a multiple of 31 */
#define ADLER_MOD 65521
#define CRC_POLY 0xedb88320 /* CRC-32 of ISO 3309, bit-reversed */
#define PNG_DEPTH 8
#define PNG_COLOR_RGB 2

static const uint8_t signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

struct png_out {
	FILE *f;
	uint32_t crc_table[256];
	uint32_t crc;              /* of the chunk being written */
	uint32_t adler_a, adler_b; /* of the whole uncompressed stream */
	bool started;              /* the zlib header is out */
	size_t len;                /* bytes waiting in block */
	uint8_t block[STORED_MAX];
};

static void crc_init(uint32_t *table)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? CRC_POLY ^ (c >> 1) : c >> 1;
		table[n] = c;
	}
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Chunk type and data: to the file and into the chunk's CRC. */
static void put(struct png_out *o, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	for (size_t i = 0; i < n; i++)
		o->crc = o->crc_table[(o->crc ^ p[i]) & 0xff] ^ (o->crc >> 8);
	fwrite(p, 1, n, o->f);
}

static void chunk_begin(struct png_out *o, const char *type, uint32_t len)
{
	uint8_t b[4];

	be32(b, len);
	fwrite(b, 1, sizeof(b), o->f);
	o->crc = 0xffffffff;
	put(o, type, 4);
}

static void chunk_end(struct png_out *o)
{
	uint8_t b[4];

	be32(b, o->crc ^ 0xffffffff);
	fwrite(b, 1, sizeof(b), o->f);
}

/* One IDAT chunk per stored block: the zlib header rides in the first, the
 * Adler-32 of the whole stream in the last. */
static void flush_block(struct png_out *o, bool final)
{
	uint8_t zlib[2] = { ZLIB_CMF, ZLIB_FLG };
	uint16_t len = o->len, nlen = ~len;
	uint8_t head[5] = { final, len & 0xff, len >> 8, nlen & 0xff, nlen >> 8 };
	uint8_t adler[4];

	chunk_begin(o, "IDAT", (o->started ? 0 : 2) + sizeof(head) + len + (final ? 4 : 0));
	if (!o->started)
		put(o, zlib, sizeof(zlib));
	o->started = true;
	put(o, head, sizeof(head));
	put(o, o->block, len);
	if (final) {
		be32(adler, o->adler_b << 16 | o->adler_a);
		put(o, adler, sizeof(adler));
	}
	chunk_end(o);
	o->len = 0;
}

/* One byte of image data; a block is flushed only once more data follows,
 * so the last one can carry BFINAL. */
static void push(struct png_out *o, uint8_t byte)
{
	if (o->len == STORED_MAX)
		flush_block(o, false);
	o->block[o->len++] = byte;
	o->adler_a += byte;
	if (o->adler_a >= ADLER_MOD)
		o->adler_a -= ADLER_MOD;
	o->adler_b += o->adler_a;
	if (o->adler_b >= ADLER_MOD)
		o->adler_b -= ADLER_MOD;
}

static void encode(struct png_out *o, const uint8_t *pixels, uint32_t width, uint32_t height,
		   uint32_t stride)
{
	uint8_t ihdr[13] = { [8] = PNG_DEPTH, [9] = PNG_COLOR_RGB }; /* deflate, no interlace */

	crc_init(o->crc_table);
	o->adler_a = 1;
	fwrite(signature, 1, sizeof(signature), o->f);
	be32(ihdr, width);
	be32(ihdr + 4, height);
	chunk_begin(o, "IHDR", sizeof(ihdr));
	put(o, ihdr, sizeof(ihdr));
	chunk_end(o);
	for (uint32_t y = 0; y < height; y++) {
		const uint8_t *p = pixels + (size_t)y * stride;

		push(o, 0); /* filter type 0: the line as it is */
		for (uint32_t x = 0; x < width; x++, p += 4) {
			push(o, p[2]); /* XRGB8888 is B, G, R, X in memory */
			push(o, p[1]);
			push(o, p[0]);
		}
	}
	flush_block(o, true);
	chunk_begin(o, "IEND", 0);
	chunk_end(o);
}

/* Encode into tmp; false with err filled when the file could not be
 * written in full. */
static bool write_tmp(struct png_out *o, const char *tmp, const uint8_t *pixels, uint32_t width,
		      uint32_t height, uint32_t stride, char *err, size_t errlen)
{
	int write_errno;

	/* A new file ("x": O_EXCL), never whatever is there: a FIFO left at
	 * that name would block the open until a reader came. */
	unlink(tmp);
	o->f = fopen(tmp, "wbx");
	if (!o->f) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return false;
	}
	errno = 0;
	encode(o, pixels, width, height, stride);
	/* The failing fwrite's errno (ENOSPC, EIO...), or fclose's own. */
	write_errno = ferror(o->f) ? (errno ? errno : EIO) : 0;
	if (fclose(o->f) != 0 || write_errno) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(write_errno ? write_errno : errno));
		unlink(tmp);
		return false;
	}
	return true;
}

int png_write(const char *path, const uint8_t *pixels, uint32_t width, uint32_t height,
	      uint32_t stride, char *err, size_t errlen)
{
	struct png_out *o = calloc(1, sizeof(*o));
	char *tmp = NULL;
	int r = -1;

	if (!o || asprintf(&tmp, "%s.tmp", path) < 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		tmp = NULL;
	} else if (write_tmp(o, tmp, pixels, width, height, stride, err, errlen)) {
		if (rename(tmp, path) == 0)
			r = 0;
		else {
			snprintf(err, errlen, "rename %s to %s: %s", tmp, path, strerror(errno));
			unlink(tmp);
		}
	}
	free(tmp);
	free(o);
	return r;
}

char *png_target(const char *path, char *err, size_t errlen)
{
	struct stat st;
	char *real;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT) /* the directory may come: png_write says if not */
			return strdup(path);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (S_ISLNK(st.st_mode) && stat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path,
			 errno == ENOENT ? "a symbolic link to nothing" : strerror(errno));
		return NULL;
	}
	/* The rename would put a file in place of a directory, a device node
	 * (as root, /dev/null for all), a FIFO or a socket. */
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s: a snapshot replaces FILE with a new file", path,
			 S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
		return NULL;
	}
	real = realpath(path, NULL);
	if (!real)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return real;
}
