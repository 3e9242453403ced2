#include "boot/bios.h"
#include "boot/acpi.h"
#include "boot/cpu.h"
#include "lib/machine.h"

/* SeaBIOS's pic_setup masks all but the cascade (IR2); enable_hwirq then
 * opens the lines of the devices it drives on QEMU's pc: timer (IRQ 0),
 * keyboard (1), floppy (6), RTC (8), mouse (12), FPU (13), IDE (14).
 * vmm leaves the same masks, as measured under QEMU 7.2 (guests/biosstate). */
#define BIOS_PIC1_MASK 0xb8
#define BIOS_PIC2_MASK 0x8e

void bios_leave_state(struct vm *vm, bool pit)
{
	if (pit)
		vm_pit_program(vm, PIT_BIOS_MODE, PIT_BIOS_COUNT);
	vm_pic_program(vm, PIC1_BIOS_VECTOR, PIC2_BIOS_VECTOR, BIOS_PIC1_MASK, BIOS_PIC2_MASK);
}

int bios_resume_state(struct vm *vm, bool pit, struct kvm_regs *regs, struct kvm_sregs *sregs)
{
	uint32_t vector = acpi_waking_vector(&vm->mem, ACPI_TABLES_ADDR);

	if (!vector)
		return -1;
	bios_leave_state(vm, pit);
	cpu_resume_state(vector, regs, sregs);
	return 0;
}
