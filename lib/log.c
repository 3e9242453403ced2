#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

static FILE *out; /* one per process; NULL: stderr */

FILE *log_stream(void)
{
	return out ? out : stderr;
}

void log_set_stream(FILE *f)
{
	out = f;
}

/* One write per message where the stream allows: formatted first. */
static void vwarn(const char *fmt, va_list ap)
{
	char msg[1024];
	int n = vsnprintf(msg, sizeof(msg) - 1, fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n > sizeof(msg) - 2)
		n = sizeof(msg) - 2;
	msg[n++] = '\n';
	fprintf(log_stream(), "vmm: %.*s", n, msg);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(status); /* atexit handlers restore the terminal */
}

void die_errno(const char *what)
{
	die(STATUS_HOST, "%s: %s", what, strerror(errno));
}
