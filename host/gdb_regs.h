#ifndef GDB_REGS_H
#define GDB_REGS_H

#include <stddef.h>
#include <stdint.h>

#include "vm/debug.h"

/* The registers gdb sees, in the order of its remote register numbers,
 * for the mode the CPU is in when gdb asks for the target description:
 * gdb cannot change its architecture within a session. */
enum gdb_layout {
	LAYOUT_64, /* "i386:x86-64": rax..r15, rip, 64-bit everything */
	LAYOUT_32, /* "i386": eax..edi, eip */
	LAYOUT_16, /* "i8086": the i386 registers; eip is CS base + IP, the linear address */
};

#define GDB_REG_MAX 16 /* bytes of the widest register (xmm) */

/* Which layout suits a vCPU's mode. */
enum gdb_layout gdb_layout_of(struct vcpu *v);
int gdb_reg_count(enum gdb_layout l);
int gdb_reg_size(enum gdb_layout l, int n); /* bytes; n < gdb_reg_count() */
/* Bytes of the registers a 'g' reply carries: those kvm_run's sync regs
 * hold (general, segment and control registers). The MSR-backed ones
 * (fs_base, gs_base, k_gs_base) and the x87/SSE ones follow, fetched by
 * gdb one at a time with 'p' when it needs them. */
size_t gdb_g_size(enum gdb_layout l);
/* Register n of a stopped vCPU into buf (GDB_REG_MAX bytes, target
 * order); returns its size, or -1 (errno) when KVM refused. */
int gdb_reg_read(struct debug *d, struct vcpu *v, enum gdb_layout l, int n, uint8_t *buf);
/* Write register n from size bytes: general registers through
 * kvm_dirty_regs (or KVM_SET_REGS without sync_regs), segment and control
 * registers with KVM_SET_SREGS, MSRs through debug_msr_set, x87/SSE with
 * KVM_SET_FPU. -1 with errno on a bad size or a refused value. */
int gdb_reg_write(struct debug *d, struct vcpu *v, enum gdb_layout l, int n, const uint8_t *buf,
		  size_t size);
/* The target description (gdb manual, "Target Descriptions"); returns its
 * length (cap must allow GDB_XML_MAX). */
#define GDB_XML_MAX 16384
size_t gdb_target_xml(enum gdb_layout l, char *out, size_t cap);

#endif
