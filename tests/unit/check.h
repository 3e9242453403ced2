/* The unit tests' one check. CHECK(cond) or CHECK(cond, "format", ...)
 * counts a pass, or prints "FAIL file:line: " and the message (the
 * condition itself when there is none) and counts a failure;
 * check_done() prints "N passed, N failed" and is what main returns
 * (1 if any check failed). */
#ifndef CHECK_H
#define CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int passed, failed;

/* CHECK(cond) passes "" as the format: printed as the condition instead. */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

__attribute__((format(printf, 5, 6))) static void check_at(int ok, const char *file, int line,
							   const char *cond, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	if (*fmt)
		vprintf(fmt, ap);
	else
		fputs(cond, stdout);
	va_end(ap);
	putchar('\n');
}

#define CHECK(cond, ...) check_at(!!(cond), __FILE__, __LINE__, #cond, "" __VA_ARGS__)

static inline int check_done(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif
