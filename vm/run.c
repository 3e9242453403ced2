#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "lib/machine.h"
#include "lib/thread.h"
#include "vm/dump.h"
#include "vm/run.h"
#include "vm/vm.h"

static void trace_io(struct vcpu *v, const char *what, uint64_t addr, const uint8_t *data,
		     uint32_t len, bool write)
{
	uint64_t value = 0;

	for (uint32_t i = len > 8 ? 8 : len; i-- > 0;)
		value = value << 8 | data[i];
	fprintf(log_stream(), "[exit] %s %s %#llx len %u data %#llx rip %#llx", what,
		write ? "write" : "read", (unsigned long long)addr, len, (unsigned long long)value,
		(unsigned long long)vcpu_regs(v)->rip);
	fprintf(log_stream(), v->id ? " cpu %d\n" : "\n", v->id);
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
	if (v->vm->stats->enabled) /* a scan of up to 64 addresses: only for --stats */
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

	if (v->vm->stats->enabled)
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

static void wake_host(struct run *r)
{
	if (eventfd_write(r->wake_fd, 1) < 0)
		warn("eventfd write: %s", strerror(errno));
}

static void count_exit(struct run_thread *t)
{
	t->last_exit = t->vcpu->run->exit_reason;
	/* One writer; seq_cst orders it before the load of napping that
	 * follows, as the host thread stores napping before reading this. */
	__atomic_store_n(&t->exits, t->exits + 1, __ATOMIC_SEQ_CST);
}

static void *vcpu_thread(void *arg)
{
	struct run_thread *t = arg;
	struct run *r = t->run;
	struct vcpu *v = t->vcpu;

	while (!run_stopping(r)) {
		bool hold;
		int ret, err;

		if (look_on(&r->look)) {
			look_park(t);
			continue;
		}
		hold = __atomic_load_n(&t->held, __ATOMIC_SEQ_CST);
		if (hold)
			vcpu_prepare_stop(v); /* this KVM_RUN only settles it */
		ret = vcpu_enter(v);
		err = errno;
		/* Cleared before the next check of looking, held or stopping: a
		 * request made after that check sets it again and finds it set. */
		__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
		if (ret < 0 && err == EAGAIN)
			continue; /* an AP woken by INIT/SIPI: KVM wants KVM_RUN again */
		if (ret < 0 && err == EINTR && hold) {
			run_park(t);
			continue;
		}
		if (ret < 0 && err == EINTR) {
			stats_exit(&v->stats, KVM_EXIT_INTR); /* a kick: a look, a hold or a stop */
			continue;
		}
		count_exit(t);
		if (__atomic_load_n(&r->napping, __ATOMIC_RELAXED) &&
		    __atomic_exchange_n(&r->napping, 0, __ATOMIC_SEQ_CST))
			wake_host(r); /* back to ticks: the guest is doing something */
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

static void stop_vcpus(struct run *r)
{
	for (int i = 0; i < r->nr; i++)
		run_kick(&r->threads[i]);
	for (int i = 0; i < r->nr; i++)
		pthread_join(r->threads[i].thread, NULL);
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
		int err = thread_start(&r->threads[i].thread, vcpu_thread, &r->threads[i]);

		if (err) {
			/* The ones started are running the guest: stop them
			 * first, so nothing writes while vmm exits. */
			run_request_stop(r, STATUS_HOST);
			r->nr = i;
			stop_vcpus(r);
			errno = err;
			die_errno("pthread_create (a thread per vCPU: ulimit -u?)");
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* What a wait found. The guest moving (a vCPU in an exit, ring entries)
 * puts the next look off; host work (input, a wake-up, output vmm could
 * not deliver yet, an RTC interrupt that only ticks raise) only keeps the
 * ticks at RUN_TICK_MS: a guest halted for good is over whatever stdout
 * does. */
enum { WAIT_MOVED = 1, WAIT_BUSY = 2 };

/* Sleep until the next tick, the timeout, a wake-up or input; then do host
 * work. Returns what it found (WAIT_*). */
static unsigned host_wait(struct run *r, const struct run_hooks *h, int64_t next_tick)
{
	struct pollfd fds[2] = { { r->wake_fd, POLLIN, 0 }, { h->input_fd(h->ctx), POLLIN, 0 } };
	int64_t until = r->timeout > 0 && r->deadline < next_tick ? r->deadline : next_tick;
	int64_t wait = until - now_ms();
	uint64_t count;
	unsigned found = 0;

	if (poll(fds, fds[1].fd >= 0 ? 2 : 1, wait > 0 ? (int)wait : 0) > 0)
		found = WAIT_BUSY;
	if (found && (fds[0].revents & POLLIN) && read(r->wake_fd, &count, sizeof(count)) < 0)
		warn("eventfd read: %s", strerror(errno));
	h->watch(h->ctx);
	if (r->timeout > 0 && now_ms() >= r->deadline && !run_stopping(r)) {
		warn("timeout: guest still running after %g s", r->timeout);
		run_request_stop(r, STATUS_TIMEOUT);
	}
	/* Never wait for the lock here: a vCPU holding it drains the ring
	 * itself, and the kicks that follow must go out whatever it does. */
	if (pthread_mutex_trylock(&r->io_lock) != 0)
		return WAIT_MOVED | WAIT_BUSY; /* a vCPU is handling an exit */
	if (ring_drain(&r->ring) > 0)          /* output the guest wrote and then went quiet on */
		found |= WAIT_MOVED | WAIT_BUSY;
	if (h->tick(h->ctx))
		found |= WAIT_BUSY;
	pthread_mutex_unlock(&r->io_lock);
	return found;
}

/* Out of KVM_RUN, after setting the flag the thread checks (stopping or
 * looking): one running returns at once, one about to start returns
 * without entering (immediate_exit), one outside sees the flag. */
void run_kick(struct run_thread *t)
{
	__atomic_store_n(&t->vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(t->thread, RUN_KICK_SIGNAL);
}

void run_init(struct run *r, struct vm *vm, struct vcpu *vcpus, int n, double timeout)
{
	memset(r, 0, sizeof(*r));
	r->vm = vm;
	r->nr = n;
	r->stop_status = -1;
	r->timeout = timeout;
	pthread_mutex_init(&r->io_lock, NULL);
	look_init(&r->look);
	pthread_mutex_init(&r->park_lock, NULL);
	pthread_cond_init(&r->park_cond, NULL);
	r->threads = calloc(n, sizeof(*r->threads));
	if (!r->threads)
		die_errno("calloc");
	for (int i = 0; i < n; i++)
		r->threads[i] = (struct run_thread){ .run = r, .vcpu = &vcpus[i] };
	ring_init(&r->ring, vm, &vcpus[0]);
	watch_init(&r->watch, vm, vcpus, n);
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

void run_request_stop(struct run *r, int status)
{
	int running = -1;

	if (!__atomic_compare_exchange_n(&r->stop_status, &running, status, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		return;
	wake_host(r);
	look_wake(&r->look); /* a look waiting for threads gives up */
	/* Held vCPUs and a debugger waiting for them see the end too. */
	pthread_mutex_lock(&r->park_lock);
	pthread_cond_broadcast(&r->park_cond);
	pthread_mutex_unlock(&r->park_lock);
}

void run_request_report(struct run *r)
{
	__atomic_store_n(&r->report, 1, __ATOMIC_SEQ_CST);
}

bool run_stopping(struct run *r)
{
	return __atomic_load_n(&r->stop_status, __ATOMIC_SEQ_CST) >= 0;
}

/* The host thread's loop: ticks every RUN_TICK_MS while the guest makes
 * exits or the host has work, ever further apart (up to RUN_NAP_MAX_MS)
 * otherwise, since an idle guest's timer interrupts need no host thread;
 * then the first exit wakes it (vcpu_thread). */
/* An exit counted after watch_note read the counters but before napping
 * was set found napping clear and woke no one: no nap then. */
static bool exits_since_note(struct run *r)
{
	for (int i = 0; i < r->nr; i++)
		if (watch_moved_since(&r->watch, i,
				      __atomic_load_n(&r->threads[i].exits, __ATOMIC_SEQ_CST)))
			return true;
	return false;
}

int run_machine(struct run *r, const struct run_hooks *hooks)
{
	int64_t interval = RUN_TICK_MS, next_tick = now_ms() + interval;

	r->deadline = now_ms() + (int64_t)(r->timeout * 1000);
	start_vcpus(r);
	while (!run_stopping(r)) {
		unsigned found = host_wait(r, hooks, next_tick);
		unsigned moved = (found & WAIT_MOVED) ? WATCH_EXITS : 0;
		int64_t now = now_ms();

		if (__atomic_exchange_n(&r->report, 0, __ATOMIC_SEQ_CST))
			look_report(r);
		if (now < next_tick) {
			if (found && next_tick > now + RUN_TICK_MS)
				next_tick = now + RUN_TICK_MS; /* woken from a nap */
			continue;
		}
		run_resume_if_woken(r, hooks);
		for (int i = 0; i < r->nr; i++)
			moved |= watch_note(
				&r->watch, i,
				__atomic_load_n(&r->threads[i].exits, __ATOMIC_RELAXED));
		if (watch_due(&r->watch, moved, now) && !run_stopping(r))
			look_check_over(r);
		interval = (moved & WATCH_EXITS) || (found & WAIT_BUSY) ? RUN_TICK_MS
			   : interval * 2 < RUN_NAP_MAX_MS              ? interval * 2
									: RUN_NAP_MAX_MS;
		__atomic_store_n(&r->napping, interval > RUN_TICK_MS, __ATOMIC_SEQ_CST);
		if (interval > RUN_TICK_MS && exits_since_note(r)) {
			__atomic_store_n(&r->napping, 0, __ATOMIC_SEQ_CST);
			interval = RUN_TICK_MS;
		}
		next_tick = now + interval;
	}
	stop_vcpus(r);
	ring_drain(&r->ring);
	return r->stop_status;
}

int64_t run_time_left(const struct run *r)
{
	int64_t left = r->deadline - now_ms();

	return r->timeout <= 0 ? INT64_MAX : left > 0 ? left : 0;
}

void run_destroy(struct run *r)
{
	if (r->wake_fd >= 0)
		close(r->wake_fd);
	r->wake_fd = -1;
	free(r->threads);
	r->threads = NULL;
	watch_destroy(&r->watch);
	pthread_mutex_destroy(&r->io_lock);
	look_destroy(&r->look);
	pthread_mutex_destroy(&r->park_lock);
	pthread_cond_destroy(&r->park_cond);
}
