#ifndef PROBE_H
#define PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/onereg.h"
#include "vm/vm.h"

/* What this host's KVM does for a debugger, measured rather than assumed:
 * a capability says an ioctl exists, not that the host intercepts what it
 * promises (a software KVM may let int3 reach the guest). */
struct probe {
	const char *failed;   /* the scratch VM could not be built: the call, else NULL */
	int guest_debug;      /* KVM_CAP_SET_GUEST_DEBUG */
	uint64_t debug_flags; /* KVM_CAP_SET_GUEST_DEBUG2: control bits KVM takes; 0 unknown */
	bool single_step;     /* KVM_GUESTDBG_SINGLESTEP: an exit after one instruction */
	bool hw_breakpoint;   /* KVM_GUESTDBG_USE_HW_BP: DR0 execution breakpoint exits */
	bool data_breakpoint; /* the same for a write that DR0 watches */
	bool sw_breakpoint;   /* KVM_GUESTDBG_USE_SW_BP: int3 exits instead of reaching the guest */
	int translate;        /* KVM_TRANSLATE with paging off: 1 valid, 0 valid=0, -1 failed */
	bool msrs_one_reg;    /* KVM_GET_ONE_REG answers for an MSR */
	int reg_list;         /* KVM_GET_REG_LIST entries; -1: not served */
	uint64_t reg_ids[ONEREG_LIST_MAX];
};

/* Build a scratch VM (one page of real-mode code, one vCPU, no irqchip),
 * run a few instructions under each kind of guest debugging, and close it:
 * about a millisecond. */
void probe_kvm(struct vm *vm, struct probe *p);

#endif
