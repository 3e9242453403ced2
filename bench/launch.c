/* launch: run a command and time it from its execve, for the benchmark.
 *
 * usage: launch CMD [ARG...]
 * The child's stdin is /dev/null, its stdout a pipe read (and counted)
 * here, its stderr inherited. When the child is reaped, prints one line:
 *   FIRST_NS EXIT_NS STATUS BYTES MAXRSS_KB CPU_NS
 * FIRST_NS: from the child's execve to the first byte read from its stdout
 * (-1 if it wrote none); EXIT_NS: from execve to the child reaped; STATUS:
 * its exit status, or 128 + the signal that killed it; BYTES: how much it
 * wrote; MAXRSS_KB: its peak resident set; CPU_NS: the user plus system
 * time of all its threads (getrusage: guest time is in there, time spent
 * waiting for a CPU on a busy machine is not). The start time is
 * taken in the child just before execve, so fork and this program's own
 * start-up are not counted. Exits 1 if the command cannot be started. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void fail(const char *what)
{
	fprintf(stderr, "launch: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void child(int out, char **argv, volatile int64_t *t0)
{
	int in = open("/dev/null", O_RDONLY);

	if (in < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0)
		_exit(127);
	*t0 = now_ns();
	execvp(argv[0], argv);
	fprintf(stderr, "launch: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	volatile int64_t *t0;
	int64_t first = -1, bytes = 0, t_exit, cpu;
	char buf[65536];
	struct rusage ru;
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	if (argc < 2) {
		fprintf(stderr, "usage: launch CMD [ARG...]\n");
		return 1;
	}
	t0 = mmap(NULL, sizeof(*t0), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t0 == MAP_FAILED)
		fail("mmap");
	if (pipe2(fds, O_CLOEXEC) < 0)
		fail("pipe2");
	pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0)
		child(fds[1], argv + 1, t0);
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("read");
		}
		if (first < 0)
			first = now_ns();
		bytes += n;
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		fail("wait4");
	t_exit = now_ns();
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (status == 127)
		return 1;
	cpu = ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
	      ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
	printf("%lld %lld %d %lld %ld %lld\n", first < 0 ? -1LL : (long long)(first - *t0),
	       (long long)(t_exit - *t0), status, (long long)bytes, ru.ru_maxrss, (long long)cpu);
	return 0;
}
