#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/machine.h"
#include "vm/dump.h"
#include "vm/run.h"
#include "vm/vm.h"

static void trace_io(struct vcpu *v, const char *what, uint64_t addr, const uint8_t *data,
		     uint32_t len, bool write)
{
	uint64_t value = 0;

	for (uint32_t i = len > 8 ? 8 : len; i-- > 0;)
		value = value << 8 | data[i];
	fprintf(v->vm->stats->out, "[exit] %s %s %#llx len %u data %#llx rip %#llx", what,
		write ? "write" : "read", (unsigned long long)addr, len, (unsigned long long)value,
		(unsigned long long)vcpu_regs(v)->rip);
	fprintf(v->vm->stats->out, v->id ? " cpu %d\n" : "\n", v->id);
}

static void handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	struct vm *vm = v->vm;
	struct io_regs regs = vcpu_io_regs(v);
	bool out = run->io.direction == KVM_EXIT_IO_OUT;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint64_t bytes = (uint64_t)run->io.size * run->io.count;

	if (run->io.data_offset > v->run_size || bytes > v->run_size - run->io.data_offset)
		die(STATUS_INTERNAL, "KVM_EXIT_IO data outside kvm_run");
	stats_count(&v->stats.pio, run->io.port, out);
	/* A string instruction (rep outsb/insb) arrives as count accesses. */
	for (uint32_t i = 0; i < run->io.count; i++) {
		struct io_access a = { .data = data + (size_t)i * run->io.size,
				       .len = run->io.size,
				       .write = out,
				       .regs = &regs };

		bus_dispatch(&vm->pio, run->io.port, &a);
		if (vm->stats->trace)
			trace_io(v, "io", run->io.port, a.data, a.len, out);
	}
}

static void handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	struct io_regs regs = vcpu_io_regs(v);
	struct io_access a = { .data = run->mmio.data,
			       .len = run->mmio.len > 8 ? 8 : run->mmio.len,
			       .write = run->mmio.is_write,
			       .regs = &regs };

	stats_count(&v->stats.mmio, run->mmio.phys_addr, run->mmio.is_write);
	bus_dispatch(&v->vm->mmio, run->mmio.phys_addr, &a);
	if (v->vm->stats->trace)
		trace_io(v, "mmio", run->mmio.phys_addr, a.data, a.len, a.write);
}

static void handle_system_event(struct run *r, struct vcpu *v)
{
	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		run_request_stop(r, STATUS_HALT);
		break;
	case KVM_SYSTEM_EVENT_RESET:
		warn("guest reset the machine (KVM_SYSTEM_EVENT_RESET)");
		run_request_stop(r, STATUS_RESET);
		break;
	default:
		dump_fatal(v, "guest crashed (KVM_EXIT_SYSTEM_EVENT)");
		run_request_stop(r, STATUS_INTERNAL);
	}
}

/* One exit, with the I/O lock held. */
static void dispatch(struct run *r, struct vcpu *v)
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
			run_request_stop(r, STATUS_HALT);
		break;
	case KVM_EXIT_INTR:
		break;
	case KVM_EXIT_SHUTDOWN:
		dump_fatal(v, "guest triple fault (KVM_EXIT_SHUTDOWN)");
		run_request_stop(r, STATUS_SHUTDOWN);
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		handle_system_event(r, v);
		break;
	case KVM_EXIT_DEBUG: /* only while a debugger has set KVM_SET_GUEST_DEBUG */
		if (r->debug.on_exit && r->debug.on_exit(r->debug.ctx, v))
			break;
		/* fall through */
	default: /* KVM_EXIT_INTERNAL_ERROR, KVM_EXIT_FAIL_ENTRY, the unexpected */
		dump_fatal(v, NULL);
		run_request_stop(r, STATUS_INTERNAL);
	}
}

/* With an in-kernel LAPIC, HLT never exits: look at the vCPU when a kick
 * gets it out. Halted with interrupts off, or never started (an AP waiting
 * for INIT/SIPI), it can only be woken by another vCPU. */
static void check_halted(struct run_thread *t)
{
	struct vcpu *v = t->vcpu;
	struct kvm_mp_state mp;
	bool halted = false;

	if (KVM_CALL(v->vm, v->fd, KVM_GET_MP_STATE, &mp) == 0)
		halted = mp.mp_state == KVM_MP_STATE_UNINITIALIZED ||
			 (mp.mp_state == KVM_MP_STATE_HALTED &&
			  !(vcpu_regs(v)->rflags & RFLAGS_IF));
	__atomic_store_n(&t->halted_ticks, halted ? t->halted_ticks + 1 : 0, __ATOMIC_RELAXED);
}

/* A held vCPU, settled, waits here without using CPU until released. */
static void park(struct run_thread *t)
{
	struct run *r = t->run;

	__atomic_store_n(&t->halted_ticks, 0, __ATOMIC_RELAXED); /* held is not halted */
	pthread_mutex_lock(&r->park_lock);
	t->parked = true;
	pthread_cond_broadcast(&r->park_cond);
	while (__atomic_load_n(&t->held, __ATOMIC_SEQ_CST) && !run_stopping(r))
		pthread_cond_wait(&r->park_cond, &r->park_lock);
	t->parked = false;
	pthread_mutex_unlock(&r->park_lock);
	vcpu_end_stop(t->vcpu);
}

static void *vcpu_thread(void *arg)
{
	struct run_thread *t = arg;
	struct run *r = t->run;
	struct vcpu *v = t->vcpu;

	while (!run_stopping(r)) {
		bool hold = __atomic_load_n(&t->held, __ATOMIC_SEQ_CST);
		int ret, err;

		if (hold)
			vcpu_prepare_stop(v); /* this KVM_RUN only settles it */
		ret = vcpu_enter(v);
		err = errno;
		v->run->immediate_exit = 0;
		if (ret < 0 && err == EAGAIN)
			continue; /* an AP woken by INIT/SIPI: KVM wants KVM_RUN again */
		if (ret < 0 && err == EINTR && hold) {
			park(t);
			continue;
		}
		if (ret < 0 && err == EINTR) {
			stats_exit(&v->stats, KVM_EXIT_INTR);
			check_halted(t);
			continue;
		}
		__atomic_store_n(&t->halted_ticks, 0, __ATOMIC_RELAXED);
		__atomic_add_fetch(&t->exits, 1, __ATOMIC_RELAXED);
		pthread_mutex_lock(&r->io_lock);
		/* Writes queued before this exit happened before it: replay them
		 * first, so devices see every access in guest order. */
		ring_drain(&r->ring);
		if (ret == 0) {
			dispatch(r, v);
		} else {
			char why[64];

			snprintf(why, sizeof(why), "KVM_RUN: %s", strerror(err));
			dump_fatal(v, why);
			run_request_stop(r, STATUS_INTERNAL);
		}
		pthread_mutex_unlock(&r->io_lock);
	}
	return NULL;
}

/* vCPU threads take only kicks (and their own faults); every other signal
 * goes to the host thread. */
static void start_vcpus(struct run *r)
{
	static const int synchronous[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS };
	sigset_t only_kick, old;

	sigfillset(&only_kick);
	sigdelset(&only_kick, RUN_KICK_SIGNAL);
	/* Faults and the sandbox's SIGSYS must reach the thread that caused them. */
	for (size_t i = 0; i < sizeof(synchronous) / sizeof(synchronous[0]); i++)
		sigdelset(&only_kick, synchronous[i]);
	pthread_sigmask(SIG_BLOCK, &only_kick, &old);
	for (int i = 0; i < r->nr; i++) {
		errno = pthread_create(&r->threads[i].thread, NULL, vcpu_thread, &r->threads[i]);
		if (errno)
			die_errno("pthread_create");
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Every vCPU halted for good, seen twice in a row when there are several
 * (a vCPU seen halted a tick ago may since have been woken by another). */
static bool all_halted(const struct run *r)
{
	for (int i = 0; i < r->nr; i++)
		if (__atomic_load_n(&r->threads[i].halted_ticks, __ATOMIC_RELAXED) <
		    (r->nr > 1 ? 2 : 1))
			return false;
	return true;
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static bool past(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* Sleep until the next tick, a stop request or input; then do host work. */
static void host_wait(struct run *r, const struct run_hooks *h, int64_t next_tick)
{
	struct pollfd fds[2] = { { r->wake_fd, POLLIN, 0 }, { h->input_fd(h->ctx), POLLIN, 0 } };
	int64_t wait = next_tick - now_ms();
	uint64_t count;

	if (poll(fds, fds[1].fd >= 0 ? 2 : 1, wait > 0 ? (int)wait : 0) > 0 &&
	    (fds[0].revents & POLLIN) && read(r->wake_fd, &count, sizeof(count)) < 0)
		warn("eventfd read: %s", strerror(errno));
	h->watch(h->ctx);
	if (r->timeout > 0 && past(&r->deadline) && !run_stopping(r)) {
		warn("timeout: guest still running after %g s", r->timeout);
		run_request_stop(r, STATUS_TIMEOUT);
	}
	/* Never wait for the lock here: a vCPU holding it drains the ring
	 * itself, and the kicks that follow must go out whatever it does. */
	if (pthread_mutex_trylock(&r->io_lock) != 0)
		return;
	ring_drain(&r->ring); /* output the guest wrote and then went quiet on */
	h->tick(h->ctx);
	pthread_mutex_unlock(&r->io_lock);
}

/* Kick a vCPU for check_halted, unless it exited since the last tick: one
 * that exits is not halted, and a kick costs it an exit (a Linux boot
 * exits all the time, and would take 100 kicks a second for nothing). */
static void kick_if_quiet(struct run_thread *t)
{
	unsigned exits = __atomic_load_n(&t->exits, __ATOMIC_RELAXED);

	if (exits != t->exits_seen) {
		t->exits_seen = exits;
		return;
	}
	pthread_kill(t->thread, RUN_KICK_SIGNAL);
}

static void stop_vcpus(struct run *r)
{
	for (int i = 0; i < r->nr; i++) {
		r->threads[i].vcpu->run->immediate_exit = 1; /* a KVM_RUN about to start returns */
		pthread_kill(r->threads[i].thread, RUN_KICK_SIGNAL);
	}
	for (int i = 0; i < r->nr; i++)
		pthread_join(r->threads[i].thread, NULL);
}

void run_init(struct run *r, struct vm *vm, struct vcpu *vcpus, int n, double timeout)
{
	memset(r, 0, sizeof(*r));
	r->vm = vm;
	r->nr = n;
	r->stop_status = -1;
	r->timeout = timeout;
	pthread_mutex_init(&r->io_lock, NULL);
	pthread_mutex_init(&r->park_lock, NULL);
	pthread_cond_init(&r->park_cond, NULL);
	r->threads = calloc(n, sizeof(*r->threads));
	if (!r->threads)
		die_errno("calloc");
	for (int i = 0; i < n; i++)
		r->threads[i] = (struct run_thread){ .run = r, .vcpu = &vcpus[i] };
	ring_init(&r->ring, vm, &vcpus[0]);
	r->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->wake_fd < 0)
		die_errno("eventfd");
}

static void pull_stop(void *ctx, int status)
{
	run_request_stop(ctx, status);
}

struct stop_line run_stop_line(struct run *r)
{
	return (struct stop_line){ pull_stop, r };
}

/* From the vCPU that wrote SLP_EN: it parks before its next KVM_RUN, the
 * others as soon as the kick gets them out of theirs. */
static void pull_sleep(void *ctx)
{
	run_hold(ctx, -1, RUN_HOLD_SLEEP);
}

/* From the host thread's tick (an RTC alarm, a key): run_machine resumes
 * the machine once every vCPU has parked. */
static void pull_wake(void *ctx)
{
	struct run *r = ctx;

	pthread_mutex_lock(&r->park_lock);
	r->woken = __atomic_load_n(&r->threads[0].held, __ATOMIC_SEQ_CST) & RUN_HOLD_SLEEP;
	pthread_mutex_unlock(&r->park_lock);
}

struct sleep_line run_sleep_line(struct run *r)
{
	return (struct sleep_line){ pull_sleep, pull_wake, r };
}

/* Woken from S3 once every vCPU has parked: firmware's resume (the hook),
 * then let them run. */
static void resume_if_woken(struct run *r, const struct run_hooks *h)
{
	bool all = true;

	pthread_mutex_lock(&r->park_lock);
	for (int i = 0; i < r->nr; i++)
		all = all && r->threads[i].parked;
	if (!r->woken || !all) {
		pthread_mutex_unlock(&r->park_lock);
		return;
	}
	r->woken = false;
	pthread_mutex_unlock(&r->park_lock);
	h->resume(h->ctx);
	run_release(r, -1, RUN_HOLD_SLEEP);
}

void run_request_stop(struct run *r, int status)
{
	int running = -1;
	uint64_t one = 1;

	if (__atomic_compare_exchange_n(&r->stop_status, &running, status, false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST) &&
	    write(r->wake_fd, &one, sizeof(one)) < 0)
		warn("eventfd write: %s", strerror(errno));
	/* Held vCPUs and a debugger waiting for them see the end too. */
	pthread_mutex_lock(&r->park_lock);
	pthread_cond_broadcast(&r->park_cond);
	pthread_mutex_unlock(&r->park_lock);
}

bool run_stopping(struct run *r)
{
	return __atomic_load_n(&r->stop_status, __ATOMIC_SEQ_CST) >= 0;
}

static void set_deadline(struct run *r)
{
	clock_gettime(CLOCK_MONOTONIC, &r->deadline);
	r->deadline.tv_sec += (time_t)r->timeout;
	r->deadline.tv_nsec += (long)((r->timeout - (time_t)r->timeout) * 1e9);
	if (r->deadline.tv_nsec >= 1000000000L) {
		r->deadline.tv_sec++;
		r->deadline.tv_nsec -= 1000000000L;
	}
}

int run_machine(struct run *r, const struct run_hooks *hooks)
{
	int64_t next_tick = now_ms() + RUN_TICK_MS;

	set_deadline(r);
	start_vcpus(r);
	while (!run_stopping(r)) {
		host_wait(r, hooks, next_tick);
		if (now_ms() < next_tick)
			continue;
		next_tick = now_ms() + RUN_TICK_MS;
		resume_if_woken(r, hooks);
		if (all_halted(r))
			run_request_stop(r, STATUS_HALT);
		for (int i = 0; i < r->nr && !run_stopping(r); i++)
			kick_if_quiet(&r->threads[i]);
	}
	stop_vcpus(r);
	ring_drain(&r->ring);
	return r->stop_status;
}

void run_destroy(struct run *r)
{
	if (r->wake_fd >= 0)
		close(r->wake_fd);
	r->wake_fd = -1;
	free(r->threads);
	r->threads = NULL;
	pthread_mutex_destroy(&r->io_lock);
	pthread_mutex_destroy(&r->park_lock);
	pthread_cond_destroy(&r->park_cond);
}

void run_hold(struct run *r, int i, int reason)
{
	/* Under the lock that run_request_stop() takes before stop_vcpus()
	 * joins the threads, so no kick goes to a joined thread. */
	pthread_mutex_lock(&r->park_lock);
	for (int k = i < 0 ? 0 : i; k < (i < 0 ? r->nr : i + 1); k++) {
		struct run_thread *t = &r->threads[k];

		__atomic_or_fetch(&t->held, reason, __ATOMIC_SEQ_CST);
		/* Out of a KVM_RUN in progress; the loop checks held before the next. */
		__atomic_store_n(&t->vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		if (t->thread && !run_stopping(r))
			pthread_kill(t->thread, RUN_KICK_SIGNAL);
	}
	pthread_mutex_unlock(&r->park_lock);
}

bool run_wait_held(struct run *r)
{
	bool waiting = true;

	pthread_mutex_lock(&r->park_lock);
	while (waiting && !run_stopping(r)) {
		waiting = false;
		for (int k = 0; k < r->nr; k++)
			waiting |= __atomic_load_n(&r->threads[k].held, __ATOMIC_SEQ_CST) &&
				   !r->threads[k].parked;
		if (waiting)
			pthread_cond_wait(&r->park_cond, &r->park_lock);
	}
	pthread_mutex_unlock(&r->park_lock);
	return !run_stopping(r);
}

void run_release(struct run *r, int i, int reason)
{
	pthread_mutex_lock(&r->park_lock);
	for (int k = i < 0 ? 0 : i; k < (i < 0 ? r->nr : i + 1); k++)
		__atomic_and_fetch(&r->threads[k].held, ~reason, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(&r->park_cond);
	pthread_mutex_unlock(&r->park_lock);
}
