#ifndef SIGNALS_H
#define SIGNALS_H

#include <stdbool.h>

/* Every signal handler vmm has, set up here and nowhere else, in this
 * order:
 * 1. signals_install(), first thing in main(), so that a signal arriving
 *    while a large image loads already finds its handler; then it
 *    unblocks every signal (a parent may have left some blocked), so one
 *    pending since before exec arrives now:
 *      SIGINT, SIGTERM, SIGHUP, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU,
 *      SIGPWR, SIGSTKFLT, SIGIO, SIGRTMIN..SIGRTMAX
 *                               end the run (status 128 + signal): every
 *                               signal whose default is to terminate
 *      SIGUSR1                  a framebuffer snapshot
 *      SIGQUIT                  print each vCPU's state; the guest goes on
 *      SIGUSR2                  the run loop's kick (RUN_KICK_SIGNAL): it
 *                               only interrupts a vCPU thread's KVM_RUN
 *      SIGPIPE, SIGXFSZ         ignored: a closed stdout, or a file at its
 *                               size limit, is an error that the console
 *                               counts, not a death
 *      SIGSYS                   the sandbox refused a call: name it, then
 *                               die as below
 * 2. signals_on_fatal(), when the console puts the terminal in raw mode:
 *    SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT and SIGTRAP then restore the
 *    terminal before the process dies of the signal. (Only then: the
 *    sanitizers' own handlers stay in place otherwise.)
 * 3. signals_on_suspend(), at the same point: SIGTSTP restores the
 *    terminal, then stops vmm as its default would; SIGCONT (after any
 *    stop) puts the terminal back in raw mode if vmm is in the foreground,
 *    as does a SIGTSTP the kernel dropped (an orphaned process group).
 * SIGKILL and SIGSTOP cannot be caught; SIGTTIN and SIGTTOU (a background
 * vmm touching the terminal) stop vmm as they are.
 * The handlers only set flags that the host thread reads at its next tick,
 * or restore the terminal and die. */
void signals_install(void);
/* Run cleanup (async-signal-safe) before dying of a fatal signal. */
void signals_on_fatal(void (*cleanup)(void));
/* Run leave (async-signal-safe) before a SIGTSTP stops vmm, and resume on
 * each SIGCONT. */
void signals_on_suspend(void (*leave)(void), void (*resume)(void));
/* The signal that asks the run to stop, or 0; clears it. */
int signals_take_stop(void);
/* Whether one came and was not taken: after the run, it cuts vmm's last
 * words short. */
bool signals_stop_pending(void);
/* The pid that sent the last stop signal (0: the kernel, or none). */
int signals_stop_sender(void);
/* Whether SIGUSR1 came since the last call (several make one). */
bool signals_take_snapshot(void);
/* The same for SIGQUIT. */
bool signals_take_report(void);

#endif
