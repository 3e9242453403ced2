#ifndef DEBUG_H
#define DEBUG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vm/paging.h"
#include "vm/probe.h"
#include "vm/run.h"
#include "vm/vcpu.h"

#define DEBUG_MAX_INT3 64 /* int3 breakpoints at once */
#define DEBUG_NR_DR 4     /* DR0-DR3 */
#define DEBUG_MAX_STEP_WATCH 4
#define DEBUG_MAX_STEP_BP 16
#define DEBUG_STEP_WATCH_LEN 64 /* bytes one stepped watchpoint covers */

/* What a breakpoint watches: gdb's Z packet types. */
enum bp_kind {
	BP_SOFTWARE = 0, /* int3 in memory, or a debug register where KVM does not intercept it */
	BP_HARDWARE = 1, /* instruction fetch, in a debug register */
	BP_WRITE = 2,
	BP_READ = 3, /* x86 has no read-only watch: reads and writes both stop */
	BP_ACCESS = 4,
};

/* Why a vCPU stopped, in the terms of gdb's stop replies. */
enum stop_why {
	STOP_NONE,
	STOP_SIGNAL, /* asked to: an interrupt, an attach */
	STOP_STEP,
	STOP_SWBREAK,
	STOP_HWBREAK,
	STOP_WATCH,
	STOP_RWATCH,
	STOP_AWATCH,
};

struct debug_stop {
	enum stop_why why;
	uint64_t addr; /* the breakpoint's, or the watched address */
	uint64_t seq;  /* order of arrival */
};

/* What gdb wants each vCPU to do when the guest resumes. */
enum debug_action { ACT_STAY, ACT_CONTINUE, ACT_STEP };

/* A debug register's use: a range gdb asked for may take several, each
 * naturally aligned (1, 2, 4 or 8 bytes). */
struct dr_slot {
	bool used;
	enum bp_kind kind;
	uint64_t addr;              /* this register's part */
	int len;                    /* 1, 2, 4 or 8 */
	uint64_t req_addr, req_len; /* the breakpoint gdb asked for */
};

/* A write watchpoint on a host whose KVM ignores data breakpoints in debug
 * registers (a software KVM may): the vCPUs single-step while it is set
 * and each step compares the watched bytes, as gdb's own software
 * watchpoints do, but without a round trip to gdb per instruction. */
struct step_watch {
	bool used;
	uint64_t addr, len, gpa; /* within one page */
	uint8_t seen[DEBUG_STEP_WATCH_LEN];
};

/* A breakpoint on a host whose KVM takes neither int3 nor debug-register
 * breakpoints (QEMU TCG's nested SVM, for one): the vCPUs single-step
 * while it is set, and stop when the next instruction is its. */
struct step_bp {
	bool used;
	enum bp_kind kind;
	uint64_t addr;
};

struct int3_bp {
	bool used;
	uint64_t addr; /* guest-virtual, as gdb gave it */
	uint64_t gpa;
	uint8_t saved; /* the byte the int3 replaced */
};

/* The guest-debugging state of the machine: breakpoints shared by every
 * vCPU (as gdb's are), each vCPU's last KVM_SET_GUEST_DEBUG, and the stops
 * the vCPUs reported. Everything but the stops changes only while every
 * vCPU is held (vm/run.h); stops come from vCPU threads, under lock. */
struct debug {
	struct vm *vm;
	struct vcpu *vcpus;
	int nr;
	struct run *run;
	struct probe probe; /* what this host's KVM does (vm/probe.c) */
	bool attached;      /* guest debugging on: a debugger is connected */
	struct dr_slot dr[DEBUG_NR_DR];
	struct int3_bp int3[DEBUG_MAX_INT3];
	struct step_watch watch[DEBUG_MAX_STEP_WATCH];
	struct step_bp step_bp[DEBUG_MAX_STEP_BP];
	bool *stepping;                  /* per vCPU: gdb asked for a single step */
	bool *halting;                   /* per vCPU: unstepped, on a HLT with interrupts off */
	struct kvm_guest_debug *applied; /* per vCPU */
	pthread_mutex_t lock;            /* stops and seq */
	struct debug_stop *stops;        /* per vCPU, until reported */
	uint64_t seq;
	int notify_fd; /* eventfd, written when a vCPU stops by itself */
};

/* Probe the host (vm/probe.c) and take over KVM_EXIT_DEBUG in the run. */
void debug_init(struct debug *d, struct vm *vm, struct vcpu *vcpus, int n, struct run *r);
void debug_destroy(struct debug *d);
/* With every vCPU held: turn guest debugging on for a new debugger, or
 * off, with every breakpoint removed and the guest's bytes restored. */
void debug_attach(struct debug *d);
void debug_detach(struct debug *d);
/* The earliest stop a vCPU reported and gdb has not seen, dropping those
 * that no longer hold (a breakpoint since removed, a finished step); its
 * vCPU, or -1. take: forget it once returned. */
int debug_pending(struct debug *d, struct debug_stop *stop, bool take);
/* With every vCPU held: set each vCPU's guest debugging for its action
 * and release the ones that run. False, with nothing released, when a
 * stop that still holds is waiting to be reported (debug_pending). */
bool debug_resume(struct debug *d, const enum debug_action *act);
/* The linear address of a stopped vCPU's next instruction: CS base + RIP
 * outside 64-bit code (what KVM reports as a breakpoint's pc). */
uint64_t debug_linear_pc(struct vcpu *v);
/* An MSR of a stopped vCPU, through KVM_GET/SET_ONE_REG or, where the host
 * lacks it, KVM_GET/SET_MSRS; the register view (vcpu_sregs_view) follows
 * a write to EFER, FS_BASE or GS_BASE. 0, or -1 with errno. */
int debug_msr_get(struct debug *d, struct vcpu *v, uint32_t index, uint64_t *value);
int debug_msr_set(struct debug *d, struct vcpu *v, uint32_t index, uint64_t value);

#endif
