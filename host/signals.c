#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "host/signals.h"
#include "lib/log.h"
#include "vm/run.h"

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a seccomp trap (asm-generic/siginfo.h) */
#endif

/* Handlers can only reach file scope; there is one set per process. */
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t stop_sender; /* the pid that sent it */
static volatile sig_atomic_t snapshot_signal;
static volatile sig_atomic_t report_signal;
static void (*volatile fatal_cleanup)(void);
static void (*volatile suspend_leave)(void);
static void (*volatile suspend_resume)(void);

static void on_stop(int sig, siginfo_t *info, void *ctx)
{
	(void)ctx;
	stop_sender = info->si_pid;
	stop_signal = sig;
}

static void on_snapshot(int sig)
{
	(void)sig;
	snapshot_signal = 1;
}

static void on_report(int sig)
{
	(void)sig;
	report_signal = 1;
}

static void on_kick(int sig)
{
	(void)sig; /* interrupting KVM_RUN with EINTR is all it is for */
}

/* Clean up, then die of the same signal with its default action. */
static void on_fatal(int sig)
{
	if (fatal_cleanup)
		fatal_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* SIGTSTP: put the terminal back, then stop as the default action does
 * (the same signal, so the shell reports it as usual); SIGCONT lands here
 * again. Every call is async-signal-safe. */
static void on_suspend(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, self = { .sa_handler = on_suspend };
	sigset_t set;
	int saved = errno;

	if (suspend_leave)
		suspend_leave();
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigaction(sig, &dfl, NULL);
	raise(sig);                           /* pending: blocked while its handler runs */
	sigprocmask(SIG_UNBLOCK, &set, NULL); /* stops here until SIGCONT */
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigemptyset(&self.sa_mask);
	sigaction(sig, &self, NULL);
	/* In an orphaned process group the stop is discarded (POSIX: no shell
	 * could continue it) and no SIGCONT comes: raw again here too. */
	if (suspend_resume)
		suspend_resume();
	errno = saved;
}

/* SIGCONT, after any stop (SIGSTOP too): the shell may have put the
 * terminal back in its own mode meanwhile. */
static void on_continue(int sig)
{
	int saved = errno;

	(void)sig;
	if (suspend_resume)
		suspend_resume();
	errno = saved;
}

/* The sandbox's SECCOMP_RET_TRAP: say which call was refused (with
 * write(2) alone: this runs in a signal handler), then die of SIGSYS. */
static void on_sigsys(int sig, siginfo_t *info, void *ctx)
{
	char msg[64] = "vmm: sandbox: forbidden system call ";
	char num[12];
	int n = 0, len = strlen(msg);

	(void)ctx;
	if (info->si_code == SYS_SECCOMP) {
		for (int v = info->si_syscall; n == 0 || v; v /= 10)
			num[n++] = '0' + v % 10;
		while (n)
			msg[len++] = num[--n];
		msg[len++] = '\n';
		if (write(STDERR_FILENO, msg, len) < 0) {
			/* nothing more to do: the process dies either way */
		}
	}
	on_fatal(sig);
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa = { .sa_handler = fn };

	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0)
		die_errno("sigaction");
}

/* Signals whose default would end vmm without a word: each ends the run
 * as SIGTERM does (status 128 + the signal), terminal restored, output
 * flushed. SIGXCPU is what `ulimit -t` sends before its SIGKILL. */
static const int stops[] = { SIGHUP,  SIGINT,  SIGTERM, SIGALRM,   SIGVTALRM,
			     SIGPROF, SIGXCPU, SIGPWR,  SIGSTKFLT, SIGIO };

void signals_install(void)
{
	struct sigaction sys = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
	struct sigaction stop = { .sa_sigaction = on_stop, .sa_flags = SA_SIGINFO };
	sigset_t none;

	sigemptyset(&none);
	/* One stop handler at a time: the sender and the signal it records
	 * stay a pair. */
	sigemptyset(&stop.sa_mask);
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaddset(&stop.sa_mask, stops[i]);
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		if (sigaction(stops[i], &stop, NULL) < 0)
			die_errno("sigaction");
	/* The real-time signals' default is to terminate too. Not fatal to
	 * fail: valgrind keeps one for itself (EINVAL). */
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaction(sig, &stop, NULL);
	handle(SIGUSR1, on_snapshot);
	handle(SIGQUIT, on_report);
	handle(RUN_KICK_SIGNAL, on_kick);
	/* Output errors, counted where the write fails: a closed pipe, and a
	 * file at its `ulimit -f` (write then fails with EFBIG). */
	handle(SIGPIPE, SIG_IGN);
	handle(SIGXFSZ, SIG_IGN);
	sigemptyset(&sys.sa_mask);
	if (sigaction(SIGSYS, &sys, NULL) < 0)
		die_errno("sigaction(SIGSYS)");
	/* A parent may have left signals blocked (the mask survives exec): a
	 * blocked SIGTERM could not stop vmm. Now that each has its handler,
	 * let them in, including any already pending: the whole mask is
	 * cleared. */
	sigprocmask(SIG_SETMASK, &none, NULL);
}

void signals_on_fatal(void (*cleanup)(void))
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };

	fatal_cleanup = cleanup;
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		handle(fatal[i], on_fatal);
}

void signals_on_suspend(void (*leave)(void), void (*resume)(void))
{
	suspend_leave = leave;
	suspend_resume = resume;
	handle(SIGTSTP, on_suspend);
	handle(SIGCONT, on_continue);
}

bool signals_stop_pending(void)
{
	return stop_signal != 0;
}

int signals_stop_sender(void)
{
	return stop_sender;
}

/* Read and clear in one step: a signal between a read and a separate
 * clear would be lost. */
static int take(volatile sig_atomic_t *flag)
{
	return __atomic_exchange_n(flag, 0, __ATOMIC_SEQ_CST);
}

int signals_take_stop(void)
{
	return take(&stop_signal);
}

bool signals_take_snapshot(void)
{
	return take(&snapshot_signal);
}

bool signals_take_report(void)
{
	return take(&report_signal);
}
