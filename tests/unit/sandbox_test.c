/* The seccomp filter (host/sandbox.c) refuses what it must and lets through
 * what a running vmm needs. Each case runs in a child that installs the
 * filter and makes one system call: a refused call must kill the child
 * with SIGSYS, an allowed one must return. Prints one line per case and
 * "N passed, N failed"; exits 1 if any failed. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host/sandbox.h"
#include "lib/log.h"

#define X32_SYSCALL_BIT 0x40000000

/* What each child has open before the filter goes on. */
struct fds {
	int wake;  /* an eventfd, as the VM's wake_fd */
	int other; /* /dev/zero: open, but not one vmm may read */
	int stats; /* /dev/zero again, standing for KVM's statistics fd */
	const char *tmp;
	pid_t parent;
};

/* A case returns 0 when its call behaved as an allowed call should. */
static int do_socket(const struct fds *f)
{
	(void)f;
	return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : -1;
}

static int do_execve(const struct fds *f)
{
	char *argv[] = { "true", NULL };

	(void)f;
	return execve("/bin/true", argv, NULL);
}

static int do_read_other(const struct fds *f)
{
	char c;

	return read(f->other, &c, 1) == 1 ? 0 : -1;
}

static int do_pread_other(const struct fds *f)
{
	char c;

	return pread(f->other, &c, 1, 0) == 1 ? 0 : -1;
}

static int do_pread_stats(const struct fds *f)
{
	char c;

	return pread(f->stats, &c, 1, 0) == 1 ? 0 : -1;
}

static int do_open_read(const struct fds *f)
{
	(void)f;
	return open("/etc/hostname", O_RDONLY) >= 0 ? 0 : -1;
}

static int do_open_rdwr(const struct fds *f)
{
	return open(f->tmp, O_RDWR | O_CREAT, 0600) >= 0 ? 0 : -1;
}

static int do_ioctl_other(const struct fds *f)
{
	int n;

	return ioctl(f->wake, FIONREAD, &n);
}

static int do_kill(const struct fds *f)
{
	return kill(f->parent, 0);
}

static int do_x32(const struct fds *f)
{
	(void)f;
	return (int)syscall(X32_SYSCALL_BIT | SYS_getpid);
}

static int do_write_stdout(const struct fds *f)
{
	static const char msg[] = "  (written to stdout under the filter)\n";

	(void)f;
	return write(STDOUT_FILENO, msg, sizeof(msg) - 1) == sizeof(msg) - 1 ? 0 : -1;
}

static int do_read_stdin(const struct fds *f)
{
	char c;

	(void)f;
	return read(STDIN_FILENO, &c, 1) >= 0 ? 0 : -1; /* /dev/null: 0 */
}

static int do_read_wake(const struct fds *f)
{
	uint64_t v;

	/* Non-blocking and nothing written: EAGAIN, but the call is allowed. */
	return read(f->wake, &v, sizeof(v)) < 0 && errno == EAGAIN ? 0 : -1;
}

static int do_open_write(const struct fds *f)
{
	int fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	return fd >= 0 && write(fd, "png", 3) == 3 && close(fd) == 0 && unlink(f->tmp) == 0 ? 0
											    : -1;
}

static int do_die_emfile(const struct fds *f)
{
	(void)f;
	errno = EMFILE;
	die_errno("out of fds under the filter"); /* names ulimit -n: status 6 */
}

static void *thread_main(void *arg)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return arg;
}

static int do_thread(const struct fds *f)
{
	pthread_t t;
	void *ret;

	(void)f;
	return pthread_create(&t, NULL, thread_main, (void *)1) == 0 &&
			       pthread_join(t, &ret) == 0 && ret == (void *)1
		       ? 0
		       : -1;
}

static const struct test {
	const char *name;
	int (*fn)(const struct fds *f);
	bool allowed;
	int status; /* an allowed case's exit status */
} tests[] = {
	{ "socket() is refused", do_socket, false },
	{ "execve() is refused", do_execve, false },
	{ "read() from an fd other than stdin and the eventfd is refused", do_read_other, false },
	{ "pread() from an fd other than KVM's statistics is refused", do_pread_other, false },
	{ "open() for reading is refused", do_open_read, false },
	{ "open() for reading and writing is refused", do_open_rdwr, false },
	{ "ioctl() with a request vmm does not make is refused", do_ioctl_other, false },
	{ "kill() is refused", do_kill, false },
	{ "an x32 system call is refused", do_x32, false },
	{ "write() to stdout works", do_write_stdout, true },
	{ "read() from stdin works", do_read_stdin, true },
	{ "read() from the eventfd works", do_read_wake, true },
	{ "pread() from KVM's statistics works", do_pread_stats, true },
	{ "open() for writing works (snapshots)", do_open_write, true },
	{ "threads start and run", do_thread, true },
	{ "die_errno names the ulimit (read before the filter)", do_die_emfile, true, STATUS_HOST },
};

static void child(const struct test *t, const char *tmp)
{
	struct rlimit no_core = { 0, 0 };
	struct fds f = { eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), open("/dev/zero", O_RDONLY),
			 open("/dev/zero", O_RDONLY), tmp, getppid() };

	setrlimit(RLIMIT_CORE, &no_core); /* SIGSYS would dump core */
	if (f.wake < 0 || f.other < 0 || f.stats < 0)
		_exit(2);
	sandbox_install(&(struct sandbox_fds){ { f.wake, -1, -1, -1 }, -1, f.stats, f.stats });
	_exit(t->fn(&f) == 0 ? 0 : 3);
}

/* Passed: a refused call died of SIGSYS, an allowed one exited 0. */
static bool run(const struct test *t, const char *tmp, char *why, size_t len)
{
	int st;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		return false;
	}
	if (pid == 0)
		child(t, tmp);
	if (waitpid(pid, &st, 0) < 0) {
		snprintf(why, len, "waitpid: %s", strerror(errno));
		return false;
	}
	if (WIFSIGNALED(st))
		snprintf(why, len, "killed by signal %d (%s)", WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
	else
		snprintf(why, len, "exited with %d", WEXITSTATUS(st));
	if (t->allowed)
		return WIFEXITED(st) && WEXITSTATUS(st) == t->status;
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS;
}

int main(void)
{
	char tmp[] = "/tmp/sandbox_test.XXXXXX";
	int fd = mkstemp(tmp), passed = 0, failed = 0;

	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		char why[128];
		bool ok = run(&tests[i], tmp, why, sizeof(why));

		printf("%s - %s: %s\n", ok ? "ok" : "not ok", tests[i].name, why);
		ok ? passed++ : failed++;
	}
	unlink(tmp);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
