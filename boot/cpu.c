#include <stdio.h>
#include <string.h>

#include "boot/cpu.h"

/* Descriptor flags as in Linux's GDT_ENTRY(): access byte in bits 0-7,
 * AVL, L, D/B and G in bits 12-15. */
#define GDT_CODE32 0xc09b /* present, ring 0, execute/read, accessed; 32-bit, 4K gran */
#define GDT_CODE64 0xa09b /* the same with L=1, D=0 */
#define GDT_DATA 0xc093   /* present, ring 0, read/write, accessed */
#define GDT_TSS 0x0089    /* present 32/64-bit TSS, available */
#define TSS_BUSY 0xb      /* the type TR must hold once loaded */
#define TSS_LIMIT 0x67    /* 104-byte TSS */

static uint64_t gdt_entry(uint16_t flags, uint32_t base, uint32_t limit)
{
	return ((uint64_t)(base & 0xff000000) << 32) | ((uint64_t)(flags & 0xf0ff) << 40) |
	       ((uint64_t)(limit & 0xf0000) << 32) | ((uint64_t)(base & 0x00ffffff) << 16) |
	       (limit & 0xffff);
}

/* The same descriptor as KVM wants it in kvm_sregs (the hidden part). */
static struct kvm_segment segment(uint16_t sel, uint16_t flags, uint32_t base, uint32_t limit)
{
	return (struct kvm_segment){
		.selector = sel,
		.base = base,
		.limit = (flags & 0x8000) ? (limit << 12) | 0xfff : limit,
		.type = flags & 0xf,
		.s = (flags >> 4) & 1,
		.dpl = (flags >> 5) & 3,
		.present = (flags >> 7) & 1,
		.avl = (flags >> 12) & 1,
		.l = (flags >> 13) & 1,
		.db = (flags >> 14) & 1,
		.g = (flags >> 15) & 1,
	};
}

static int write_gdt(const struct guest_mem *m, uint16_t code_flags)
{
	uint64_t gdt[BOOT_GDT_ENTRIES] = {
		[BOOT_CS / 8] = gdt_entry(code_flags, 0, 0xfffff),
		[BOOT_DS / 8] = gdt_entry(GDT_DATA, 0, 0xfffff),
		[BOOT_TR / 8] = gdt_entry(GDT_TSS, BOOT_TSS_ADDR, TSS_LIMIT),
	};
	uint8_t tss[TSS_LIMIT + 1] = { 0 };

	if (mem_write(m, BOOT_GDT_ADDR, gdt, sizeof(gdt)) < 0)
		return -1;
	return mem_write(m, BOOT_TSS_ADDR, tss, sizeof(tss));
}

/* Identity map of the first 4 GiB with 2 MiB pages: RAM below the hole and
 * the MMIO devices in it. */
static int write_page_tables(const struct guest_mem *m)
{
	uint64_t *pml4 = mem_ptr(m, BOOT_PML4_ADDR, 4096);
	uint64_t *pdpt = mem_ptr(m, BOOT_PDPT_ADDR, 4096);
	uint64_t *pd = mem_ptr(m, BOOT_PD_ADDR, 4 * 4096);

	if (!pml4 || !pdpt || !pd)
		return -1;
	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = BOOT_PDPT_ADDR | PTE_PRESENT | PTE_WRITE;
	for (uint64_t i = 0; i < 4; i++)
		pdpt[i] = (BOOT_PD_ADDR + i * 4096) | PTE_PRESENT | PTE_WRITE;
	for (uint64_t i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | PTE_PRESENT | PTE_WRITE | PTE_HUGE;
	return 0;
}

/* Real mode at cs:ip, the data segments at ds, as after a far jump. */
static void real_mode(uint16_t cs, uint16_t ds, uint64_t ip, uint64_t sp, struct kvm_regs *regs,
		      struct kvm_sregs *s)
{
	s->cs = segment(cs, 0x009b, (uint32_t)cs << 4, 0xffff);
	s->ds = s->es = s->fs = s->gs = s->ss = segment(ds, 0x0093, (uint32_t)ds << 4, 0xffff);
	s->tr = segment(0, 0x008b, 0, 0xffff); /* busy 16-bit TSS, as at reset */
	s->idt.limit = 0x3ff;                  /* the real-mode IVT at 0 */
	s->cr0 = CR0_ET;
	regs->rip = ip;
	regs->rsp = sp;
}

static void flat_mode(const struct boot_plan *p, uint16_t code, struct kvm_regs *regs,
		      struct kvm_sregs *s)
{
	struct kvm_segment data = segment(BOOT_DS, GDT_DATA, 0, 0xfffff);

	s->cs = segment(BOOT_CS, code, 0, 0xfffff);
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->tr = segment(BOOT_TR, GDT_TSS, BOOT_TSS_ADDR, TSS_LIMIT);
	s->tr.type = TSS_BUSY;
	s->gdt.base = BOOT_GDT_ADDR;
	s->gdt.limit = BOOT_GDT_ENTRIES * 8 - 1;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE;
	regs->rip = p->entry;
	regs->rsp = p->stack;
}

/* What every start state shares: no flags, the boot CPU's LAPIC on. */
static void common(struct kvm_regs *regs, struct kvm_sregs *s)
{
	memset(regs, 0, sizeof(*regs));
	memset(s, 0, sizeof(*s));
	regs->rflags = RFLAGS_RESERVED;
	s->apic_base = LAPIC_ADDR | APIC_BASE_ENABLE | APIC_BASE_BSP;
	s->ldt = segment(0, 0x0082, 0, 0xffff); /* an LDT descriptor nobody uses */
	s->ldt.unusable = 1;
}

void cpu_resume_state(uint32_t vector, struct kvm_regs *regs, struct kvm_sregs *s)
{
	common(regs, s);
	real_mode(vector >> 4, 0, vector & 0xf, FLAT_LOAD_REAL, regs, s);
}

int cpu_setup(const struct boot_plan *p, const struct guest_mem *m, struct kvm_regs *regs,
	      struct kvm_sregs *s, char *err, size_t errlen)
{
	bool is_long = p->mode == CPU_MODE_LONG;

	common(regs, s);
	regs->rax = p->rax;
	regs->rbx = p->rbx;
	regs->rsi = p->rsi;
	if (p->mode == CPU_MODE_REAL) {
		/* Segments from the entry's 64 KiB block. */
		uint16_t seg = (p->entry >> 4) & 0xf000;
		uint64_t base = (uint64_t)seg << 4;

		real_mode(seg, seg, p->entry - base, (p->stack - base) & 0xffff, regs, s);
		return 0;
	}
	if (write_gdt(m, is_long ? GDT_CODE64 : GDT_CODE32) < 0 ||
	    (is_long && write_page_tables(m) < 0))
		BOOT_FAIL("guest RAM too small for the GDT and page tables at %#x-%#x",
			  BOOT_AREA_START, BOOT_AREA_END - 1);
	flat_mode(p, is_long ? GDT_CODE64 : GDT_CODE32, regs, s);
	if (is_long) {
		s->cr3 = BOOT_PML4_ADDR;
		s->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
		s->cr0 |= CR0_WP | CR0_PG;
		s->efer = EFER_LME | EFER_LMA;
	}
	return 0;
}
