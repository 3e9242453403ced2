#include <stdio.h>

#include "lib/log.h"
#include "vm/caps.h"

#define NEEDS_SYNC_REGS (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)

struct cap {
	long id;
	const char *name;
	const char *what; /* why vmm cares, or what the value means */
};

#define CAP(id, what)         \
	{                     \
		id, #id, what \
	}

static const struct cap caps[] = {
	CAP(KVM_CAP_SYNC_REGS, "registers shared in kvm_run (bits: 1 REGS, 2 SREGS, 4 EVENTS)"),
	CAP(KVM_CAP_COALESCED_MMIO, "MMIO write ring (value: its page offset in the vCPU mmap)"),
	CAP(KVM_CAP_COALESCED_PIO, "port writes in the same ring (zone.pio = 1)"),
	CAP(KVM_CAP_ONE_REG, "KVM_GET/SET_ONE_REG, one register per ioctl"),
	CAP(KVM_CAP_IRQCHIP, "in-kernel PIC, IOAPIC and LAPIC"),
	CAP(KVM_CAP_PIT2, "in-kernel 8254 timer"),
	CAP(KVM_CAP_TSC_DEADLINE_TIMER, "LAPIC timer in TSC-deadline mode (offered in CPUID)"),
	CAP(KVM_CAP_IRQFD, "interrupts from an eventfd"),
	CAP(KVM_CAP_IOEVENTFD, "port/MMIO writes to an eventfd"),
	CAP(KVM_CAP_IMMEDIATE_EXIT, "kvm_run.immediate_exit, race-free signals"),
	CAP(KVM_CAP_USER_MEMORY, "guest RAM from userspace memory"),
	CAP(KVM_CAP_SET_TSS_ADDR, "real mode on Intel without unrestricted guest"),
	CAP(KVM_CAP_EXT_CPUID, "KVM_GET_SUPPORTED_CPUID"),
	CAP(KVM_CAP_SPLIT_IRQCHIP, "LAPIC in kernel, PIC/IOAPIC in userspace"),
	CAP(KVM_CAP_X86_USER_SPACE_MSR, "MSR accesses to userspace"),
	CAP(KVM_CAP_NR_VCPUS, "recommended vCPUs"),
	CAP(KVM_CAP_MAX_VCPUS, "maximum vCPUs"),
	CAP(KVM_CAP_NR_MEMSLOTS, "memory slots"),
};

void caps_print(struct vm *vm, FILE *f)
{
	fprintf(f, "KVM API version: %d\n", KVM_CALL(vm, vm->kvm_fd, KVM_GET_API_VERSION, NULL));
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		fprintf(f, "%-28s %4d  %s\n", caps[i].name, vm_cap(vm, caps[i].id), caps[i].what);
}

static void require(struct vm *vm, long id, const char *name, const char *hint, bool *ok)
{
	if (vm_cap(vm, id) > 0)
		return;
	warn("this KVM lacks %s%s", name, hint);
	*ok = false;
}

void caps_require(struct vm *vm, bool sync_regs, bool coalesce)
{
	bool ok = true;

	require(vm, KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", "", &ok);
	require(vm, KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP", "", &ok);
	require(vm, KVM_CAP_PIT2, "KVM_CAP_PIT2", "", &ok);
	require(vm, KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", "", &ok);
	require(vm, KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR", "", &ok);
	require(vm, KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID", "", &ok);
	if (sync_regs && (vm_cap(vm, KVM_CAP_SYNC_REGS) & NEEDS_SYNC_REGS) != NEEDS_SYNC_REGS) {
		warn("this KVM lacks KVM_CAP_SYNC_REGS with REGS and SREGS; try --no-sync-regs");
		ok = false;
	}
	if (coalesce) {
		require(vm, KVM_CAP_COALESCED_MMIO, "KVM_CAP_COALESCED_MMIO", "; try --no-coalesce",
			&ok);
		require(vm, KVM_CAP_COALESCED_PIO, "KVM_CAP_COALESCED_PIO", "; try --no-coalesce",
			&ok);
	}
	if (!ok)
		die(STATUS_HOST, "missing KVM capabilities");
}
