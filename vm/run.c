#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/machine.h"
#include "vm/dump.h"
#include "lib/log.h"
#include "vm/ring.h"
#include "vm/run.h"

#define SIG_KICK SIGUSR2 /* gets a vCPU thread out of KVM_RUN */

/* Signal handlers can only reach file scope. */
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t snapshot_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void on_snapshot_signal(int sig)
{
	(void)sig;
	snapshot_signal = 1;
}

static void on_kick(int sig)
{
	(void)sig; /* interrupting KVM_RUN with EINTR is all it is for */
}

static void trace_io(struct vcpu *v, const char *what, uint64_t addr, const uint8_t *data,
		     uint32_t len, bool write)
{
	uint64_t value = 0;

	for (uint32_t i = len > 8 ? 8 : len; i-- > 0;)
		value = value << 8 | data[i];
	fprintf(v->vm->stats->out, "[exit] %s %s %#llx len %u data %#llx rip %#llx", what,
		write ? "write" : "read", (unsigned long long)addr, len,
		(unsigned long long)value, (unsigned long long)vcpu_regs(v)->rip);
	fprintf(v->vm->stats->out, v->id ? " cpu %d\n" : "\n", v->id);
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
	stats_count(&v->stats.pio, run->io.port);
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

	stats_count(&v->stats.mmio, run->mmio.phys_addr);
	bus_dispatch(&v->vm->mmio, run->mmio.phys_addr, run->mmio.data, len, run->mmio.is_write,
		     v);
	if (v->vm->stats->trace)
		trace_io(v, "mmio", run->mmio.phys_addr, run->mmio.data, len, run->mmio.is_write);
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

/* One exit, with the I/O lock held. */
static void dispatch(struct vcpu *v)
{
	uint32_t reason = v->run->exit_reason;

	stats_exit(&v->stats, reason);
	switch (reason) {
	case KVM_EXIT_IO:
		handle_io(v);
		break;
	case KVM_EXIT_MMIO:
		handle_mmio(v);
		break;
	case KVM_EXIT_HLT: /* only without an in-kernel LAPIC, which vmm always has */
		if (!(vcpu_regs(v)->rflags & RFLAGS_IF))
			vm_request_stop(v->vm, STATUS_HALT);
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

/* With an in-kernel LAPIC, HLT never exits: look at the vCPU when a kick
 * gets it out. Halted with interrupts off, or never started (an AP waiting
 * for INIT/SIPI), it can only be woken by another vCPU. */
static void check_halted(struct vcpu *v)
{
	struct kvm_mp_state mp;
	bool halted = false;

	if (KVM_CALL(v->vm, v->fd, KVM_GET_MP_STATE, &mp) == 0)
		halted = mp.mp_state == KVM_MP_STATE_UNINITIALIZED ||
			 (mp.mp_state == KVM_MP_STATE_HALTED &&
			  !(vcpu_regs(v)->rflags & RFLAGS_IF));
	__atomic_store_n(&v->halted_ticks, halted ? v->halted_ticks + 1 : 0, __ATOMIC_RELAXED);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;

	while (!vm_stopping(vm)) {
		int r = vcpu_enter(v);
		int err = errno;

		v->run->immediate_exit = 0;
		if (r < 0 && err == EAGAIN)
			continue; /* an AP woken by INIT/SIPI: KVM wants KVM_RUN again */
		if (r < 0 && err == EINTR) {
			stats_exit(&v->stats, KVM_EXIT_INTR);
			check_halted(v);
			continue;
		}
		__atomic_store_n(&v->halted_ticks, 0, __ATOMIC_RELAXED);
		pthread_mutex_lock(&vm->io_lock);
		/* Writes queued before this exit happened before it: replay them
		 * first, so devices see every access in guest order. */
		ring_drain(vm);
		if (r == 0) {
			dispatch(v);
		} else {
			char why[64];

			snprintf(why, sizeof(why), "KVM_RUN: %s", strerror(err));
			dump_fatal(v, why);
			vm_request_stop(vm, STATUS_INTERNAL);
		}
		pthread_mutex_unlock(&vm->io_lock);
	}
	return NULL;
}

static void install_signals(void)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction stop = { .sa_handler = on_stop_signal };
	struct sigaction kick = { .sa_handler = on_kick };
	struct sigaction snapshot = { .sa_handler = on_snapshot_signal };

	sigemptyset(&stop.sa_mask);
	sigemptyset(&kick.sa_mask);
	sigemptyset(&snapshot.sa_mask);
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		if (sigaction(stops[i], &stop, NULL) < 0)
			die_errno("sigaction");
	if (sigaction(SIG_KICK, &kick, NULL) < 0 || sigaction(SIGUSR1, &snapshot, NULL) < 0)
		die_errno("sigaction");
}

/* vCPU threads take only kicks (and their own faults); every other signal
 * goes to the host thread. */
static void start_vcpus(struct vcpu *vcpus, int n)
{
	sigset_t only_kick, old;

	static const int synchronous[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS };

	sigfillset(&only_kick);
	sigdelset(&only_kick, SIG_KICK);
	/* Faults and the sandbox's SIGSYS must reach the thread that caused them. */
	for (size_t i = 0; i < sizeof(synchronous) / sizeof(synchronous[0]); i++)
		sigdelset(&only_kick, synchronous[i]);
	pthread_sigmask(SIG_BLOCK, &only_kick, &old);
	for (int i = 0; i < n; i++) {
		errno = pthread_create(&vcpus[i].thread, NULL, vcpu_thread, &vcpus[i]);
		if (errno)
			die_errno("pthread_create");
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Every vCPU halted for good, seen twice in a row when there are several
 * (a vCPU seen halted a tick ago may since have been woken by another). */
static bool all_halted(struct vcpu *vcpus, int n)
{
	for (int i = 0; i < n; i++)
		if (__atomic_load_n(&vcpus[i].halted_ticks, __ATOMIC_RELAXED) < (n > 1 ? 2 : 1))
			return false;
	return true;
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Sleep until the next tick, a stop request or input; then do host work. */
static void host_wait(struct vm *vm, const struct run_hooks *h, int64_t next_tick)
{
	struct pollfd fds[2] = { { vm->wake_fd, POLLIN, 0 }, { h->input_fd(h->ctx), POLLIN, 0 } };
	int64_t wait = next_tick - now_ms();
	uint64_t count;

	if (poll(fds, fds[1].fd >= 0 ? 2 : 1, wait > 0 ? (int)wait : 0) > 0 &&
	    (fds[0].revents & POLLIN) && read(vm->wake_fd, &count, sizeof(count)) < 0)
		warn("eventfd read: %s", strerror(errno));
	if (stop_signal) {
		warn("stopped by signal %d", (int)stop_signal);
		vm_request_stop(vm, stop_signal == SIGINT ? STATUS_SIGINT : 128 + stop_signal);
	}
	h->watch(h->ctx);
	/* Never wait for the lock here: a vCPU holding it drains the ring
	 * itself, and the kicks that follow must go out whatever it does. */
	if (pthread_mutex_trylock(&vm->io_lock) != 0)
		return;
	ring_drain(vm); /* output the guest wrote and then went quiet on */
	h->tick(h->ctx);
	if (snapshot_signal) {
		snapshot_signal = 0; /* signals that arrive meanwhile make one snapshot */
		if (h->snapshot)
			h->snapshot(h->ctx);
	}
	pthread_mutex_unlock(&vm->io_lock);
}

static void stop_vcpus(struct vcpu *vcpus, int n)
{
	for (int i = 0; i < n; i++) {
		vcpus[i].run->immediate_exit = 1; /* a KVM_RUN about to start returns */
		pthread_kill(vcpus[i].thread, SIG_KICK);
	}
	for (int i = 0; i < n; i++)
		pthread_join(vcpus[i].thread, NULL);
}

int run_machine(struct vm *vm, struct vcpu *vcpus, int n, const struct run_hooks *hooks)
{
	int64_t next_tick = now_ms() + RUN_TICK_MS;

	install_signals();
	start_vcpus(vcpus, n);
	while (!vm_stopping(vm)) {
		host_wait(vm, hooks, next_tick);
		if (now_ms() < next_tick)
			continue;
		next_tick = now_ms() + RUN_TICK_MS;
		if (all_halted(vcpus, n))
			vm_request_stop(vm, STATUS_HALT);
		for (int i = 0; i < n && !vm_stopping(vm); i++)
			pthread_kill(vcpus[i].thread, SIG_KICK); /* for check_halted */
	}
	stop_vcpus(vcpus, n);
	ring_drain(vm);
	return vm->stop_status;
}
