#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/machine.h"
#include "vm/vcpu.h"

#define CPUID_MAX_ENTRIES 256

void vcpu_create(struct vcpu *v, struct vm *vm, int id, bool sync_regs)
{
	int size;

	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->id = id;
	v->sync_regs = sync_regs;
	v->fd = KVM_MUST(vm, vm->vm_fd, KVM_CREATE_VCPU, (void *)(long)id);
	size = KVM_MUST(vm, vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
	v->run_size = size;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		die_errno("mmap kvm_run");
	/* Registers only: the loop reads RIP and GPRs on every exit, and
	 * nothing reads segment registers there (KVM_SYNC_X86_SREGS would make
	 * KVM copy them out on every exit for nothing). */
	if (sync_regs)
		v->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
}

/* One warning per feature, as QEMU; enforced, one error naming them all. */
/* Each feature asked for that the host cannot give: one warning each, as
 * QEMU prints them, or one error with the model's enforce. */
static void report_missing(const struct cpu_model *model, char *missing)
{
	char *save = NULL;

	if (!*missing)
		return;
	if (model->enforce) {
		for (char *p = strchr(missing, '\n'); p && p[1]; p = strchr(p, '\n'))
			*p = ';';
		missing[strcspn(missing, "\n")] = '\0';
		die(STATUS_HOST, "%s (enforce)", missing);
	}
	for (char *line = strtok_r(missing, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		warn("%s", line);
}

struct kvm_cpuid2 *vcpu_cpuid_shape(struct vm *vm, const struct cpu_model *model)
{
	size_t sz = sizeof(struct kvm_cpuid2) + CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *cpuid = calloc(1, sz);
	char missing[2048];

	if (!cpuid)
		die_errno("calloc cpuid");
	cpuid->nent = CPUID_MAX_ENTRIES;
	KVM_MUST(vm, vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid);
	cpu_model_apply(model, cpuid, vm_cap(vm, KVM_CAP_TSC_DEADLINE_TIMER) > 0, missing,
			sizeof(missing));
	report_missing(model, missing);
	return cpuid;
}

void vcpu_setup_cpuid(struct vcpu *v, struct kvm_cpuid2 *cpuid)
{
	for (uint32_t i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function == 1) {
			e->ebx = (e->ebx & 0x00ffffff) | ((uint32_t)v->id << 24);
			v->cpu_signature = e->eax;
			v->cpu_features = e->edx;
		}
	}
	KVM_MUST(v->vm, v->fd, KVM_SET_CPUID2, cpuid);
}

void vcpu_setup_msrs(struct vcpu *v)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry entry[1];
	} msrs = { .hdr.nmsrs = 1,
		   .entry = {
			   { .index = MSR_IA32_MISC_ENABLE, .data = MISC_ENABLE_FAST_STRING } } };

	if (KVM_MUST(v->vm, v->fd, KVM_SET_MSRS, &msrs) != 1)
		die(STATUS_HOST, "KVM_SET_MSRS: MSR_IA32_MISC_ENABLE refused");
}

static uint32_t *lapic_reg(struct kvm_lapic_state *s, int reg)
{
	return (uint32_t *)(s->regs + reg);
}

void vcpu_setup_lapic(struct vcpu *v)
{
	struct kvm_lapic_state lapic;
	uint32_t *lvt0 = lapic_reg(&lapic, APIC_REG_LVT0);
	uint32_t *lvt1 = lapic_reg(&lapic, APIC_REG_LVT1);

	KVM_MUST(v->vm, v->fd, KVM_GET_LAPIC, &lapic);
	*lvt0 = (*lvt0 & ~(APIC_LVT_MASKED | 0x700)) | APIC_MODE_EXTINT |
		(v->id ? APIC_LVT_MASKED : 0);
	*lvt1 = (*lvt1 & ~(APIC_LVT_MASKED | 0x700)) | APIC_MODE_NMI;
	KVM_MUST(v->vm, v->fd, KVM_SET_LAPIC, &lapic);
}

void vcpu_set_state(struct vcpu *v, const struct kvm_regs *regs, const struct kvm_sregs *sregs)
{
	if (v->sync_regs) {
		/* Applied by KVM at the start of the first KVM_RUN. */
		v->run->s.regs.regs = *regs;
		v->run->s.regs.sregs = *sregs;
		v->run->kvm_dirty_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
		return;
	}
	KVM_MUST(v->vm, v->fd, KVM_SET_SREGS, (void *)sregs);
	KVM_MUST(v->vm, v->fd, KVM_SET_REGS, (void *)regs);
	v->regs = *regs;
	v->regs_valid = true;
}

void vcpu_set_mp_state(struct vcpu *v, uint32_t state)
{
	struct kvm_mp_state mp = { .mp_state = state };

	KVM_MUST(v->vm, v->fd, KVM_SET_MP_STATE, &mp);
}

struct kvm_regs *vcpu_regs(struct vcpu *v)
{
	if (v->sync_regs)
		return &v->run->s.regs.regs;
	if (!v->regs_valid) {
		KVM_MUST(v->vm, v->fd, KVM_GET_REGS, &v->regs);
		v->regs_valid = true;
	}
	return &v->regs;
}

void vcpu_regs_dirty(struct vcpu *v)
{
	if (v->sync_regs)
		v->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	else
		v->regs_dirty = true;
}

static struct kvm_regs *io_regs_get(void *ctx)
{
	return vcpu_regs(ctx);
}

static void io_regs_changed(void *ctx)
{
	vcpu_regs_dirty(ctx);
}

struct io_regs vcpu_io_regs(struct vcpu *v)
{
	return (struct io_regs){ io_regs_get, io_regs_changed, v };
}

void vcpu_sregs(struct vcpu *v, struct kvm_sregs *sregs)
{
	KVM_MUST(v->vm, v->fd, KVM_GET_SREGS, sregs);
}

struct kvm_sregs *vcpu_sregs_view(struct vcpu *v)
{
	if (v->sync_regs)
		return &v->run->s.regs.sregs;
	if (!v->sregs_valid) {
		vcpu_sregs(v, &v->sregs);
		v->sregs_valid = true;
	}
	return &v->sregs;
}

int vcpu_sregs_write(struct vcpu *v)
{
	return KVM_CALL(v->vm, v->fd, KVM_SET_SREGS, vcpu_sregs_view(v));
}

void vcpu_prepare_stop(struct vcpu *v)
{
	if (v->sync_regs)
		v->run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	v->run->immediate_exit = 1;
}

void vcpu_end_stop(struct vcpu *v)
{
	if (v->sync_regs)
		v->run->kvm_valid_regs = KVM_SYNC_X86_REGS; /* as vcpu_create() left it */
}

int vcpu_enter(struct vcpu *v)
{
	if (v->regs_dirty) {
		KVM_MUST(v->vm, v->fd, KVM_SET_REGS, &v->regs);
		v->regs_dirty = false;
	}
	v->regs_valid = false;
	v->sregs_valid = false;
	return KVM_CALL(v->vm, v->fd, KVM_RUN, NULL);
}

void vcpu_destroy(struct vcpu *v)
{
	if (v->run && v->run != MAP_FAILED)
		munmap(v->run, v->run_size);
	if (v->fd >= 0)
		close(v->fd);
	v->run = NULL;
	v->fd = -1;
}
