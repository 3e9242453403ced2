/* The page-table walker (vm/paging.c) against hand-built tables in every
 * mode: paging off, 32-bit (4 KiB and 4 MiB pages, PSE-36), PAE (2 MiB and
 * 4 KiB pages), 4-level (1 GiB, 2 MiB, 4 KiB, the higher half) and 5-level,
 * and each fault: not present, a table outside RAM, a non-canonical or too
 * high address. Prints one line per failed check and "N passed, N failed";
 * exits 1 if any failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/machine.h"
#include "tests/unit/check.h"
#include "vm/paging.h"

#define RAM (8u << 20)
#define P PTE_PRESENT
#define W PTE_WRITE
#define PS PTE_HUGE

static struct guest_mem mem;
static uint8_t *ram;

static void put32(uint64_t gpa, uint32_t v)
{
	memcpy(ram + gpa, &v, 4);
}

static void put64(uint64_t gpa, uint64_t v)
{
	memcpy(ram + gpa, &v, 8);
}

static void check(int ok, const char *what, uint64_t lin, const struct walk *w)
{
	CHECK(ok, "%s: linear %#llx -> %s, gpa %#llx, page %#llx, %d steps, %s", what,
	      (unsigned long long)lin, walk_fault_name(w->fault), (unsigned long long)w->gpa,
	      (unsigned long long)w->page_size, w->nr_steps, w->writable ? "rw" : "ro");
}

/* lin maps to gpa through a page of page_size, in steps entries. */
static void maps(const char *what, const struct kvm_sregs *s, uint64_t lin, uint64_t gpa,
		 uint64_t page_size, int steps)
{
	struct walk w;
	int r = paging_walk(&mem, s, lin, &w);

	check(r == 0 && w.fault == WALK_OK && w.gpa == gpa && w.page_size == page_size &&
		      w.nr_steps == steps,
	      what, lin, &w);
}

static void faults(const char *what, const struct kvm_sregs *s, uint64_t lin, enum walk_fault fault)
{
	struct walk w;
	uint64_t gpa = 0x1234;
	int r = paging_walk(&mem, s, lin, &w);

	check(r < 0 && w.fault == fault && paging_translate(&mem, s, lin, &gpa) < 0 &&
		      gpa == 0x1234,
	      what, lin, &w);
}

static void writable(const char *what, const struct kvm_sregs *s, uint64_t lin, int rw)
{
	struct walk w;

	check(paging_walk(&mem, s, lin, &w) == 0 && w.writable == rw, what, lin, &w);
}

static void test_off(void)
{
	struct kvm_sregs s = { .cr0 = CR0_PE };

	check(paging_mode(&s) == PAGING_OFF, "mode: paging off", 0, &(struct walk){ 0 });
	maps("real/protected mode: linear is physical", &s, 0x7c00, 0x7c00, 1ULL << 32, 0);
	maps("paging off: past RAM still translates (the access fails later)", &s, 0xfee00000,
	     0xfee00000, 1ULL << 32, 0);
	faults("paging off: past 4 GiB", &s, 1ULL << 32, WALK_TOO_HIGH);
}

static void test_32(void)
{
	struct kvm_sregs s = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x10000 };

	put32(0x10000, 0x11000 | P | W);                    /* PDE 0: a page table */
	put32(0x11000 + 7 * 4, 0x200000 | P | W);           /* PTE 7 */
	put32(0x11000 + 8 * 4, 0x201000 | P);               /* PTE 8: read-only */
	put32(0x10000 + 1 * 4, 0x800000 | PS | P | W);      /* PDE 1: 4 MiB with PSE */
	put32(0x10000 + 3 * 4, 0x400000 | 0x2000 | PS | P); /* PDE 3: PSE-36, bit 32 */
	check(paging_mode(&s) == PAGING_32, "mode: 32-bit", 0, &(struct walk){ 0 });
	maps("32-bit: 4 KiB page", &s, 0x7123, 0x200123, PAGE_SIZE, 2);
	writable("32-bit: writable page", &s, 0x7123, 1);
	writable("32-bit: read-only page", &s, 0x8000, 0);
	faults("32-bit: PDE not present", &s, 0x800000, WALK_NOT_PRESENT);
	faults("32-bit: PTE not present", &s, 0x9000, WALK_NOT_PRESENT);
	faults("32-bit: past 4 GiB", &s, 1ULL << 32, WALK_TOO_HIGH);
	/* Without CR4.PSE, PS is ignored: PDE 1 points to a "page table" at 8 MiB,
	 * past RAM. */
	faults("32-bit: PS ignored without CR4.PSE", &s, 0x400000, WALK_TABLE_NO_RAM);
	s.cr4 = CR4_PSE;
	maps("32-bit: 4 MiB page (CR4.PSE)", &s, 0x401234, 0x801234, 4u << 20, 1);
	maps("32-bit: 4 MiB page above 4 GiB (PSE-36)", &s, 0xc01234, 0x100401234ULL, 4u << 20, 1);
	s.cr3 = RAM; /* the directory itself outside RAM */
	faults("32-bit: CR3 outside RAM", &s, 0x1000, WALK_TABLE_NO_RAM);
}

static void test_pae(void)
{
	struct kvm_sregs s = { .cr0 = CR0_PE | CR0_PG, .cr4 = CR4_PAE, .cr3 = 0x20020 };

	put64(0x20020, 0x21000 | P);              /* PDPTE 0 (CR3 bits 31:5) */
	put64(0x21000, 0x400000 | PS | P | W);    /* PDE 0: 2 MiB */
	put64(0x21000 + 8, 0x22000 | P | W);      /* PDE 1: a page table */
	put64(0x22000 + 3 * 8, 0x300000 | P | W); /* PTE 3 */
	put64(0x20020 + 8, 0x23000 | P | PS);     /* PDPTE 1: PS is reserved there */
	put64(0x23000, 0x24000 | P);              /* PDE 0 of the 1 GiB at 1 GiB */
	check(paging_mode(&s) == PAGING_PAE, "mode: PAE", 0, &(struct walk){ 0 });
	maps("PAE: 2 MiB page", &s, 0x1234, 0x401234, 2u << 20, 2);
	maps("PAE: 4 KiB page", &s, 0x203456, 0x300456, PAGE_SIZE, 3);
	writable("PAE: the PDPTE's missing R/W bit does not count", &s, 0x1234, 1);
	faults("PAE: PDPTE not present", &s, 0xc0000000, WALK_NOT_PRESENT);
	faults("PAE: PTE not present (table of zeros)", &s, 0x40000000, WALK_NOT_PRESENT);
	faults("PAE: past 4 GiB", &s, 1ULL << 32, WALK_TOO_HIGH);
}

static void test_long(void)
{
	struct kvm_sregs s = { .cr0 = CR0_PE | CR0_PG,
			       .cr4 = CR4_PAE,
			       .efer = EFER_LME | EFER_LMA,
			       .cr3 = 0x30000 | 0x18 };

	put64(0x30000, 0x31000 | P | W);             /* PML4 0 */
	put64(0x31000 + 8, 0x40000000 | PS | P | W); /* PDPTE 1: 1 GiB */
	put64(0x31000, 0x32000 | P | W);             /* PDPTE 0 */
	put64(0x32000, 0x33000 | P);                 /* PDE 0, read-only */
	put64(0x33000 + 8, 0x5000 | P | W);          /* PTE 1 */
	put64(0x30000 + 511 * 8, 0x34000 | P | W);   /* PML4 511: the higher half */
	put64(0x34000 + 510 * 8, 0x35000 | P | W);
	put64(0x35000, 0x600000 | PS | P | W | 0x1000);    /* 2 MiB; bit 12 is PAT */
	put64(0x30000 + 2 * 8, 0x7ffff0000000ULL | P | W); /* a table far past RAM */
	put64(0x30000 + 3 * 8, 0x30000 | P | W);           /* recursive: points to itself */
	check(paging_mode(&s) == PAGING_4LEVEL, "mode: 4-level", 0, &(struct walk){ 0 });
	maps("4-level: 4 KiB page", &s, 0x1abc, 0x5abc, PAGE_SIZE, 4);
	writable("4-level: a read-only PDE makes the page read-only", &s, 0x1abc, 0);
	maps("4-level: 1 GiB page", &s, 0x40001234, 0x40001234, 1u << 30, 2);
	maps("4-level: higher half, 2 MiB page (PAT bit masked)", &s, 0xffffffff80000123ULL,
	     0x600123, 2u << 20, 3);
	faults("4-level: non-canonical", &s, 0x0000800000000000ULL, WALK_NOT_CANONICAL);
	faults("4-level: table outside RAM", &s, 2ULL << 39, WALK_TABLE_NO_RAM);
	/* Recursive entry: the walk still stops after four levels. */
	{
		struct walk w;
		int r = paging_walk(&mem, &s, 3ULL << 39 | 3ULL << 30 | 3ULL << 21, &w);

		check(w.nr_steps <= 4 && (r == 0 || w.fault != WALK_OK), "4-level: recursive table",
		      3ULL << 39, &w);
	}
	s.cr4 |= CR4_LA57;
	s.cr3 = 0x38000;
	put64(0x38000, 0x30000 | P | W); /* PML5 0 -> the PML4 above */
	check(paging_mode(&s) == PAGING_5LEVEL, "mode: 5-level", 0, &(struct walk){ 0 });
	maps("5-level: 4 KiB page", &s, 0x1abc, 0x5abc, PAGE_SIZE, 5);
	faults("5-level: 2^47 is canonical there (so: not present)", &s, 0x0000800000000000ULL,
	       WALK_NOT_PRESENT);
	faults("5-level: non-canonical", &s, 0x0100000000000000ULL, WALK_NOT_CANONICAL);
	s.cr3 = RAM; /* the first page past RAM */
	faults("5-level: CR3 just past RAM", &s, 0, WALK_TABLE_NO_RAM);
	s.cr3 = RAM - PAGE_SIZE; /* the last page of RAM: its entries are read */
	put64(RAM - 8, 0x30000 | P | W);
	maps("5-level: a PML5 in the last page of RAM", &s, 0xffff000000001abcULL, 0x5abc,
	     PAGE_SIZE, 5);
}

int main(void)
{
	ram = calloc(1, RAM);
	if (!ram)
		return 2;
	mem_layout(&mem, ram, RAM);
	test_off();
	test_32();
	test_pae();
	test_long();
	free(ram);
	return check_done();
}
