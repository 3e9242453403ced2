#ifndef BIOS_H
#define BIOS_H

#include <linux/kvm.h>
#include <stdbool.h>

#include "vm/mem.h"
#include "vm/vm.h"

/* What a PC BIOS leaves in the in-kernel timer and interrupt controllers
 * before it starts an OS (SeaBIOS, as under QEMU): PIT channel 0 in mode 2
 * with count 65536 (IRQ 0 at 18.2 Hz) and both 8259s initialised on
 * vectors 0x08 and 0x70, the timer, keyboard, cascade and RTC lines
 * unmasked. Without the PIT (QEMU's pit=off) only the PICs. */
void bios_leave_state(struct vm *vm, bool pit);
/* What the BIOS does on S3 resume: the same state again, and the boot
 * CPU's registers at the FACS waking vector. -1 when the OS set none (a
 * BIOS then reboots). */
int bios_resume_state(struct vm *vm, bool pit, struct kvm_regs *regs, struct kvm_sregs *sregs);

#endif
