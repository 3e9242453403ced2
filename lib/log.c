#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "lib/log.h"

static FILE *out;       /* one per process; NULL: stderr */
static bool qemu_style; /* one way of reporting per process, set before anything runs */

FILE *log_stream(void)
{
	return out ? out : stderr;
}

void log_set_stream(FILE *f)
{
	out = f;
}

void log_qemu_style(void)
{
	qemu_style = true;
}

/* The length of the UTF-8 sequence at s (at most n bytes) if it is one a
 * terminal shows as text, else 0: C0 controls, DEL, C1 controls (U+0080 to
 * U+009F) and stray bytes are what can move the cursor or restyle it. */
static size_t printable_utf8(const unsigned char *s, size_t n)
{
	size_t len = s[0] < 0x80                   ? 1
		     : s[0] >= 0xc2 && s[0] < 0xe0 ? 2
		     : s[0] >= 0xe0 && s[0] < 0xf0 ? 3
		     : s[0] >= 0xf0 && s[0] < 0xf5 ? 4
						   : 0;

	if (len == 0 || len > n || s[0] < 0x20 || s[0] == 0x7f || (s[0] == 0xc2 && s[1] < 0xa0))
		return 0;
	/* Overlong forms (an ESC in three bytes), surrogates, above U+10FFFF:
	 * not UTF-8 (RFC 3629, section 4), so not text either. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* A message names files and options as the user gave them, which may hold
 * any byte: each one that is not printable text becomes \xHH, so the
 * message stays one line and leaves the terminal as it was. */
static size_t escape(const char *in, size_t n, char *dst, size_t room)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < room;) {
		size_t len = printable_utf8(s + i, n - i);

		if (len) {
			memcpy(dst + o, s + i, len);
			o += len;
			i += len;
		} else {
			o += snprintf(dst + o, room - o, "\\x%02x", s[i++]);
		}
	}
	return o;
}

/* One write per message where the stream allows: formatted first, then
 * written with fwrite (fprintf on an unbuffered stream would put 8 KiB
 * more on the stack: vCPU threads warn too, and `ulimit -s` may be small). */
static void vmessage(const char *kind, const char *fmt, va_list ap)
{
	char msg[1024], line[2048];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t len;

	if (n < 0)
		return;
	len = (size_t)snprintf(line, sizeof(line), "vmm: %s", kind);
	len += escape(msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1, line + len,
		      sizeof(line) - len - 1);
	line[len++] = '\n';
	fwrite(line, 1, len, log_stream());
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(qemu_style ? "warning: " : "", fmt, ap);
	va_end(ap);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	exit(qemu_style ? STATUS_QEMU_ERROR : status); /* atexit handlers restore the terminal */
}

/* The limits die_errno names, as log_keep_limits read them (valid set). */
static struct rlimit kept_files, kept_as;
static bool kept;

void log_keep_limits(void)
{
	kept = getrlimit(RLIMIT_NOFILE, &kept_files) == 0 && getrlimit(RLIMIT_AS, &kept_as) == 0;
}

static bool limit(int resource, struct rlimit *lim)
{
	if (kept)
		*lim = resource == RLIMIT_NOFILE ? kept_files : kept_as;
	return kept || getrlimit(resource, lim) == 0;
}

void die_errno(const char *what)
{
	int err = errno;
	struct rlimit lim;

	/* Out of fds or address space: most often a ulimit, so say which. */
	if (err == EMFILE && limit(RLIMIT_NOFILE, &lim))
		die(STATUS_HOST, "%s: %s (ulimit -n is %llu)", what, strerror(err),
		    (unsigned long long)lim.rlim_cur);
	if (err == ENOMEM && limit(RLIMIT_AS, &lim) && lim.rlim_cur != RLIM_INFINITY)
		die(STATUS_HOST, "%s: %s (ulimit -v is %llu KiB)", what, strerror(err),
		    (unsigned long long)lim.rlim_cur / 1024);
	die(STATUS_HOST, "%s: %s", what, strerror(err));
}
