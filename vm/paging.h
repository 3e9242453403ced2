#ifndef PAGING_H
#define PAGING_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>

#include "vm/mem.h"

/* The x86 paging modes (Intel SDM vol. 3, 4.1.1), chosen by CR0.PG,
 * CR4.PAE, EFER.LMA and CR4.LA57. */
enum paging_mode {
	PAGING_OFF,    /* linear = physical, 32 bits (real and protected mode) */
	PAGING_32,     /* 2 levels of 4-byte entries; 4 MiB pages with CR4.PSE */
	PAGING_PAE,    /* 4 PDPTEs, then 2 levels of 8-byte entries */
	PAGING_4LEVEL, /* long mode: PML4, PDPT, PD, PT */
	PAGING_5LEVEL, /* long mode with CR4.LA57: a PML5 on top */
};

#define PAGING_MAX_LEVELS 5

enum walk_fault {
	WALK_OK,
	WALK_NOT_PRESENT,   /* an entry without its present bit */
	WALK_TABLE_NO_RAM,  /* a table (or CR3) points outside guest RAM */
	WALK_NOT_CANONICAL, /* long mode: bits 63:47 (56 with LA57) not a sign extension */
	WALK_TOO_HIGH,      /* paging off or 32-bit: an address past 4 GiB */
};

/* One entry the walk read. */
struct walk_step {
	int level;          /* 5 (PML5) ... 1 (PT); PAE's PDPT is level 3 */
	uint64_t entry_gpa; /* where the entry is */
	uint64_t entry;     /* its value */
};

/* A translation and how it was found, for the gdb stub's memory access and
 * its `monitor walk`. */
struct walk {
	enum paging_mode mode;
	enum walk_fault fault;
	int nr_steps;
	struct walk_step step[PAGING_MAX_LEVELS];
	uint64_t gpa;       /* the result, when fault is WALK_OK */
	uint64_t page_size; /* of the page it lies in (paging off: 4 GiB) */
	bool writable;      /* every level allows writes */
};

enum paging_mode paging_mode(const struct kvm_sregs *s);
const char *paging_mode_name(enum paging_mode mode);
const char *walk_fault_name(enum walk_fault fault);
/* Walk the page tables the registers point to, reading entries from guest
 * RAM only (never beyond it), as the CPU would for a linear address. Pure:
 * no vCPU, no KVM (KVM_TRANSLATE is not served by every host). Returns 0,
 * or -1 with w->fault saying why. */
int paging_walk(const struct guest_mem *m, const struct kvm_sregs *s, uint64_t linear,
		struct walk *w);
/* The same, for those who want only the answer. */
int paging_translate(const struct guest_mem *m, const struct kvm_sregs *s, uint64_t linear,
		     uint64_t *gpa);

#endif
