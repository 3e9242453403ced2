/*
 * mblib.h - what the C test kernels share (guests/mbrt.S starts them): port
 * I/O, CPUID, printing on COM1, kvm-unit-tests' report format (PASS/FAIL
 * lines and a SUMMARY, which runners parse), the multiboot command line
 * and environ module, interrupts through an IDT, and the debug exit.
 *
 * They are multiboot kernels so that QEMU runs them too: the tests compare
 * what each prints under vmm and under QEMU. Each also takes "spin" (run
 * forever) and "triple" (triple fault at once) on its command line.
 */
#ifndef MBLIB_H
#define MBLIB_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/machine.h"

/* The PIC pair's command and data ports. */
#define PIC1_DATA (PIC1_PORT + 1)
#define PIC2_DATA (PIC2_PORT + 1)
#define PIC_EOI 0x20

static inline void outb(uint8_t v, uint16_t port)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t v, uint16_t port)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint32_t v, uint16_t port)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* The CMOS RTC's registers, through its index and data ports. */
static inline uint8_t cmos_read(uint8_t reg)
{
	outb(reg, RTC_PORT);
	return inb(RTC_PORT + 1);
}

static inline void cmos_write(uint8_t reg, uint8_t v)
{
	outb(reg, RTC_PORT);
	outb(v, RTC_PORT + 1);
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static inline uint32_t mmio_read32(uint32_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uint32_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

/* Output on COM1. */
void putc(char c);
void puts(const char *s);
/* %d %u %x %s %c, with a field width and 0 padding (%08x). */
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* kvm-unit-tests' report format: "PASS: name" or "FAIL: name", then
 * "SUMMARY: N tests, F unexpected failures". report_summary returns
 * the exit code: 0 when everything passed, 1 otherwise. */
void report(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int report_summary(void);
/* End the run: the debug exit (status (code << 1) | 1), or halt. */
void mb_exit(int code) __attribute__((noreturn));

/* The multiboot command line after the kernel's name (QEMU's -append). */
const char *mb_args(void);
/* Whether the command line's arguments hold WORD as a whole word. */
bool mb_has_arg(const char *word);
/* KEY's value in the first module (the environ file a runner passes as
 * -initrd, one KEY=VALUE a line), copied into buf; NULL if absent. */
const char *mb_getenv(const char *key, char *buf, int len);

/* Interrupts: every vector goes to its handler (or is reported). */
typedef void irq_fn(int vector);
void idt_init(void);
void set_handler(int vector, irq_fn *fn);
static inline void sti(void)
{
	__asm__ volatile("sti" ::: "memory");
}
static inline void cli(void)
{
	__asm__ volatile("cli" ::: "memory");
}
/* sti; hlt: sleep until an interrupt, and take it. */
static inline void wait_irq(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

/* The test: the kernel's main(), with the multiboot magic already checked. */
int main(void);

#endif
