/* vm/debug.c without a KVM: breakpoints and watchpoints by each mechanism
 * the probe may choose (int3 in memory, debug registers, single steps),
 * what gdb reads and writes around an int3, and KVM_EXIT_DEBUG decoded
 * into stops. The host's probe is overridden per case, so the int3 path
 * is tested here even on hosts that do not intercept #BP. The vCPU is a
 * kvm_run in plain memory; its fd is -1, so KVM_SET_GUEST_DEBUG fails (and
 * says so) without changing anything else. Prints one line per failed
 * check and "N passed, N failed"; exits 1 if any failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/machine.h"
#include "tests/unit/check.h"
#include "vm/breakpoints.h"
#include "vm/debug.h"

#define RAM (2u << 20)

static struct stats stats;
static struct vm vm;
static struct vcpu v;
static struct run run;
static struct debug d;

static uint8_t *ram(uint64_t gpa)
{
	return mem_ptr(&vm.mem, gpa, 1);
}

/* A KVM_EXIT_DEBUG as KVM would report it; the vCPU's RIP at pc. */
static void exit_debug(uint32_t exception, uint64_t pc, uint64_t dr6)
{
	v.run->exit_reason = KVM_EXIT_DEBUG;
	v.run->debug.arch = (struct kvm_debug_exit_arch){ .exception = exception,
							  .pc = pc,
							  .dr6 = dr6 };
	vcpu_regs(&v)->rip = pc;
	CHECK(run.debug.on_exit(run.debug.ctx, &v));
}

/* The stop reported next, taken; STOP_NONE when there is none. */
static struct debug_stop take(void)
{
	struct debug_stop s = { .why = STOP_NONE };

	if (debug_pending(&d, &s, true) < 0)
		s.why = STOP_NONE;
	return s;
}

static void reset(bool int3, bool dr_exec, bool dr_data)
{
	debug_detach(&d);
	memset(&d.probe, 0, sizeof(d.probe));
	d.probe.sw_breakpoint = int3;
	d.probe.hw_breakpoint = dr_exec;
	d.probe.data_breakpoint = dr_data;
	d.probe.single_step = true;
	debug_attach(&d);
	run.threads[0].held = 0;
}

static void test_int3(void)
{
	char err[200];
	uint8_t buf[4];
	struct debug_stop s;

	reset(true, true, true);
	memcpy(ram(0x1000), "\xe8\x01\x02\x03", 4);
	CHECK(debug_insert(&d, &v, BP_SOFTWARE, 0x1001, 1, err, sizeof(err)) == 0);
	CHECK(*ram(0x1001) == INSN_INT3);
	CHECK(d.dr[0].used == false); /* an int3, not a debug register */
	CHECK(debug_read(&d, &v, 0x1000, buf, 4) == 4 && !memcmp(buf, "\xe8\x01\x02\x03", 4));
	CHECK(debug_write(&d, &v, 0x1001, (const uint8_t *)"\x55", 1) == 0);
	CHECK(*ram(0x1001) == INSN_INT3); /* still armed */
	CHECK(debug_read(&d, &v, 0x1001, buf, 1) == 1 && buf[0] == 0x55);
	/* The guest stops on it: a #BP at its address, all-stop asked. */
	exit_debug(BP_VECTOR, 0x1001, 0);
	CHECK(run.threads[0].held == 1);
	s = take();
	CHECK(s.why == STOP_SWBREAK && s.addr == 0x1001);
	CHECK(debug_remove(&d, &v, BP_SOFTWARE, 0x1001, 1) == 0 && *ram(0x1001) == 0x55);
	/* A guest's own int3 is none of ours: no stop. */
	run.threads[0].held = 0;
	exit_debug(BP_VECTOR, 0x1003, 0);
	CHECK(take().why == STOP_NONE && run.threads[0].held == 0);
	/* Past RAM (paging off: linear is physical): refused, with a reason. */
	err[0] = '\0';
	CHECK(debug_insert(&d, &v, BP_SOFTWARE, RAM + 0x1000, 1, err, sizeof(err)) < 0 && err[0]);
	/* Detaching restores every byte. */
	CHECK(debug_insert(&d, &v, BP_SOFTWARE, 0x1002, 1, err, sizeof(err)) == 0);
	debug_detach(&d);
	CHECK(*ram(0x1002) == 0x02);
}

static void test_debug_registers(void)
{
	char err[200];

	reset(false, true, true);
	CHECK(debug_insert(&d, &v, BP_SOFTWARE, 0x1000, 1, err, sizeof(err)) == 0);
	CHECK(d.dr[0].used && d.dr[0].kind == BP_SOFTWARE && *ram(0x1000) != INSN_INT3);
	/* 6 bytes at 0x2003: aligned pieces of 1, 4 and 1 bytes. */
	CHECK(debug_insert(&d, &v, BP_WRITE, 0x2003, 6, err, sizeof(err)) == 0);
	CHECK(d.dr[1].addr == 0x2003 && d.dr[1].len == 1 && d.dr[2].addr == 0x2004 &&
	      d.dr[2].len == 4 && d.dr[3].addr == 0x2008 && d.dr[3].len == 1);
	err[0] = '\0';
	CHECK(debug_insert(&d, &v, BP_HARDWARE, 0x3000, 1, err, sizeof(err)) < 0 && err[0]);
	CHECK(d.dr[0].used); /* a failed insert leaves the others */
	/* DR6.B2: the watchpoint gdb asked for, at its address. */
	exit_debug(DB_VECTOR, 0x1234, DR6_B0 << 2);
	CHECK(take().why == STOP_WATCH);
	exit_debug(DB_VECTOR, 0x1000, DR6_B0);
	CHECK(take().why == STOP_SWBREAK);
	CHECK(debug_remove(&d, &v, BP_WRITE, 0x2003, 6) == 0);
	CHECK(!d.dr[1].used && !d.dr[2].used && !d.dr[3].used);
	CHECK(debug_insert(&d, &v, BP_ACCESS, 0x2000, 8, err, sizeof(err)) == 0);
	exit_debug(DB_VECTOR, 0x1234, DR6_B0 << 1);
	CHECK(take().why == STOP_AWATCH);
	CHECK(debug_remove(&d, &v, BP_HARDWARE, 0x9999, 1) < 0); /* never inserted */
	err[0] = '\0'; /* a watch of 0 bytes is refused, not one byte */
	CHECK(debug_insert(&d, &v, BP_WRITE, 0x3000, 0, err, sizeof(err)) < 0 && err[0]);
	CHECK(!d.dr[2].used && !d.dr[3].used);
	/* A step gdb asked for. */
	d.stepping[0] = true;
	exit_debug(DB_VECTOR, 0x1005, DR6_BS);
	CHECK(take().why == STOP_STEP);
	d.stepping[0] = false;
}

static void test_stepped(void)
{
	char err[200];
	struct debug_stop s;

	reset(false, false, false);
	CHECK(debug_insert(&d, &v, BP_HARDWARE, 0x4000, 1, err, sizeof(err)) == 0);
	CHECK(debug_insert(&d, &v, BP_WRITE, 0x5000, 4, err, sizeof(err)) == 0);
	CHECK(debug_insert(&d, &v, BP_READ, 0x5000, 4, err, sizeof(err)) < 0);
	CHECK(debug_insert(&d, &v, BP_WRITE, 0x5ffe, 4, err, sizeof(err)) < 0); /* 2 pages */
	/* Steps that hit nothing go on silently. */
	exit_debug(DB_VECTOR, 0x3ffe, DR6_BS);
	CHECK(take().why == STOP_NONE && run.threads[0].held == 0);
	/* A step that changed the watched bytes. */
	*ram(0x5001) = 0x77;
	exit_debug(DB_VECTOR, 0x3fff, DR6_BS);
	s = take();
	CHECK(s.why == STOP_WATCH && s.addr == 0x5000);
	exit_debug(DB_VECTOR, 0x3fff, DR6_BS); /* no change since: nothing */
	CHECK(take().why == STOP_NONE);
	/* The next instruction is the breakpoint's. */
	exit_debug(DB_VECTOR, 0x4000, DR6_BS);
	s = take();
	CHECK(s.why == STOP_HWBREAK && s.addr == 0x4000);
	/* A HLT with interrupts off next: it runs unstepped, since a stepped
	 * HLT does not halt and the guest would loop through it for ever. */
	*ram(0x3000) = INSN_HLT;
	vcpu_regs(&v)->rflags = RFLAGS_RESERVED;
	exit_debug(DB_VECTOR, 0x3000, DR6_BS);
	CHECK(take().why == STOP_NONE && d.halting[0]);
	d.halting[0] = false; /* with interrupts on, it wakes: stepped still */
	vcpu_regs(&v)->rflags = RFLAGS_RESERVED | RFLAGS_IF;
	exit_debug(DB_VECTOR, 0x3000, DR6_BS);
	CHECK(take().why == STOP_NONE && !d.halting[0]);
	/* A stop whose breakpoint is gone no longer holds. */
	exit_debug(DB_VECTOR, 0x4000, DR6_BS);
	CHECK(debug_remove(&d, &v, BP_HARDWARE, 0x4000, 1) == 0);
	CHECK(take().why == STOP_NONE);
}

static void test_resume(void)
{
	enum debug_action act[1] = { ACT_CONTINUE };
	char err[200];

	reset(false, true, true);
	CHECK(debug_insert(&d, &v, BP_HARDWARE, 0x1000, 1, err, sizeof(err)) == 0);
	exit_debug(DB_VECTOR, 0x1000, DR6_B0);
	/* Not reported yet: resuming reports it instead of running. */
	CHECK(!debug_resume(&d, act) && run.threads[0].held == 1);
	take();
	CHECK(debug_resume(&d, act) && run.threads[0].held == 0);
}

int main(void)
{
	uint8_t *host = calloc(1, RAM);
	struct kvm_sregs *s;

	if (!host)
		return 2;
	stats_init(&stats, false, false);
	vm = (struct vm){ .kvm_fd = -1, .vm_fd = -1, .stats = &stats };
	mem_layout(&vm.mem, host, RAM);
	v = (struct vcpu){ .vm = &vm, .fd = -1, .sync_regs = true, .run_size = 3 * 4096 };
	v.run = mmap(NULL, v.run_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v.run == MAP_FAILED)
		return 2;
	s = vcpu_sregs_view(&v);
	s->cr0 = CR0_PE; /* paging off: linear is physical */
	s->cs.db = 1;
	run_init(&run, &vm, &v, 1, 0);
	debug_init(&d, &vm, &v, 1, &run); /* its probe fails without a KVM: overridden */
	test_int3();
	test_debug_registers();
	test_stepped();
	test_resume();
	return check_done();
}
