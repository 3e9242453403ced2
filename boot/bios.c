#include "boot/bios.h"
#include "boot/acpi.h"
#include "boot/cpu.h"
#include "lib/machine.h"

/* SeaBIOS's pic_setup masks all but the cascade (IR2); enable_hwirq then
 * unmasks the timer (IRQ 0), the keyboard (IRQ 1) and the RTC (IRQ 8). */
#define BIOS_PIC1_MASK 0xf8 /* IRQ 0, 1, 2 open */
#define BIOS_PIC2_MASK 0xfe /* IRQ 8 open */

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
