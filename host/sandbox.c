#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "host/sandbox.h"
#include "lib/log.h"

#define X32_SYSCALL_BIT 0x40000000
#define MAX_VALUES 28
#define PROG_MAX 224

/* A syscall and, optionally, the values one argument may take. */
struct rule {
	int nr;
	int arg;       /* -1: any arguments */
	uint32_t mask; /* applied to the argument before comparing */
	int nr_values;
	uint32_t values[MAX_VALUES];
};

/* The calls allowed with any arguments: a table, kept dense. The files
 * open after this point are vmm's own. */
/* clang-format off */
static const int plain[] = {
	SYS_write, SYS_close, SYS_poll, SYS_ppoll, SYS_futex, SYS_clock_gettime,
	SYS_clock_nanosleep, SYS_nanosleep, SYS_rt_sigreturn, SYS_rt_sigprocmask,
	SYS_rt_sigaction, SYS_restart_syscall, SYS_tgkill, SYS_gettid, SYS_getpid,
	SYS_exit, SYS_exit_group, SYS_brk, SYS_mmap, SYS_munmap, SYS_mprotect, SYS_madvise,
	SYS_clone, SYS_clone3, SYS_set_robust_list, SYS_rseq, SYS_sched_yield,
	SYS_fstat, SYS_newfstatat, SYS_lseek, SYS_fsync, SYS_rename, SYS_renameat,
	SYS_unlink, SYS_unlinkat, SYS_getrandom, SYS_dup2, SYS_dup3, SYS_getpgrp,
};
/* clang-format on */

#define LD_ARG(i) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[i]))
/* TRAP, not KILL: the process still dies, by SIGSYS, but it can first say
 * which call it was refused and restore the terminal (host/signals.c). */
#define KILL BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP)
#define ALLOW BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

/* "if nr matches: check the argument, allow or kill; else go on". */
static int emit_rule(struct sock_filter *p, const struct rule *r)
{
	int n = 0, body = r->arg < 0 ? 1 : 2 + (r->mask != 0) + r->nr_values + 1;

	p[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->nr, 0, body);
	if (r->arg < 0) {
		p[n++] = (struct sock_filter)ALLOW;
		return n;
	}
	p[n++] = (struct sock_filter)LD_ARG(r->arg); /* low 32 bits: what the kernel uses */
	if (r->mask)
		p[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, r->mask);
	for (int i = 0; i < r->nr_values; i++)
		p[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->values[i],
						      (uint8_t)(r->nr_values - i), 0);
	p[n++] = (struct sock_filter)KILL;
	p[n++] = (struct sock_filter)ALLOW;
	return n;
}

/* A rule's list is fixed-size: a new ioctl or fd that overflows it is
 * vmm's bug, caught at the first run rather than as a broken filter. */
static void add_value(struct rule *r, uint32_t value)
{
	if (r->nr_values >= MAX_VALUES)
		die(STATUS_INTERNAL, "sandbox: more than %d values for syscall %d", MAX_VALUES,
		    r->nr);
	r->values[r->nr_values++] = value;
}

/* pread64 on an fd in [first, last], KVM's statistics: one fd per vCPU, up
 * to 254, more than a rule's list holds. None: no pread at all. Leaves the
 * syscall number in A, as the rules do. */
static int emit_pread(struct sock_filter *p, int first, int last)
{
	int n = 0;

	if (first < 0)
		return 0;
	p[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pread64, 0, 5);
	p[n++] = (struct sock_filter)LD_ARG(0);
	p[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)first, 0, 1);
	p[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)last, 0, 1);
	p[n++] = (struct sock_filter)KILL;
	p[n++] = (struct sock_filter)ALLOW;
	return n;
}

static int build(struct sock_filter *p, const struct rule *rules, int nr_rules,
		 const struct sandbox_fds *fds)
{
	int n = 0;

	p[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	p[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	p[n++] = (struct sock_filter)KILL;
	p[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	p[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1);
	p[n++] = (struct sock_filter)KILL;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		struct rule r = { .nr = plain[i], .arg = -1 };

		n += emit_rule(p + n, &r);
	}
	n += emit_pread(p + n, fds->stats_first, fds->stats_last);
	for (int i = 0; i < nr_rules; i++) {
		/* Each rule leaves the syscall number in A for the next one. */
		n += emit_rule(p + n, &rules[i]);
		if (rules[i].arg >= 0)
			p[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
							      offsetof(struct seccomp_data, nr));
	}
	p[n++] = (struct sock_filter)KILL;
	return n;
}

/* The ioctls any run may make after setup (vCPUs, devices, the console).
 * KVM_SET_SREGS: what an ACPI S3 resume sets (vmm.c's on_resume) and a
 * debugger writes; KVM_IOEVENTFD: pci-testdev's eventfd tests; TIOCGPGRP:
 * whether vmm is in the foreground after SIGCONT (host/console.c). */
static const uint32_t base_ioctls[] = {
	KVM_RUN,          KVM_IRQ_LINE,  KVM_GET_MP_STATE, KVM_GET_VCPU_EVENTS,
	KVM_GET_REGS,     KVM_SET_REGS,  KVM_GET_SREGS,    KVM_GET_DIRTY_LOG,
	TCGETS,           TCSETS,        TCSETSW,          KVM_SET_SREGS,
	KVM_SET_MP_STATE, KVM_GET_PIT2,  KVM_SET_PIT2,     KVM_GET_IRQCHIP,
	KVM_SET_IRQCHIP,  KVM_IOEVENTFD, TIOCGPGRP,
};

/* The ioctls a debugger adds (host/gdb.c, vm/debug.c): guest debugging,
 * registers one at a time or in lists, x87/SSE state, translations. */
static const uint32_t gdb_ioctls[] = {
	KVM_SET_GUEST_DEBUG, KVM_GET_ONE_REG, KVM_SET_ONE_REG, KVM_GET_MSRS,     KVM_SET_MSRS,
	KVM_GET_FPU,         KVM_SET_FPU,     KVM_TRANSLATE,   KVM_GET_REG_LIST,
};

void sandbox_install(const struct sandbox_fds *fds)
{
	struct rule rules[] = {
		{ SYS_read, 0, 0, 1, { STDIN_FILENO } },
		{ SYS_ioctl, 1, 0, 0, { 0 } }, /* base_ioctls, gdb_ioctls */
		{ SYS_openat, 2, O_ACCMODE, 1, { O_WRONLY } },
		{ SYS_accept4, 0, 0, 1, { (uint32_t)fds->listen } },
		{ SYS_recvfrom, -1, 0, 0, { 0 } },
		{ SYS_setsockopt, 1, 0, 1, { IPPROTO_TCP } },
	};
	int nr_rules = fds->listen >= 0 ? 6 : 3;
	struct sock_filter prog[PROG_MAX];
	struct sock_fprog fprog = { 0, prog };

	for (int i = 0; i < SANDBOX_MAX_FDS; i++)
		if (fds->read[i] >= 0)
			add_value(&rules[0], (uint32_t)fds->read[i]);
	for (size_t i = 0; i < sizeof(base_ioctls) / sizeof(base_ioctls[0]); i++)
		add_value(&rules[1], base_ioctls[i]);
	for (size_t i = 0; fds->listen >= 0 && i < sizeof(gdb_ioctls) / sizeof(gdb_ioctls[0]); i++)
		add_value(&rules[1], gdb_ioctls[i]);
	fprog.len = (unsigned short)build(prog, rules, nr_rules, fds);

	/* build() writes at most PROG_MAX; checked here, where it is cheap. */
	if (fprog.len > PROG_MAX)
		die(STATUS_HOST, "sandbox: filter of %u instructions overflowed", fprog.len);

	log_keep_limits(); /* getrlimit is not in the filter */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno("prctl(PR_SET_NO_NEW_PRIVS)");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
		die_errno("seccomp(SECCOMP_SET_MODE_FILTER)");
}
