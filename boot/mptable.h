#ifndef MPTABLE_H
#define MPTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/machine.h"
#include "vm/mem.h"

/* Write an Intel MultiProcessor Specification 1.4 table for ncpus CPUs
 * (APIC ids 0..ncpus-1), the IOAPIC and ISA IRQs 0-15 wired to its pins.
 * Returns -1 when it does not fit in guest RAM. */
int mptable_write(const struct guest_mem *m, uint64_t addr, int ncpus, uint32_t cpu_signature,
		  uint32_t cpu_features);

#endif
