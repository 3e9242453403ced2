#ifndef HYPERCALL_H
#define HYPERCALL_H

#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"

/* A register-argument call: the guest puts the function in RAX and
 * arguments in RDI, RSI, RDX, writes any byte to the port, and finds the
 * result in RAX (-1 for an unknown function). With sync_regs the VMM reads
 * and writes those registers in kvm_run, with no ioctl. */
struct hypercall {
	uint64_t calls;
};

int hypercall_init(struct hypercall *h, struct bus *pio, uint16_t port);

#endif
