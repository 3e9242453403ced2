#ifndef ONEREG_H
#define ONEREG_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/vm.h"

/* x86 register ids for KVM_GET/SET_ONE_REG, served since Linux 6.18:
 * KVM_REG_X86 | KVM_REG_SIZE_U64 | type << 32 | index, type 2 an MSR (index
 * = its number), type 3 a register KVM defines (0 = the CET shadow-stack
 * pointer). From Documentation/virt/kvm/api.rst, "4.68 KVM_SET_ONE_REG";
 * Debian 12's uapi headers (Linux 6.1) lack them, newer ones have them. */
#ifndef KVM_X86_REG_TYPE_MSR
#define KVM_X86_REG_TYPE_MSR 2
#define KVM_X86_REG_TYPE_KVM 3
#define KVM_REG_GUEST_SSP 0
#endif

#define ONEREG_LIST_MAX 64 /* KVM_GET_REG_LIST entries kept */

/* An MSR's id. */
uint64_t onereg_msr_id(uint32_t index);
/* "MSR 0xc0000080", "KVM register 0 (guest SSP)" or the raw id. */
void onereg_describe(uint64_t id, char *buf, unsigned len);
/* Whether KVM_GET_ONE_REG answers for an MSR (EFER) on this vCPU fd. */
bool onereg_serves_msrs(struct vm *vm, int vcpu_fd);
/* KVM_GET_REG_LIST: up to max ids in ids[]; returns how many KVM has
 * (possibly more than max), or -1 with errno when it does not serve it. */
int onereg_list(struct vm *vm, int vcpu_fd, uint64_t *ids, int max);
/* One MSR, through KVM_GET/SET_ONE_REG when one_reg, else KVM_GET/SET_MSRS
 * with a single entry. 0, or -1 with errno (EINVAL: KVM refused it). */
int msr_get(struct vm *vm, int vcpu_fd, bool one_reg, uint32_t index, uint64_t *value);
int msr_set(struct vm *vm, int vcpu_fd, bool one_reg, uint32_t index, uint64_t value);
const char *msr_method(bool one_reg, bool set);

#endif
