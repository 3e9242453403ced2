#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "host/console.h"
#include "host/signals.h"
#include "lib/clock.h"
#include "lib/log.h"

/* The terminal to restore lives at file scope: a fatal-signal handler
 * must reach it, and there is one terminal per process. */
static struct termios saved_tio;
static int saved_fd = -1;

static struct termios raw_tio;
static volatile sig_atomic_t raw_done; /* the run is over: stay cooked */

static void restore_terminal(void)
{
	if (saved_fd >= 0)
		tcsetattr(saved_fd, TCSANOW, &saved_tio); /* async-signal-safe */
}

/* For good (at exit, on a fatal signal, after the run): a SIGCONT taken
 * on another thread meanwhile must not make it raw again. */
static void restore_terminal_for_good(void)
{
	raw_done = 1;
	restore_terminal();
}

/* After a stop: raw again, but only in the foreground, where a shell's fg
 * has put vmm (from the background, tcsetattr would stop it again). */
static void resume_terminal(void)
{
	if (saved_fd >= 0 && !raw_done && tcgetpgrp(saved_fd) == getpgrp())
		tcsetattr(saved_fd, TCSANOW, &raw_tio); /* async-signal-safe */
}

static void raw_mode(int fd)
{
	struct termios tio;

	if (!isatty(fd) || tcgetattr(fd, &saved_tio) < 0)
		return;
	saved_fd = fd;
	atexit(restore_terminal_for_good);
	signals_on_fatal(restore_terminal_for_good);
	tio = saved_tio;
	/* Keys go to the guest as typed (Ctrl-C included); output processing
	 * stays on, as in QEMU's stdio backend. */
	tio.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	tio.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	tio.c_cflag = (tio.c_cflag & ~(CSIZE | PARENB)) | CS8;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	raw_tio = tio;
	tcsetattr(fd, TCSANOW, &tio);
	signals_on_suspend(restore_terminal, resume_terminal);
}

/* stdout through a file description of our own, non-blocking, so that a
 * terminal or pipe that stops taking output never blocks a vCPU, while the
 * description the shell shares keeps its flags. A regular file never
 * blocks, and a new open would not share its offset: it stays as it is. */
static int own_output(int fd)
{
	struct stat st;
	char path[32];
	int own;

	/* Read-only (console_hold_std_fds put /dev/null there): writes must
	 * fail, as into the closed fd, not be reopened for writing. */
	if (fstat(fd, &st) < 0 || S_ISREG(st.st_mode) ||
	    (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY)
		return fd;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	own = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	return own >= 0 ? own : fd; /* e.g. a socket: blocking, as given */
}

/* Whether fd can take more within the last words' time; never during the
 * run, where a vCPU may be the writer. */
static bool writable_in_time(const struct console *c, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	for (;;) {
		int64_t left = c->deadline - now_ms();
		int n;

		if (!c->deadline || left <= 0 || signals_stop_pending())
			return false;
		n = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n > 0)
			return p.revents & (POLLOUT | POLLERR | POLLHUP);
		if (!(n < 0 && errno == EINTR))
			return false; /* a SIGQUIT after the run is no reason to stop talking */
	}
}

/* The log stream's writer (fopencookie): reports every byte written, so
 * stdio never retries what stderr would not take. */
static ssize_t err_write(void *cookie, const char *buf, size_t len)
{
	struct console *c = cookie;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(STDERR_FILENO, buf + done, len - done);

		if (n > 0)
			done += n;
		else if (!(n < 0 && errno == EINTR) &&
			 !(n < 0 && errno == EAGAIN && writable_in_time(c, STDERR_FILENO)))
			break;
	}
	return len;
}

void console_hold_std_fds(void)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* Lower numbers are open, so this one gets fd. */
		if (open("/dev/null", O_RDONLY) != fd)
			die_errno("open /dev/null in place of a closed stdin, stdout or stderr");
	}
}

void console_init(struct console *c, int in_fd, int out_fd)
{
	int err;

	memset(c, 0, sizeof(*c));
	c->in_fd = in_fd;
	c->given_out_fd = out_fd;
	c->out_fd = own_output(out_fd);
	/* stderr too: warnings the guest provokes must not block a vCPU
	 * either, nor vmm's last words keep it from ending. fd 2 stays ours. */
	err = own_output(STDERR_FILENO);
	if (err != STDERR_FILENO) {
		dup2(err, STDERR_FILENO);
		close(err);
	}
	c->err = fopencookie(c, "w", (cookie_io_functions_t){ .write = err_write });
	if (c->err) {
		setvbuf(c->err, NULL, _IONBF, 0);
		log_set_stream(c->err);
	}
	raw_mode(in_fd);
}

/* Whether fd can be read or written now, without waiting. */
static bool ready(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, 0) > 0 && (p.revents & (events | POLLHUP | POLLERR));
}

void console_tx(void *ctx, uint8_t byte)
{
	struct console *c = ctx;

	if (c->out_len == CONSOLE_OUT_SIZE)
		console_flush(c);
	if (c->out_len == CONSOLE_OUT_SIZE) {
		c->dropped++; /* stdout is stuck: the guest must not block on it */
		return;
	}
	c->out[c->out_len++] = byte;
}

bool console_full(void *ctx)
{
	struct console *c = ctx;

	if (CONSOLE_OUT_SIZE - c->out_len >= CONSOLE_TX_ROOM)
		return false;
	console_flush(c);
	return CONSOLE_OUT_SIZE - c->out_len < CONSOLE_TX_ROOM;
}

/* Ctrl-A x quits, Ctrl-A s asks for a framebuffer snapshot, Ctrl-A w for
 * the vCPUs' state, and Ctrl-A Ctrl-A sends one Ctrl-A; Ctrl-A followed
 * by anything else is dropped, as in QEMU. Filters buf in place. */
static size_t unescape(struct console *c, uint8_t *buf, size_t n)
{
	size_t out = 0;

	for (size_t i = 0; i < n && !c->quit; i++) {
		uint8_t b = buf[i];

		if (c->escape) {
			c->escape = false;
			c->quit = b == 'x';
			c->snapshot |= b == 's';
			c->report |= b == 'w';
			if (b == CONSOLE_ESCAPE)
				buf[out++] = b;
		} else if (b == CONSOLE_ESCAPE) {
			c->escape = true;
		} else {
			buf[out++] = b;
		}
	}
	return out;
}

static void read_ahead(struct console *c)
{
	size_t room = CONSOLE_IN_SIZE - c->in_len;
	ssize_t n;

	if (c->in_eof || c->quit || room == 0 || !ready(c->in_fd, POLLIN))
		return;
	n = read(c->in_fd, c->in + c->in_len, room);
	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			c->in_eof = true;
		return;
	}
	c->in_len += unescape(c, c->in + c->in_len, n);
}

size_t console_read(void *ctx, uint8_t *buf, size_t room)
{
	struct console *c = ctx;
	size_t n;

	read_ahead(c);
	n = c->in_len < room ? c->in_len : room;
	memcpy(buf, c->in, n);
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
	return n;
}

bool console_quit_due(struct console *c)
{
	return c->quit && (c->in_len == 0 || ++c->quit_ticks > CONSOLE_QUIT_GRACE_TICKS);
}

bool console_take_snapshot(struct console *c)
{
	bool asked = c->snapshot;

	c->snapshot = false;
	return asked;
}

bool console_take_report(struct console *c)
{
	bool asked = c->report;

	c->report = false;
	return asked;
}

int console_input_fd(const struct console *c)
{
	return (c->in_eof || c->quit || c->in_len == CONSOLE_IN_SIZE) ? -1 : c->in_fd;
}

bool console_busy(const struct console *c)
{
	return c->out_len || c->quit;
}

void console_flush(struct console *c)
{
	size_t done = 0;

	while (done < c->out_len) {
		size_t len = c->out_len - done;
		ssize_t n;

		/* POLLOUT promises room for PIPE_BUF bytes: write no more, in
		 * case stdout is a blocking description after all. */
		if (!ready(c->out_fd, POLLOUT))
			break;
		if (len > PIPE_BUF)
			len = PIPE_BUF;
		n = write(c->out_fd, c->out + done, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			c->dropped += c->out_len - done; /* stdout closed or broken */
			done = c->out_len;
			break;
		}
		done += n;
	}
	memmove(c->out, c->out + done, c->out_len - done);
	c->out_len -= done;
}

void console_destroy(struct console *c, int64_t limit_ms)
{
	restore_terminal_for_good();
	c->deadline = now_ms() + limit_ms;
	console_flush(c);
	while (c->out_len && writable_in_time(c, c->out_fd))
		console_flush(c);
	c->dropped += c->out_len;
	c->out_len = 0;
	if (c->out_fd != c->given_out_fd)
		close(c->out_fd);
}
