#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "vm/mem.h"

/* libFuzzer's entry point: every harness defines it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fuzzer's input as a stream: option bits first, then the payload.
 * Reads past the end give zeros, so every input is a valid one. */
struct input {
	const uint8_t *data;
	size_t size, pos;
};

uint8_t input_u8(struct input *in);
uint16_t input_u16(struct input *in);
uint32_t input_u32(struct input *in);
uint64_t input_u64(struct input *in);
/* Guest RAM of a size picked by one input byte: 1 MiB plus up to 3 MiB in
 * 64 KiB steps, or (odd bytes) 2 MiB low plus 1 MiB above 4 GiB, the
 * layout of a guest with more than 3 GiB. Each region is its own malloc,
 * so AddressSanitizer sees any byte written past it. Free with
 * fuzz_mem_free(). */
void fuzz_mem_alloc(struct guest_mem *m, uint8_t choice);
void fuzz_mem_free(struct guest_mem *m);
/* A refusal must say why: abort on an empty or unterminated message. */
void fuzz_assert_message(const char *err);

#endif
