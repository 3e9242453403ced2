/* KVM_GET/SET_ONE_REG: the fourth mechanism vmm teaches. Every register has
 * a 64-bit id (architecture, size, type, index) and one ioctl moves one
 * register: extensible (a new register needs no new struct or ioctl) at
 * the price of an ioctl per register, where KVM_GET/SET_MSRS move a list.
 * On x86 it serves MSRs since Linux 6.18; older hosts answer EINVAL, so
 * callers probe once and fall back to KVM_GET/SET_MSRS. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/machine.h"
#include "vm/onereg.h"

#define TYPE_SHIFT 32
#define TYPE_MASK 0xffULL
#define INDEX_MASK 0xffffffffULL

uint64_t onereg_msr_id(uint32_t index)
{
	return KVM_REG_X86 | KVM_REG_SIZE_U64 | (uint64_t)KVM_X86_REG_TYPE_MSR << TYPE_SHIFT |
	       index;
}

void onereg_describe(uint64_t id, char *buf, unsigned len)
{
	uint64_t type = id >> TYPE_SHIFT & TYPE_MASK, index = id & INDEX_MASK;

	if ((id & KVM_REG_ARCH_MASK) != KVM_REG_X86)
		snprintf(buf, len, "%#llx (not an x86 id)", (unsigned long long)id);
	else if (type == KVM_X86_REG_TYPE_MSR)
		snprintf(buf, len, "MSR %#llx", (unsigned long long)index);
	else if (type == KVM_X86_REG_TYPE_KVM)
		snprintf(buf, len, "KVM register %llu%s", (unsigned long long)index,
			 index == KVM_REG_GUEST_SSP ? " (guest SSP, CET)" : "");
	else
		snprintf(buf, len, "%#llx (type %llu)", (unsigned long long)id,
			 (unsigned long long)type);
}

static int one_reg(struct vm *vm, int fd, unsigned long req, const char *name, uint32_t index,
		   uint64_t *value)
{
	struct kvm_one_reg reg = { onereg_msr_id(index), (uintptr_t)value };

	return kvm_call(vm, fd, req, &reg, name);
}

bool onereg_serves_msrs(struct vm *vm, int vcpu_fd)
{
	uint64_t efer;

	return vm_cap(vm, KVM_CAP_ONE_REG) > 0 &&
	       one_reg(vm, vcpu_fd, KVM_GET_ONE_REG, "KVM_GET_ONE_REG", MSR_EFER, &efer) == 0;
}

int onereg_list(struct vm *vm, int vcpu_fd, uint64_t *ids, int max)
{
	struct kvm_reg_list *list = calloc(1, sizeof(*list) + (size_t)max * sizeof(uint64_t));
	int r, n;

	if (!list)
		return -1;
	list->n = max;
	r = KVM_CALL(vm, vcpu_fd, KVM_GET_REG_LIST, list);
	/* E2BIG: more than max; KVM wrote how many into n. */
	if (r < 0 && errno != E2BIG) {
		free(list);
		return -1;
	}
	n = (int)list->n;
	for (int i = 0; r == 0 && i < n && i < max; i++)
		ids[i] = list->reg[i];
	free(list);
	return n;
}

/* KVM_GET/SET_MSRS return how many entries they processed: 1, or 0 when
 * KVM refused the MSR. */
static int msrs(struct vm *vm, int fd, bool set, uint32_t index, uint64_t *value)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry entry[1];
	} m = { .hdr.nmsrs = 1, .entry = { { .index = index, .data = *value } } };
	int r = set ? KVM_CALL(vm, fd, KVM_SET_MSRS, &m) : KVM_CALL(vm, fd, KVM_GET_MSRS, &m);

	if (r == 1) {
		*value = m.entry[0].data;
		return 0;
	}
	if (r == 0)
		errno = EINVAL;
	return -1;
}

int msr_get(struct vm *vm, int vcpu_fd, bool one_reg_ok, uint32_t index, uint64_t *value)
{
	*value = 0;
	if (one_reg_ok)
		return one_reg(vm, vcpu_fd, KVM_GET_ONE_REG, "KVM_GET_ONE_REG", index, value);
	return msrs(vm, vcpu_fd, false, index, value);
}

int msr_set(struct vm *vm, int vcpu_fd, bool one_reg_ok, uint32_t index, uint64_t value)
{
	if (one_reg_ok)
		return one_reg(vm, vcpu_fd, KVM_SET_ONE_REG, "KVM_SET_ONE_REG", index, &value);
	return msrs(vm, vcpu_fd, true, index, &value);
}

const char *msr_method(bool one_reg_ok, bool set)
{
	if (one_reg_ok)
		return set ? "KVM_SET_ONE_REG" : "KVM_GET_ONE_REG";
	return set ? "KVM_SET_MSRS" : "KVM_GET_MSRS";
}
