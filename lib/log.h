#ifndef LOG_H
#define LOG_H

#include <stdio.h>
#include <stdnoreturn.h>

/* Exit statuses of vmm. Even numbers only: a guest's debug-exit status
 * (value << 1) | 1 is always odd, so the two never collide. */
enum vmm_status {
	STATUS_HALT = 0,      /* guest halted with interrupts off, or powered off */
	STATUS_USAGE = 2,     /* bad command line */
	STATUS_IMAGE = 4,     /* bad guest image or input file */
	STATUS_HOST = 6,      /* /dev/kvm or a host call failed */
	STATUS_SHUTDOWN = 8,  /* triple fault (KVM_EXIT_SHUTDOWN) */
	STATUS_INTERNAL = 10, /* KVM internal error or failed entry */
	STATUS_RESET = 12,    /* guest asked for a reset */
	STATUS_QUIT = 14,     /* user typed the escape sequence Ctrl-A x */
	STATUS_GDB_KILL = 16, /* gdb's kill command (--gdb) */
	STATUS_TIMEOUT = 124, /* --timeout expired, as timeout(1) */
	STATUS_SIGINT = 130,  /* 128 + signal number, as the shell */
	STATUS_SIGTERM = 143,
	STATUS_QEMU_ERROR = 1, /* QEMU's command line: QEMU's status for any failure to start */
};

/* Print "vmm: message" to stderr and exit with the given status. */
noreturn void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Host failure: "vmm: what: strerror(errno)", exit STATUS_HOST. */
noreturn void die_errno(const char *what);
/* Read now the limits die_errno names (ulimit -n, -v): the sandbox, which
 * refuses getrlimit, calls it before it goes on. */
void log_keep_limits(void);
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Where vmm's own words go (warnings, --stats, --trace, register dumps):
 * stderr, until the console gives a stream that never blocks for long
 * (host/console.c). */
FILE *log_stream(void);
void log_set_stream(FILE *f);
/* Report as QEMU does, for runners that read its stderr and status: each
 * warning says "warning: " (kvm-unit-tests ignores only those lines), and
 * die() exits with STATUS_QEMU_ERROR. Set once, before the VM exists. */
void log_qemu_style(void);

#endif
