#ifndef CPU_H
#define CPU_H

#include <linux/kvm.h>
#include <stddef.h>

#include "boot/plan.h"
#include "lib/machine.h"
#include "vm/mem.h"

/* Low memory the VMM writes for protected and long mode guests. */
/* Selectors: the Linux boot protocol's __BOOT_CS and __BOOT_DS. */

/* Fill regs and sregs for the plan's mode; for protected and long mode also
 * write the GDT, TSS and (long mode) identity page tables into guest RAM.
 * Returns -1 with err filled when guest RAM cannot hold them. */
int cpu_setup(const struct boot_plan *plan, const struct guest_mem *m, struct kvm_regs *regs,
	      struct kvm_sregs *sregs, char *err, size_t errlen);

/* Real mode at an ACPI waking vector, as firmware resumes a PC from S3
 * (ACPI 6.x, 5.2.10): CS = vector >> 4, IP = vector & 0xf, the other
 * segments 0, SS:SP = 0:0x7c00, paging and protection off. */
void cpu_resume_state(uint32_t vector, struct kvm_regs *regs, struct kvm_sregs *sregs);

#endif
