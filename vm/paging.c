/* Guest page-table walks, as the CPU does them (Intel SDM vol. 3, chapter
 * 4; AMD APM vol. 2, 5.3), from the control registers alone. Used by the
 * gdb stub (guest-virtual addresses), the fatal-exit dump (bytes at RIP)
 * and its fuzzer. Entries are read through mem_read, so a table outside
 * RAM is a fault, never a wild read. Access rights other than the write
 * bit, and the PDPTE registers PAE caches at a CR3 load, are not
 * modelled: a debugger reads what the tables say now. */
#include "vm/paging.h"
#include "lib/machine.h"

#define PTE32_ADDR 0xfffff000u
#define PDE32_4M_HIGH(e) (((e) >> 13 & 0xffULL) << 32) /* PSE-36: bits 39:32 in 20:13 */
#define PAE_PDPT_ADDR 0xffffffe0u                      /* CR3 bits 31:5 in PAE mode */
#define LIMIT_32 U64(0xffffffff)

enum paging_mode paging_mode(const struct kvm_sregs *s)
{
	if (!(s->cr0 & CR0_PG))
		return PAGING_OFF;
	if (!(s->cr4 & CR4_PAE))
		return PAGING_32;
	if (!(s->efer & EFER_LMA))
		return PAGING_PAE;
	return (s->cr4 & CR4_LA57) ? PAGING_5LEVEL : PAGING_4LEVEL;
}

const char *paging_mode_name(enum paging_mode mode)
{
	static const char *const names[] = {
		[PAGING_OFF] = "paging off",        [PAGING_32] = "32-bit paging",
		[PAGING_PAE] = "PAE paging",        [PAGING_4LEVEL] = "4-level paging",
		[PAGING_5LEVEL] = "5-level paging",
	};

	return names[mode];
}

const char *walk_fault_name(enum walk_fault fault)
{
	static const char *const names[] = {
		[WALK_OK] = "mapped",
		[WALK_NOT_PRESENT] = "not present",
		[WALK_TABLE_NO_RAM] = "page table outside RAM",
		[WALK_NOT_CANONICAL] = "not canonical",
		[WALK_TOO_HIGH] = "beyond 4 GiB",
	};

	return names[fault];
}

static int fail(struct walk *w, enum walk_fault fault)
{
	w->fault = fault;
	return -1;
}

/* Read one entry of 4 or 8 bytes and record it. */
static int read_entry(const struct guest_mem *m, struct walk *w, int level, uint64_t gpa, int size,
		      uint64_t *entry)
{
	uint32_t e32 = 0;
	uint64_t e64 = 0;

	if (mem_read(m, gpa, size == 4 ? (void *)&e32 : (void *)&e64, size) < 0)
		return fail(w, WALK_TABLE_NO_RAM);
	*entry = size == 4 ? e32 : e64;
	w->step[w->nr_steps++] = (struct walk_step){ level, gpa, *entry };
	if (!(*entry & PTE_PRESENT))
		return fail(w, WALK_NOT_PRESENT);
	if (!(*entry & PTE_WRITE) && !(w->mode == PAGING_PAE && level == 3))
		w->writable = false; /* PAE's PDPTEs have no R/W bit */
	return 0;
}

static int done(struct walk *w, uint64_t base, uint64_t size, uint64_t linear)
{
	w->page_size = size;
	w->gpa = (base & ~(size - 1)) | (linear & (size - 1));
	return 0;
}

/* 32-bit paging: a page directory and page tables of 4-byte entries. */
static int walk32(const struct guest_mem *m, const struct kvm_sregs *s, uint64_t lin,
		  struct walk *w)
{
	uint64_t pde, pte;

	if (read_entry(m, w, 2, (s->cr3 & PTE32_ADDR) + (lin >> 22) * 4, 4, &pde) < 0)
		return -1;
	if ((s->cr4 & CR4_PSE) && (pde & PTE_HUGE))
		return done(w, (pde & 0xffc00000u) | PDE32_4M_HIGH(pde), 4u << 20, lin);
	if (read_entry(m, w, 1, (pde & PTE32_ADDR) + (lin >> 12 & 0x3ff) * 4, 4, &pte) < 0)
		return -1;
	return done(w, pte & PTE32_ADDR, PAGE_SIZE, lin);
}

/* PAE, 4- and 5-level paging: 8-byte entries, 9 address bits a level
 * (PAE's top level, the PDPT, takes 2); 1 GiB and 2 MiB pages where PS is
 * set at level 3 (not in PAE) and 2. */
static int walk64(const struct guest_mem *m, const struct kvm_sregs *s, uint64_t lin,
		  struct walk *w, int top)
{
	uint64_t table = w->mode == PAGING_PAE ? (s->cr3 & PAE_PDPT_ADDR) : (s->cr3 & PTE_ADDR);

	for (int level = top; level >= 1; level--) {
		int shift = 12 + 9 * (level - 1);
		uint64_t index = (lin >> shift) & (w->mode == PAGING_PAE && level == 3 ? 3 : 0x1ff);
		uint64_t entry;

		if (read_entry(m, w, level, table + index * 8, 8, &entry) < 0)
			return -1;
		if (level == 1 ||
		    (level <= 3 && (entry & PTE_HUGE) && !(w->mode == PAGING_PAE && level == 3)))
			return done(w, entry & PTE_ADDR, 1ULL << shift, lin);
		table = entry & PTE_ADDR;
	}
	return -1; /* not reached: level 1 always ends the walk */
}

static bool canonical(uint64_t lin, int bits)
{
	int64_t v = (int64_t)(lin << (64 - bits)) >> (64 - bits);

	return (uint64_t)v == lin;
}

int paging_walk(const struct guest_mem *m, const struct kvm_sregs *s, uint64_t linear,
		struct walk *w)
{
	*w = (struct walk){ .mode = paging_mode(s), .writable = true };
	switch (w->mode) {
	case PAGING_OFF:
		if (linear > LIMIT_32)
			return fail(w, WALK_TOO_HIGH);
		return done(w, 0, LIMIT_32 + 1, linear);
	case PAGING_32:
		return linear > LIMIT_32 ? fail(w, WALK_TOO_HIGH) : walk32(m, s, linear, w);
	case PAGING_PAE:
		return linear > LIMIT_32 ? fail(w, WALK_TOO_HIGH) : walk64(m, s, linear, w, 3);
	case PAGING_4LEVEL:
		return canonical(linear, 48) ? walk64(m, s, linear, w, 4)
					     : fail(w, WALK_NOT_CANONICAL);
	case PAGING_5LEVEL:
		return canonical(linear, 57) ? walk64(m, s, linear, w, 5)
					     : fail(w, WALK_NOT_CANONICAL);
	}
	return -1;
}

int paging_translate(const struct guest_mem *m, const struct kvm_sregs *s, uint64_t linear,
		     uint64_t *gpa)
{
	struct walk w;

	if (paging_walk(m, s, linear, &w) < 0)
		return -1;
	*gpa = w.gpa;
	return 0;
}
