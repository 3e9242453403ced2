#ifndef PLAN_H
#define PLAN_H

#include <stdint.h>
#include <stdio.h>

#define BOOT_ERR_LEN 256
/* A loader's answer to bad input: the message into its err (errlen bytes,
 * BOOT_ERR_LEN from its caller), and -1. */
#define BOOT_FAIL(...) return snprintf(err, errlen, __VA_ARGS__), -1

enum cpu_mode {
	CPU_MODE_AUTO,
	CPU_MODE_REAL,
	CPU_MODE_PROTECTED,
	CPU_MODE_LONG,
};

/* What a loader decides and boot/cpu.c turns into vCPU state: loaders fill
 * this and guest memory, and never touch a vCPU. */
struct boot_plan {
	enum cpu_mode mode;
	uint64_t entry; /* linear address of the first instruction */
	uint64_t stack; /* initial RSP (real mode: SP, segment from entry) */
	uint64_t rsi;   /* Linux boot protocol: the zero page */
	uint64_t rax, rbx;
};

#endif
