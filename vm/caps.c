#include <stdio.h>

#include "lib/log.h"
#include "vm/caps.h"
#include "vm/probe.h"

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
	CAP(KVM_CAP_SET_GUEST_DEBUG, "KVM_SET_GUEST_DEBUG: single step, breakpoints (--gdb)"),
};

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void row(FILE *f, const char *what, const char *value)
{
	fprintf(f, "  %-38s %s\n", what, value);
}

/* What the gdb stub relies on, measured on a scratch VM (vm/probe.c). */
static void print_probe(struct vm *vm, FILE *f)
{
	struct probe p;
	char id[64];

	probe_kvm(vm, &p);
	fprintf(f, "Measured on a scratch VM (what --gdb uses):\n");
	if (p.failed) {
		fprintf(f, "  not measured: %s failed\n", p.failed);
		return;
	}
	row(f, "single step (KVM_GUESTDBG_SINGLESTEP)", yes_no(p.single_step));
	row(f, "hardware breakpoint (DR0, USE_HW_BP)", yes_no(p.hw_breakpoint));
	row(f, "data write watchpoint (DR0)",
	    p.data_breakpoint ? "yes" : "no: gdb's watch single-steps and compares instead");
	row(f, "int3 intercepted (USE_SW_BP)",
	    p.sw_breakpoint ? "yes: gdb's break writes int3"
			    : "no: the guest gets it; gdb's break uses a debug register");
	row(f, "KVM_TRANSLATE",
	    p.translate > 0    ? "valid (vmm walks the page tables itself anyway)"
	    : p.translate == 0 ? "answers valid=0: vmm walks the page tables itself"
			       : "fails: vmm walks the page tables itself");
	row(f, "MSRs through KVM_GET/SET_ONE_REG",
	    p.msrs_one_reg ? "yes (id KVM_REG_X86 | KVM_REG_SIZE_U64 | 2 << 32 | index)"
			   : "no: KVM_GET/SET_MSRS instead");
	if (p.reg_list < 0) {
		row(f, "KVM_GET_REG_LIST", "not served");
		return;
	}
	fprintf(f, "  %-38s %d register%s%s\n", "KVM_GET_REG_LIST", p.reg_list,
		p.reg_list == 1 ? "" : "s", p.reg_list ? ":" : " (MSRs are not listed)");
	for (int i = 0; i < p.reg_list && i < ONEREG_LIST_MAX; i++) {
		onereg_describe(p.reg_ids[i], id, sizeof(id));
		fprintf(f, "    %#llx  %s\n", (unsigned long long)p.reg_ids[i], id);
	}
}

void caps_print(struct vm *vm, FILE *f)
{
	fprintf(f, "KVM API version: %d\n", KVM_CALL(vm, vm->kvm_fd, KVM_GET_API_VERSION, NULL));
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		fprintf(f, "%-28s %4d  %s\n", caps[i].name, vm_cap(vm, caps[i].id), caps[i].what);
	print_probe(vm, f);
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
