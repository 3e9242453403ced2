#ifndef SANDBOX_H
#define SANDBOX_H

#define SANDBOX_MAX_FDS 4

/* What the running vmm may read from and accept on besides stdin. */
struct sandbox_fds {
	int read[SANDBOX_MAX_FDS]; /* eventfds; -1: unused */
	int listen;                /* the gdb stub's socket, or -1: no --gdb */
	/* KVM's statistics fds (vm/kvmstats.c), the only ones vmm preads: the
	 * lowest and highest, -1 for none. A range, not a list (one fd per
	 * vCPU, up to 254): opened one after another, they take the lowest
	 * free fds, so only an fd vmm inherited open can sit between them. */
	int stats_first, stats_last;
};

/* Confine the process, and every thread it creates afterwards, to the
 * system calls the run loop, the devices and the console need (seccomp
 * BPF, no library): read only from stdin and the given eventfds, pread
 * only from the statistics fds, ioctl
 * only with the KVM and terminal requests vmm makes while running, open
 * only to write (framebuffer snapshots). With a gdb stub (listen >= 0),
 * also accept4 on that socket, recvfrom and TCP setsockopt on the
 * connection, and the ioctls a debugger makes. Anything else kills the
 * process. Host failures to install it are fatal. */
void sandbox_install(const struct sandbox_fds *fds);

#endif
