#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

static bool qemu_style; /* one way of reporting per process, set before anything runs */

void log_qemu_style(void)
{
	qemu_style = true;
}

static void vmessage(const char *kind, const char *fmt, va_list ap)
{
	fputs("vmm: ", stderr);
	fputs(kind, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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
