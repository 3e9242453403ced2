/* What the harnesses link instead of log.c: messages are formatted (so
 * the sanitizers see the format arguments) but not printed, since the
 * fuzzer makes millions; die() aborts, since nothing a fuzzed input does
 * may end the VMM through it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "lib/log.h"

static char last_message[512];

__attribute__((format(printf, 1, 0))) static void format(const char *fmt, va_list ap)
{
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format(fmt, ap);
	va_end(ap);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format(fmt, ap);
	va_end(ap);
	fprintf(stderr, "fuzz: die(%d): %s\n", status, last_message);
	abort();
}

void die_errno(const char *what)
{
	die(STATUS_HOST, "%s: %s", what, strerror(errno));
}

void log_keep_limits(void)
{
}

static FILE *stream; /* a fuzzer may send --trace's lines away */

FILE *log_stream(void)
{
	return stream ? stream : stderr;
}

void log_set_stream(FILE *f)
{
	stream = f;
}

uint8_t input_u8(struct input *in)
{
	return in->pos < in->size ? in->data[in->pos++] : 0;
}

uint16_t input_u16(struct input *in)
{
	return input_u8(in) | (uint16_t)input_u8(in) << 8;
}

uint32_t input_u32(struct input *in)
{
	return input_u16(in) | (uint32_t)input_u16(in) << 16;
}

uint64_t input_u64(struct input *in)
{
	return input_u32(in) | (uint64_t)input_u32(in) << 32;
}

static uint8_t *region(uint64_t size)
{
	uint8_t *p = malloc(size);

	if (!p)
		abort();
	return p;
}

void fuzz_mem_alloc(struct guest_mem *m, uint8_t choice)
{
	uint64_t size = (1 << 20) + (uint64_t)(choice >> 1) % 49 * 0x10000;

	if (choice & 1) {
		memset(m, 0, sizeof(*m));
		m->nr = 2;
		m->region[0] = (struct mem_region){ 0, 2 << 20, region(2 << 20) };
		m->region[1] = (struct mem_region){ MEM_HIGH_START, 1 << 20, region(1 << 20) };
		m->ram_size = 3 << 20;
		return;
	}
	mem_layout(m, region(size), size);
}

void fuzz_mem_free(struct guest_mem *m)
{
	for (int i = 0; i < m->nr; i++)
		free(m->region[i].host);
	memset(m, 0, sizeof(*m));
}

void fuzz_assert_message(const char *err)
{
	if (!err[0] || !memchr(err, '\0', 256))
		abort();
}
