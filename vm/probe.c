/* Measure, on a throwaway VM, what KVM_SET_GUEST_DEBUG, KVM_TRANSLATE and
 * KVM_GET_ONE_REG really do on this host. The guest is a few real-mode
 * instructions at PROBE_CODE; every path ends in HLT, which exits to
 * userspace without an in-kernel LAPIC, so no probe can hang. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/machine.h"
#include "vm/probe.h"

#define PROBE_RAM 0x10000
#define PROBE_CODE 0x1000
#define PROBE_BP_HANDLER 0x1100 /* IVT vector 3 points here: hlt */
#define PROBE_STACK 0x8000
#define OP_NOP 0x90
#define OP_HLT 0xf4

struct scratch {
	struct vm *vm; /* the real one: its /dev/kvm fd and ioctl counters */
	int fd, vcpu;
	uint8_t *ram;
	struct kvm_run *run;
	size_t run_size;
};

static int scratch_open(struct scratch *s, struct vm *vm, const char **failed)
{
	struct kvm_userspace_memory_region slot = { 0, 0, 0, PROBE_RAM, 0 };
	int size;

	memset(s, 0, sizeof(*s));
	s->vm = vm;
	s->fd = s->vcpu = -1;
	s->run = MAP_FAILED;
	s->ram = mmap(NULL, PROBE_RAM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	slot.userspace_addr = (uintptr_t)s->ram;
	if (s->ram == MAP_FAILED)
		return *failed = "mmap", -1;
	if ((s->fd = KVM_CALL(vm, vm->kvm_fd, KVM_CREATE_VM, 0)) < 0)
		return *failed = "KVM_CREATE_VM", -1;
	/* Real mode on Intel without unrestricted guest needs the TSS. */
	if (KVM_CALL(vm, s->fd, KVM_SET_TSS_ADDR, (void *)(uintptr_t)KVM_TSS_ADDR) < 0)
		return *failed = "KVM_SET_TSS_ADDR", -1;
	if (KVM_CALL(vm, s->fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
		return *failed = "KVM_SET_USER_MEMORY_REGION", -1;
	if ((s->vcpu = KVM_CALL(vm, s->fd, KVM_CREATE_VCPU, 0)) < 0)
		return *failed = "KVM_CREATE_VCPU", -1;
	if ((size = KVM_CALL(vm, vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL)) < 0)
		return *failed = "KVM_GET_VCPU_MMAP_SIZE", -1;
	s->run_size = size;
	s->run = mmap(NULL, s->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, s->vcpu, 0);
	return s->run == MAP_FAILED ? (*failed = "mmap kvm_run", -1) : 0;
}

static void scratch_close(struct scratch *s)
{
	if (s->run != MAP_FAILED)
		munmap(s->run, s->run_size);
	if (s->vcpu >= 0)
		close(s->vcpu);
	if (s->fd >= 0)
		close(s->fd);
	if (s->ram != MAP_FAILED)
		munmap(s->ram, PROBE_RAM);
}

/* Real mode at PROBE_CODE with the given code, under the given debugging;
 * returns the exit reason, or -1. */
static int run_code(struct scratch *s, const uint8_t *code, size_t len, uint32_t control,
		    uint64_t dr0, uint64_t dr7)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = PROBE_CODE, .rsp = PROBE_STACK, .rflags = RFLAGS_RESERVED };
	struct kvm_guest_debug dbg = { .control = control };
	uint16_t ivt_bp[2] = { PROBE_BP_HANDLER, 0 }; /* offset, segment */

	memset(s->ram, OP_HLT, PROBE_RAM);
	memcpy(s->ram + PROBE_CODE, code, len);
	memcpy(s->ram + BP_VECTOR * 4, ivt_bp, sizeof(ivt_bp));
	dbg.arch.debugreg[0] = dr0;
	dbg.arch.debugreg[7] = dr7;
	if (KVM_CALL(s->vm, s->vcpu, KVM_GET_SREGS, &sregs) < 0)
		return -1;
	sregs.cs.base = sregs.cs.selector = 0; /* from the reset state's F000:FFF0 */
	if (KVM_CALL(s->vm, s->vcpu, KVM_SET_SREGS, &sregs) < 0 ||
	    KVM_CALL(s->vm, s->vcpu, KVM_SET_REGS, &regs) < 0 ||
	    KVM_CALL(s->vm, s->vcpu, KVM_SET_GUEST_DEBUG, &dbg) < 0 ||
	    KVM_CALL(s->vm, s->vcpu, KVM_RUN, NULL) < 0)
		return -1;
	return (int)s->run->exit_reason;
}

static void probe_debug(struct scratch *s, struct probe *p)
{
	static const uint8_t nops[] = { OP_NOP, OP_NOP, OP_HLT };
	static const uint8_t int3[] = { INSN_INT3, OP_HLT };

	const struct kvm_debug_exit_arch *a = &s->run->debug.arch;

	p->single_step = run_code(s, nops, sizeof(nops),
				  KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP, 0,
				  0) == KVM_EXIT_DEBUG &&
			 (a->dr6 & DR6_BS) && a->pc == PROBE_CODE + 1;
	p->hw_breakpoint = run_code(s, nops, sizeof(nops),
				    KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP, PROBE_CODE + 1,
				    DR7_L0) == KVM_EXIT_DEBUG &&
			   (a->dr6 & DR6_B0) && a->pc == PROBE_CODE + 1;
	/* mov %al, 0x2000: a write the CPU (or KVM's emulator) must notice. */
	static const uint8_t store[] = { 0xa2, 0x00, 0x20, OP_NOP, OP_HLT };

	p->data_breakpoint = run_code(s, store, sizeof(store),
				      KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP, 0x2000,
				      DR7_FIXED | DR7_L0 | DR7_RW_WRITE << DR7_RW_SHIFT) ==
				     KVM_EXIT_DEBUG &&
			     (a->dr6 & DR6_B0);
	/* Not intercepted, the int3 goes through the IVT to the HLT there. */
	p->sw_breakpoint = run_code(s, int3, sizeof(int3),
				    KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP, 0,
				    0) == KVM_EXIT_DEBUG &&
			   a->exception == BP_VECTOR && a->pc == PROBE_CODE;
}

static void probe_translate(struct scratch *s, struct probe *p)
{
	struct kvm_translation t = { .linear_address = PROBE_CODE };

	if (KVM_CALL(s->vm, s->vcpu, KVM_TRANSLATE, &t) < 0)
		p->translate = -1;
	else
		p->translate = t.valid && t.physical_address == PROBE_CODE;
}

void probe_kvm(struct vm *vm, struct probe *p)
{
	struct scratch s;

	memset(p, 0, sizeof(*p));
	p->reg_list = -1;
	p->guest_debug = vm_cap(vm, KVM_CAP_SET_GUEST_DEBUG);
	p->debug_flags = (uint64_t)(uint32_t)vm_cap(vm, KVM_CAP_SET_GUEST_DEBUG2);
	if (scratch_open(&s, vm, &p->failed) == 0) {
		p->msrs_one_reg = onereg_serves_msrs(vm, s.vcpu);
		p->reg_list = onereg_list(vm, s.vcpu, p->reg_ids, ONEREG_LIST_MAX);
		probe_translate(&s, p);
		if (p->guest_debug > 0)
			probe_debug(&s, p);
	}
	scratch_close(&s);
}
