/* The guest page-table walker (vm/paging.c) that the gdb stub runs on every
 * memory access: hostile tables (any entry, loops, pointers past RAM) under
 * any CR0/CR3/CR4/EFER, at any linear address. Input: 1 byte of options,
 * the RAM choice, CR3 (u64), 4 linear addresses (u64 each), then the first
 * bytes of guest RAM, where the tables live. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "lib/machine.h"
#include "vm/paging.h"

#define OPT_PG 0x01   /* CR0.PG */
#define OPT_PAE 0x02  /* CR4.PAE */
#define OPT_LMA 0x04  /* EFER.LMA (with LME) */
#define OPT_LA57 0x08 /* CR4.LA57 */
#define OPT_PSE 0x10  /* CR4.PSE */
#define OPT_NEAR 0x20 /* CR3 and every table entry point into the first 64 KiB */
#define HEADER_LEN (2 + 8 + 4 * 8)
#define TABLES_MAX 0x10000

static const int levels[] = {
	[PAGING_OFF] = 0,    [PAGING_32] = 2,     [PAGING_PAE] = 3,
	[PAGING_4LEVEL] = 4, [PAGING_5LEVEL] = 5,
};

static void check(const struct guest_mem *m, const struct kvm_sregs *s, uint64_t lin)
{
	struct walk w;
	uint64_t gpa = 0;
	int r = paging_walk(m, s, lin, &w);

	if ((r == 0) != (w.fault == WALK_OK) || w.mode != paging_mode(s))
		abort();
	if (w.nr_steps < 0 || w.nr_steps > levels[w.mode])
		abort(); /* a walk never goes deeper than its mode's levels */
	for (int i = 0; i < w.nr_steps; i++)
		if (!mem_ptr(m, w.step[i].entry_gpa, w.mode == PAGING_32 ? 4 : 8))
			abort(); /* every entry read lies in RAM */
	if ((paging_translate(m, s, lin, &gpa) == 0) != (r == 0))
		abort();
	if (r < 0)
		return;
	if (gpa != w.gpa || !w.page_size || (w.page_size & (w.page_size - 1)) ||
	    ((w.gpa ^ lin) & (w.page_size - 1)))
		abort(); /* the offset in the page survives the translation */
	if (w.mode != PAGING_OFF && w.nr_steps == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	uint8_t opt = input_u8(&in), mem_choice = input_u8(&in);
	struct kvm_sregs s = { .cr0 = CR0_PE, .cr3 = input_u64(&in) };
	uint64_t lin[4];
	struct guest_mem m;
	size_t n = size > HEADER_LEN ? size - HEADER_LEN : 0;
	uint8_t *low;

	for (int i = 0; i < 4; i++)
		lin[i] = input_u64(&in);
	s.cr0 |= opt & OPT_PG ? CR0_PG : 0;
	s.cr4 = (opt & OPT_PAE ? CR4_PAE : 0) | (opt & OPT_LA57 ? CR4_LA57 : 0) |
		(opt & OPT_PSE ? CR4_PSE : 0);
	s.efer = opt & OPT_LMA ? EFER_LME | EFER_LMA : 0;
	fuzz_mem_alloc(&m, mem_choice);
	low = mem_ptr(&m, 0, TABLES_MAX);
	if (!low)
		abort(); /* fuzz_mem_alloc gives at least 1 MiB */
	if (n)
		memcpy(low, data + HEADER_LEN, n < TABLES_MAX ? n : TABLES_MAX);
	if (opt & OPT_NEAR) {
		s.cr3 &= TABLES_MAX - 1;
		for (size_t i = 0; i + 8 <= TABLES_MAX; i += 8) {
			uint64_t e;

			memcpy(&e, low + i, 8);
			e &= (TABLES_MAX - 1) | U64(0x8000000000000fff); /* flags, NX */
			memcpy(low + i, &e, 8);
		}
	}
	for (int i = 0; i < 4; i++)
		check(&m, &s, lin[i]);
	fuzz_mem_free(&m);
	return 0;
}
