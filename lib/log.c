#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* One write per message where the stream allows: formatted first. */
static void vmessage(const char *kind, const char *fmt, va_list ap)
{
	char msg[1024];
	int n = vsnprintf(msg, sizeof(msg) - 1, fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n > sizeof(msg) - 2)
		n = sizeof(msg) - 2;
	msg[n++] = '\n';
	fprintf(log_stream(), "vmm: %s%.*s", kind, n, msg);
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

void die_errno(const char *what)
{
	die(STATUS_HOST, "%s: %s", what, strerror(errno));
}
