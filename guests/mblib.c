/*
 * mblib.c - the C test kernels' library (guests/mblib.h): freestanding,
 * 32-bit, built with gcc -m32 -ffreestanding and linked by guests/mb.ld
 * after guests/mbrt.S.
 */
#include <stdarg.h>
#include <linux/serial_reg.h>

#include "guests/mblib.h"

#define MBI_FLAGS 0
#define MBI_CMDLINE_PTR 16
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR 24

static const uint8_t *mbi;
static int tests, failures;
static irq_fn *handlers[256];

struct idt_entry {
	uint16_t offset_lo, selector;
	uint8_t zero, type;
	uint16_t offset_hi;
} __attribute__((packed));

static struct idt_entry idt[256];
extern const uint32_t isr_table[256];

void putc(char c)
{
	if (c == '\n')
		putc('\r');
	while (!(inb(SERIAL_COM1 + UART_LSR) & UART_LSR_THRE))
		;
	outb(c, SERIAL_COM1 + UART_TX);
}

void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void put_number(uint32_t v, int base, int width, char pad, bool negative)
{
	char digits[12];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (negative)
		digits[n++] = '-';
	while (width-- > n)
		putc(pad);
	while (n)
		putc(digits[--n]);
}

static void vprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int width = 0;
		char pad = ' ';

		if (*fmt != '%') {
			putc(*fmt);
			continue;
		}
		if (*++fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		if (*fmt == 'd') {
			int v = va_arg(ap, int);

			put_number(v < 0 ? -(uint32_t)v : (uint32_t)v, 10, width, pad, v < 0);
		} else if (*fmt == 'u' || *fmt == 'x') {
			put_number(va_arg(ap, uint32_t), *fmt == 'x' ? 16 : 10, width, pad, false);
		} else if (*fmt == 's') {
			puts(va_arg(ap, const char *));
		} else if (*fmt == 'c') {
			putc((char)va_arg(ap, int));
		} else {
			putc(*fmt);
		}
	}
}

void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void report(bool pass, const char *fmt, ...)
{
	va_list ap;

	tests++;
	failures += !pass;
	puts(pass ? "PASS: " : "FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putc('\n');
}

int report_summary(void)
{
	printf("SUMMARY: %d tests, %d unexpected failures\n", tests, failures);
	return failures ? 1 : 0;
}

void mb_exit(int code)
{
	outl(code, DEBUG_EXIT_PORT);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static uint32_t mbi32(int off)
{
	return *(const uint32_t *)(mbi + off);
}

const char *mb_args(void)
{
	const char *s = (mbi32(MBI_FLAGS) & MBI_CMDLINE) ? (const char *)mbi32(MBI_CMDLINE_PTR) : "";

	while (*s && *s != ' ') /* the kernel's name comes first */
		s++;
	return *s ? s + 1 : s;
}

const char *mb_getenv(const char *key, char *buf, int len)
{
	const uint32_t *mod;
	const char *p, *end;
	int klen = 0;

	if (!(mbi32(MBI_FLAGS) & MBI_MODS) || mbi32(MBI_MODS_COUNT) == 0)
		return 0;
	mod = (const uint32_t *)mbi32(MBI_MODS_ADDR);
	p = (const char *)mod[0];
	end = (const char *)mod[1];
	while (key[klen])
		klen++;
	while (p < end) {
		int i = 0, n = 0;

		while (i < klen && p + i < end && p[i] == key[i])
			i++;
		if (i == klen && p + i < end && p[i] == '=') {
			for (p += i + 1; p < end && *p != '\n' && n < len - 1; p++)
				buf[n++] = *p;
			buf[n] = '\0';
			return buf;
		}
		while (p < end && *p++ != '\n')
			;
	}
	return 0;
}

void set_handler(int vector, irq_fn *fn)
{
	handlers[vector] = fn;
}

void idt_init(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) desc = { sizeof(idt) - 1, (uint32_t)idt };
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	for (int v = 0; v < 256; v++)
		idt[v] = (struct idt_entry){ isr_table[v] & 0xffff, cs, 0, 0x8e, isr_table[v] >> 16 };
	__asm__ volatile("lidt %0" : : "m"(desc));
}

/* From mbrt.S: every interrupt and exception. */
void mb_isr(uint32_t vector);
void mb_isr(uint32_t vector)
{
	if (handlers[vector]) {
		handlers[vector](vector);
		return;
	}
	report(false, "unexpected interrupt or exception, vector %u", vector);
	mb_exit(report_summary());
}

bool mb_has_arg(const char *word)
{
	for (const char *s = mb_args(); *s; s++) {
		int i = 0;

		while (word[i] && s[i] == word[i])
			i++;
		if (!word[i] && (s[i] == ' ' || !s[i]))
			return true;
	}
	return false;
}

int mb_main(uint32_t magic, const uint8_t *info);
int mb_main(uint32_t magic, const uint8_t *info)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) no_idt = { 0, 0 };

	mbi = info;
	if (magic != MB_BOOT_MAGIC) {
		puts("not started by a multiboot loader\n");
		return 1;
	}
	/* Two ways to misbehave, for runners' tests: never end (their
	 * timeout), or triple fault (an exception with no IDT). */
	if (mb_has_arg("spin"))
		for (;;)
			__asm__ volatile("pause");
	if (mb_has_arg("triple"))
		__asm__ volatile("lidt %0; ud2" : : "m"(no_idt));
	idt_init();
	return main();
}
