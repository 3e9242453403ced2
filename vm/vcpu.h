#ifndef VCPU_H
#define VCPU_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/bus.h"
#include "vm/cpuid.h"
#include "vm/vm.h"

struct vcpu {
	struct vm *vm;
	int id;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	/* With sync_regs the registers travel in run->s.regs; without, they are
	 * fetched with KVM_GET_REGS on first use after an exit and written back
	 * with KVM_SET_REGS before the next entry. */
	bool sync_regs;
	struct kvm_regs regs;
	bool regs_valid;
	bool regs_dirty;
	struct kvm_sregs sregs; /* without sync_regs: KVM_GET_SREGS once a stop */
	bool sregs_valid;
	uint32_t cpu_signature; /* CPUID.1 EAX and EDX, for the MP table */
	uint32_t cpu_features;
	struct exit_stats stats;
};

void vcpu_create(struct vcpu *v, struct vm *vm, int id, bool sync_regs);
/* CPUID from KVM_GET_SUPPORTED_CPUID shaped into the model (vm/cpuid.c),
 * once for all vCPUs (free() it after): features the host lacks are
 * warned about, as QEMU does, or refused with the model's enforce. */
struct kvm_cpuid2 *vcpu_cpuid_shape(struct vm *vm, const struct cpu_model *model);
/* That CPUID with this vCPU's APIC id; long mode needs it (KVM checks
 * EFER.LME against it). */
void vcpu_setup_cpuid(struct vcpu *v, struct kvm_cpuid2 *cpuid);
/* MSRs firmware sets before an OS starts: fast strings in MISC_ENABLE. */
void vcpu_setup_msrs(struct vcpu *v);
/* LINT0 as ExtINT on the boot CPU and LINT1 as NMI on all, as firmware
 * leaves a PC (virtual wire mode), so the 8259 and the PIT behind it reach
 * the CPU. */
void vcpu_setup_lapic(struct vcpu *v);
/* Initial state: through kvm_dirty_regs with sync_regs, else SET ioctls. */
void vcpu_set_state(struct vcpu *v, const struct kvm_regs *regs, const struct kvm_sregs *sregs);
/* KVM_SET_MP_STATE: KVM_MP_STATE_INIT_RECEIVED makes an AP wait for a SIPI
 * again (after an S3 resume, as after INIT). */
void vcpu_set_mp_state(struct vcpu *v, uint32_t state);
/* The registers of the last exit; call vcpu_regs_dirty() after changing them. */
struct kvm_regs *vcpu_regs(struct vcpu *v);
void vcpu_regs_dirty(struct vcpu *v);
/* The same two, as the handle an exit gives its device (vm/bus.h). */
struct io_regs vcpu_io_regs(struct vcpu *v);
/* Special registers, for the cold paths (register dumps): an ioctl. */
void vcpu_sregs(struct vcpu *v, struct kvm_sregs *sregs);
/* Special registers of a stopped vCPU (a debugger's view): in kvm_run with
 * sync_regs, once vcpu_prepare_stop() has had KVM store them there, else
 * one KVM_GET_SREGS. Change them with vcpu_sregs_write(): KVM_SET_SREGS,
 * at once, so that a value KVM refuses comes back as an error (-1, errno)
 * instead of failing the next KVM_RUN. */
struct kvm_sregs *vcpu_sregs_view(struct vcpu *v);
int vcpu_sregs_write(struct vcpu *v);
/* Make the next KVM_RUN a settling one: it finishes the pending I/O or
 * MMIO exit, stores every register in kvm_run and returns EINTR without
 * running a guest instruction (api.rst, immediate_exit). For a vCPU about
 * to stop for a debugger; vcpu_end_stop() undoes it. */
void vcpu_prepare_stop(struct vcpu *v);
void vcpu_end_stop(struct vcpu *v);
/* One KVM_RUN; returns 0, or -1 with errno (EINTR when interrupted). */
int vcpu_enter(struct vcpu *v);
void vcpu_destroy(struct vcpu *v);

#endif
