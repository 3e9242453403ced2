#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/image.h"
#include "boot/multiboot.h"

#define BOOTSECTOR_SIZE 512
#define BZIMAGE_MAGIC_OFFSET 0x202 /* "HdrS", Documentation/arch/x86/boot.rst */

enum image_kind image_detect(const uint8_t *buf, size_t len)
{
	if (len >= BZIMAGE_MAGIC_OFFSET + 4 && !memcmp(buf + BZIMAGE_MAGIC_OFFSET, "HdrS", 4))
		return IMAGE_BZIMAGE;
	if (multiboot_find(buf, len) >= 0)
		return IMAGE_MULTIBOOT;
	if (len >= 4 && !memcmp(buf, "\177ELF", 4))
		return IMAGE_ELF;
	if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
		return IMAGE_GZIP;
	if (len == BOOTSECTOR_SIZE && buf[510] == 0x55 && buf[511] == 0xaa)
		return IMAGE_BOOTSECTOR;
	return IMAGE_FLAT;
}

const char *image_kind_name(enum image_kind kind)
{
	static const char *const names[] = {
		[IMAGE_FLAT] = "flat binary",      [IMAGE_BOOTSECTOR] = "boot sector",
		[IMAGE_BZIMAGE] = "Linux bzImage", [IMAGE_MULTIBOOT] = "multiboot kernel",
		[IMAGE_ELF] = "ELF file",          [IMAGE_GZIP] = "gzip file",
	};

	return names[kind];
}

/* Reads up to len bytes; fewer only at the end of the file or on an error
 * (errno set, -1). */
static ssize_t read_all(int fd, uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

/* The host, not the file, is at fault: out of fds or memory. */
static bool host_short(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOMEM;
}

int image_read(const char *path, uint64_t max, uint8_t **buf, size_t *len, char *err, size_t errlen)
{
	struct stat st = { 0 };
	/* O_NONBLOCK: a FIFO must be refused, not waited on for a writer. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t got;
	int r = -1;

	*buf = NULL;
	if (fd < 0)
		return snprintf(err, errlen, "%s: %s", path, strerror(errno)),
		       host_short(errno) ? IMAGE_HOST_FAILED : -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", path,
			 S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
		goto fail;
	}
	if (st.st_size == 0) {
		snprintf(err, errlen, "%s: empty file", path);
		goto fail;
	}
	if ((uint64_t)st.st_size > max) {
		snprintf(err, errlen, "%s: %lld bytes, larger than guest RAM (%llu bytes)", path,
			 (long long)st.st_size, (unsigned long long)max);
		goto fail;
	}
	*len = st.st_size;
	*buf = malloc(*len);
	if (!*buf) {
		snprintf(err, errlen, "%s: no memory to read its %zu bytes", path, *len);
		r = IMAGE_HOST_FAILED;
		goto fail;
	}
	got = read_all(fd, *buf, *len);
	if (got < 0)
		snprintf(err, errlen, "%s: read failed: %s", path, strerror(errno));
	else if ((size_t)got < *len) /* e.g. truncated meanwhile, or a sysfs file */
		snprintf(err, errlen, "%s: changed while read: %zd bytes of the %zu it had", path,
			 got, *len);
	else
		r = 0;
	if (r < 0) {
		free(*buf);
		*buf = NULL;
	}
fail:
	close(fd);
	return r;
}
