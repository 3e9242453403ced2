#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "dump.h"
#include "log.h"
#include "ring.h"
#include "run.h"

#define RFLAGS_IF 0x200

/* Signal handlers can only reach file scope: these three carry what they
 * saw to the loop. */
static volatile sig_atomic_t tick_pending;
static volatile sig_atomic_t stop_signal;
static struct kvm_run *volatile signal_run;

static void on_signal(int sig)
{
	if (sig == SIGALRM) {
		tick_pending = 1;
		return;
	}
	stop_signal = sig;
	if (signal_run)
		signal_run->immediate_exit = 1; /* a KVM_RUN about to start returns */
}

void run_signals_install(struct vcpu *v)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGALRM };
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	struct itimerval tick = { { 0, RUN_TICK_MS * 1000 }, { 0, RUN_TICK_MS * 1000 } };

	signal_run = v->run;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			die_errno("sigaction");
	if (setitimer(ITIMER_REAL, &tick, NULL) < 0)
		die_errno("setitimer");
}

static void trace_io(struct vcpu *v, const char *what, uint64_t addr, const uint8_t *data,
		     uint32_t len, bool write)
{
	uint64_t value = 0;

	for (uint32_t i = len > 8 ? 8 : len; i-- > 0;)
		value = value << 8 | data[i];
	fprintf(v->vm->stats->out, "[exit] %s %s %#llx len %u data %#llx rip %#llx\n", what,
		write ? "write" : "read", (unsigned long long)addr, len,
		(unsigned long long)value, (unsigned long long)vcpu_regs(v)->rip);
}

static void handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	struct vm *vm = v->vm;
	bool out = run->io.direction == KVM_EXIT_IO_OUT;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint64_t bytes = (uint64_t)run->io.size * run->io.count;

	if (run->io.data_offset > v->run_size || bytes > v->run_size - run->io.data_offset)
		die(STATUS_INTERNAL, "KVM_EXIT_IO data outside kvm_run");
	stats_count(&vm->stats->pio, run->io.port);
	/* A string instruction (rep outsb/insb) arrives as count accesses. */
	for (uint32_t i = 0; i < run->io.count; i++) {
		uint8_t *d = data + (size_t)i * run->io.size;

		bus_dispatch(&vm->pio, run->io.port, d, run->io.size, out, v);
		if (vm->stats->trace)
			trace_io(v, "io", run->io.port, d, run->io.size, out);
	}
}

static void handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint32_t len = run->mmio.len > 8 ? 8 : run->mmio.len;

	stats_count(&v->vm->stats->mmio, run->mmio.phys_addr);
	bus_dispatch(&v->vm->mmio, run->mmio.phys_addr, run->mmio.data, len, run->mmio.is_write,
		     v);
	if (v->vm->stats->trace)
		trace_io(v, "mmio", run->mmio.phys_addr, run->mmio.data, len, run->mmio.is_write);
}

/* HLT with interrupts off can only be left by an NMI, which nothing here
 * sends: the guest is done. */
static void guest_halted(struct vcpu *v)
{
	if (!(vcpu_regs(v)->rflags & RFLAGS_IF))
		vm_request_stop(v->vm, STATUS_HALT);
}

static void handle_system_event(struct vcpu *v)
{
	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm_request_stop(v->vm, STATUS_HALT);
		break;
	case KVM_SYSTEM_EVENT_RESET:
		warn("guest requested a reset");
		vm_request_stop(v->vm, STATUS_RESET);
		break;
	default:
		dump_fatal(v, "guest crashed (KVM_EXIT_SYSTEM_EVENT)");
		vm_request_stop(v->vm, STATUS_INTERNAL);
	}
}

static void dispatch(struct vcpu *v)
{
	uint32_t reason = v->run->exit_reason;

	stats_exit(v->vm->stats, reason);
	switch (reason) {
	case KVM_EXIT_IO:
		handle_io(v);
		break;
	case KVM_EXIT_MMIO:
		handle_mmio(v);
		break;
	case KVM_EXIT_HLT:
		guest_halted(v);
		break;
	case KVM_EXIT_INTR:
		break;
	case KVM_EXIT_SHUTDOWN:
		dump_fatal(v, "guest triple fault (KVM_EXIT_SHUTDOWN)");
		vm_request_stop(v->vm, STATUS_SHUTDOWN);
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		handle_system_event(v);
		break;
	default: /* KVM_EXIT_INTERNAL_ERROR, KVM_EXIT_FAIL_ENTRY, the unexpected */
		dump_fatal(v, NULL);
		vm_request_stop(v->vm, STATUS_INTERNAL);
	}
}

/* With an in-kernel LAPIC, HLT never exits to us: look at the vCPU instead. */
static void check_halted(struct vcpu *v)
{
	struct kvm_mp_state mp;

	if (KVM_CALL(v->vm, v->fd, KVM_GET_MP_STATE, &mp) == 0 &&
	    mp.mp_state == KVM_MP_STATE_HALTED)
		guest_halted(v);
}

static void poll_signals(struct vcpu *v, const struct run_hooks *hooks)
{
	if (stop_signal) {
		warn("stopped by signal %d", (int)stop_signal);
		vm_request_stop(v->vm, stop_signal == SIGINT ? STATUS_SIGINT : 128 + stop_signal);
		return;
	}
	if (tick_pending) {
		tick_pending = 0;
		check_halted(v);
		hooks->tick(hooks->ctx);
	}
}

int run_loop(struct vcpu *v, const struct run_hooks *hooks)
{
	struct vm *vm = v->vm;

	while (!vm->stop) {
		int r = vcpu_enter(v);
		int err = errno;

		v->run->immediate_exit = 0;
		/* Writes queued before this exit happened before it: replay them
		 * first, so the device sees every access in guest order. */
		ring_drain(vm);
		if (r == 0)
			dispatch(v);
		else if (err == EINTR)
			stats_exit(vm->stats, KVM_EXIT_INTR);
		else {
			errno = err;
			dump_fatal(v, "KVM_RUN failed");
			vm_request_stop(vm, STATUS_INTERNAL);
		}
		poll_signals(v, hooks);
	}
	ring_drain(vm);
	return vm->stop_status;
}
