#ifndef CPU_H
#define CPU_H

#include <linux/kvm.h>
#include <stddef.h>

#include "vm/mem.h"
#include "boot/plan.h"

/* Low memory the VMM writes for protected and long mode guests. */
#define BOOT_GDT_ADDR 0x1000
#define BOOT_TSS_ADDR 0x1080
#define BOOT_PML4_ADDR 0x2000
#define BOOT_PDPT_ADDR 0x3000
#define BOOT_PD_ADDR 0x4000     /* four page directories: 4 GiB in 2 MiB pages */
#define BOOT_AREA_START 0x1000
#define BOOT_AREA_END 0x8000
/* Selectors: the Linux boot protocol's __BOOT_CS and __BOOT_DS. */
#define BOOT_CS 0x10
#define BOOT_DS 0x18
#define BOOT_TR 0x20

/* Fill regs and sregs for the plan's mode; for protected and long mode also
 * write the GDT, TSS and (long mode) identity page tables into guest RAM.
 * Returns -1 with err filled when guest RAM cannot hold them. */
int cpu_setup(const struct boot_plan *plan, const struct guest_mem *m, struct kvm_regs *regs,
	      struct kvm_sregs *sregs, char *err, size_t errlen);

#endif
