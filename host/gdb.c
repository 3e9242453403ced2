/* The gdb remote stub's transport and session: a socket gdb connects to
 * (`target remote`), one client at a time, and the all-stop rules: every
 * vCPU stops when one does, when gdb interrupts (0x03) and when gdb
 * attaches; the guest runs on when gdb detaches or goes away. The packets
 * themselves are host/gdb_cmds.c's; the protocol host/rsp.c's. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host/gdb.h"
#include "lib/log.h"
#include "lib/thread.h"

#define WRITE_TIMEOUT_MS 5000 /* a gdb that reads nothing for this long is dropped */

void gdb_init(struct gdb *g, const struct gdb_addr *addr, bool wait, struct vm *vm,
	      struct vcpu *vcpus, int n, struct run *r)
{
	memset(g, 0, sizeof(*g));
	g->vm = vm;
	g->vcpus = vcpus;
	g->nr = n;
	g->run = r;
	g->client_fd = g->refused_fd = -1;
	g->end_status = -1;
	g->actions = calloc(n, sizeof(*g->actions));
	g->xml = malloc(GDB_XML_MAX);
	if (!g->actions || !g->xml)
		die_errno("malloc");
	debug_init(&g->debug, vm, vcpus, n, r);
	g->listen_fd = gdb_listen(g, addr);
	g->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (g->wake_fd < 0)
		die_errno("eventfd");
	if (wait)
		run_hold(r, -1, RUN_HOLD_DEBUG); /* the vCPUs stop before their first instruction */
	warn("gdb: listening on %s%s (gdb: target remote %s)", g->where,
	     wait ? ", the guest waits for it" : "", g->where);
}

/* Everything queued for gdb, written out; a gdb that stops reading is
 * dropped rather than allowed to stop the stub: once one write timed out,
 * none is tried again (a client that sends and never reads would cost a
 * timeout per reply, and hold up the end of the run as long). */
static int flush(struct gdb *g)
{
	size_t done = 0;

	if (g->lost)
		g->out_len = 0;
	while (done < g->out_len && g->client_fd >= 0) {
		ssize_t n = write(g->client_fd, g->out + done, g->out_len - done);
		struct pollfd p = { g->client_fd, POLLOUT, 0 };

		if (n > 0)
			done += (size_t)n;
		else if (n < 0 && errno == EAGAIN && poll(&p, 1, WRITE_TIMEOUT_MS) > 0)
			continue;
		else {
			g->out_len = 0;
			g->lost = true;
			return -1;
		}
	}
	g->out_len = 0;
	return g->lost ? -1 : 0;
}

static void emit(struct gdb *g, const char *bytes, size_t n)
{
	if (g->out_len + n > sizeof(g->out))
		flush(g);
	if (n <= sizeof(g->out)) {
		memcpy(g->out + g->out_len, bytes, n);
		g->out_len += n;
	}
}

/* Frame a payload and queue it (kept for a retransmit). */
static void send_packet(struct gdb *g, const char *payload, size_t n)
{
	g->last_len = rsp_frame(payload, n, g->last, sizeof(g->last));
	emit(g, g->last, g->last_len);
}

void gdb_reply(struct gdb *g, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(g->reply, sizeof(g->reply), fmt, ap);
	va_end(ap);
	g->reply_len = n < 0 ? 0 : (size_t)n < sizeof(g->reply) ? (size_t)n : sizeof(g->reply) - 1;
}

void gdb_reply_hex(struct gdb *g, const uint8_t *bytes, size_t n)
{
	if (2 * n >= sizeof(g->reply))
		n = (sizeof(g->reply) - 1) / 2;
	rsp_hex(bytes, n, g->reply);
	g->reply_len = 2 * n;
}

void gdb_console(struct gdb *g, const char *fmt, ...)
{
	char text[RSP_PACKET_MAX / 2 - 1], packet[RSP_PACKET_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n = (size_t)n < sizeof(text) ? n : (int)sizeof(text) - 1;
	packet[0] = 'O';
	rsp_hex((const uint8_t *)text, (size_t)n, packet + 1);
	send_packet(g, packet, 1 + 2 * (size_t)n);
}

void gdb_stop_reply(struct gdb *g)
{
	static const char *const reason[] = {
		[STOP_SWBREAK] = "swbreak", [STOP_HWBREAK] = "hwbreak", [STOP_WATCH] = "watch",
		[STOP_RWATCH] = "rwatch",   [STOP_AWATCH] = "awatch",
	};
	const struct debug_stop *s = &g->last_stop;
	int sig = s->why == STOP_SIGNAL ? SIGINT : SIGTRAP;
	char extra[64] = "";

	if (s->why >= STOP_SWBREAK && s->why <= STOP_HWBREAK)
		snprintf(extra, sizeof(extra), "%s:;", reason[s->why]);
	else if (s->why >= STOP_WATCH)
		snprintf(extra, sizeof(extra), "%s:%llx;", reason[s->why],
			 (unsigned long long)s->addr);
	gdb_reply(g, "T%02xthread:%x;%s", sig, g->g_cpu + 1, extra);
}

/* A vCPU stopped (or gdb interrupted): wait for the others, then tell gdb
 * about the earliest stop that still holds. A stop that no longer does (a
 * breakpoint removed meanwhile) resumes the guest as gdb last asked. */
static void on_stop(struct gdb *g, bool interrupted)
{
	struct debug_stop s;
	int cpu;

	for (;;) {
		if (!run_wait_held(g->run))
			return; /* the run ended: gdb_finish tells gdb */
		cpu = debug_pending(&g->debug, &s, true);
		if (cpu >= 0 || interrupted)
			break;
		if (debug_resume(&g->debug, g->actions))
			return;
	}
	if (cpu < 0) {
		cpu = g->g_cpu;
		s = (struct debug_stop){ .why = STOP_SIGNAL };
	}
	g->running = false;
	g->g_cpu = cpu;
	g->last_stop = s;
	gdb_stop_reply(g);
	send_packet(g, g->reply, g->reply_len);
	flush(g);
}

/* vCont's actions, or the old c and s, applied to each vCPU: the first
 * action naming it (thread = vCPU + 1) or naming all. */
void gdb_resume(struct gdb *g, const struct rsp_cmd *c)
{
	for (int i = 0; i < g->nr; i++) {
		g->actions[i] = ACT_STAY;
		for (int k = 0; k < c->nr_actions; k++) {
			const struct rsp_action *a = &c->action[k];
			int who = a->tid == RSP_ANY_THREAD ? g->g_cpu + 1 : a->tid;

			if (who == RSP_ALL_THREADS || who == i + 1) {
				g->actions[i] = a->op == 's' ? ACT_STEP : ACT_CONTINUE;
				break;
			}
		}
	}
	if (c->legacy && c->action[0].op == 's') { /* the Hc thread alone */
		for (int i = 0; i < g->nr; i++)
			g->actions[i] = ACT_STAY;
		g->actions[g->c_cpu >= 0 ? g->c_cpu : g->g_cpu] = ACT_STEP;
	}
	g->running = true;
	g->no_reply = true;
	if (!debug_resume(&g->debug, g->actions))
		on_stop(g, false); /* a stop was waiting: report it at once */
}

static void close_client(struct gdb *g)
{
	flush(g);
	close(g->client_fd);
	g->client_fd = -1;
	g->running = false;
}

/* With every vCPU held (as in any stopped state): breakpoints out, the
 * guest running on. */
void gdb_detach(struct gdb *g)
{
	run_hold(g->run, -1, RUN_HOLD_DEBUG);
	run_wait_held(g->run);
	debug_detach(&g->debug);
	run_release(g->run, -1, RUN_HOLD_DEBUG);
}

/* gdb went away without detaching: the guest runs on, and the next client
 * is served (said once the socket is closed, so a client that waits for
 * these words is not refused as a second one). */
static void drop_client(struct gdb *g, const char *how)
{
	gdb_detach(g);
	close_client(g);
	warn("gdb: connection %s; the guest runs on", how);
}

void gdb_kill(struct gdb *g)
{
	warn("gdb: kill: the run ends");
	run_request_stop(g->run, STATUS_GDB_KILL);
	gdb_reply(g, "OK"); /* vKill wants it; after k, gdb reads no more */
	g->closing = true;
}

void gdb_begin_session(struct gdb *g, int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); /* fails on unix: fine */
	g->client_fd = fd;
	rsp_init(&g->parser);
	g->no_ack = g->running = g->closing = g->lost = false;
	g->g_cpu = 0;
	g->c_cpu = -1;
	g->layout = LAYOUT_64;
	g->xml_len = 0;
	g->last_len = 0;
	g->last_stop = (struct debug_stop){ .why = STOP_NONE };
	run_hold(g->run, -1, RUN_HOLD_DEBUG); /* gdb finds the machine stopped */
	run_wait_held(g->run);
	debug_attach(&g->debug);
	warn("gdb: connected; the guest is stopped");
}

static void on_packet(struct gdb *g)
{
	if (!g->no_ack)
		emit(g, "+", 1);
	g->reply_len = 0;
	g->no_reply = false;
	if (g->parser.overflow)
		gdb_reply(g, "E.packet longer than PacketSize (%#x)", RSP_PACKET_MAX);
	else if (g->parser.bad_run)
		gdb_reply(g, "E.bad run-length encoding");
	else if (g->running)
		gdb_reply(g, "E.the guest is running (all-stop: interrupt it first)");
	else {
		rsp_parse(g->parser.buf, g->parser.len, &g->cmd);
		gdb_handle(g, &g->cmd);
	}
	if (!g->no_reply)
		send_packet(g, g->reply, g->reply_len);
}

static void on_client_input(struct gdb *g)
{
	uint8_t buf[4096];
	ssize_t n = recv(g->client_fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) { /* gone without detaching: the guest runs on */
		return drop_client(g, "closed");
	}
	for (ssize_t i = 0; i < n && !g->closing && !g->lost; i++) {
		switch (rsp_feed(&g->parser, buf[i])) {
		case RSP_PACKET:
			on_packet(g);
			break;
		case RSP_BAD_CHECKSUM:
			if (!g->no_ack)
				emit(g, "-", 1);
			break;
		case RSP_NAK:
			if (!g->no_ack)
				emit(g, g->last, g->last_len);
			break;
		case RSP_INTERRUPT:
			if (g->running) {
				run_hold(g->run, -1, RUN_HOLD_DEBUG);
				on_stop(g, true);
			}
			break;
		default:
			break;
		}
	}
	if (g->closing)
		close_client(g);
	else if (flush(g) < 0)
		drop_client(g, "lost");
}

static void drain(int fd)
{
	uint64_t count;

	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		warn("gdb: eventfd read: %s", strerror(errno));
}

static bool ended(struct gdb *g)
{
	return __atomic_load_n(&g->end_status, __ATOMIC_SEQ_CST) >= 0;
}

static void *gdb_thread(void *arg)
{
	struct gdb *g = arg;

	while (!ended(g)) {
		struct pollfd p[] = { { g->wake_fd, POLLIN, 0 },
				      { g->debug.notify_fd, POLLIN, 0 },
				      { g->listen_fd, POLLIN, 0 },
				      { g->client_fd, POLLIN, 0 },
				      { g->refused_fd, POLLIN, 0 } };

		if (poll(p, sizeof(p) / sizeof(p[0]), -1) < 0) {
			if (errno != EINTR)
				warn("gdb: poll: %s", strerror(errno));
			continue;
		}
		if (p[0].revents)
			drain(g->wake_fd);
		if (ended(g))
			break;
		if (p[1].revents) {
			drain(g->debug.notify_fd);
			if (g->client_fd >= 0 && g->running)
				on_stop(g, false);
			if (g->client_fd >= 0 && g->lost) /* it did not take the stop reply */
				drop_client(g, "lost");
		}
		if (p[4].revents)
			gdb_refused_input(g);
		if (p[2].revents)
			gdb_accept(g);
		if (p[3].revents && g->client_fd >= 0)
			on_client_input(g);
	}
	return NULL;
}

void gdb_start(struct gdb *g)
{
	sigset_t all, old;

	/* Signals are the host thread's; faults and the sandbox's SIGSYS stay
	 * with whoever causes them. */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGSYS);
	sigdelset(&all, SIGABRT);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	errno = thread_start(&g->thread, gdb_thread, g);
	if (errno)
		die_errno("pthread_create");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	g->started = true;
}

/* How the run ended, as a stop reply ("Stop Reply Packets"): W and vmm's
 * exit status; X and the signal when one ended it, where gdb's number for
 * it (gdb/signals.def) is Linux's, as it is for those that end a run
 * (SIGHUP, SIGINT, SIGTERM, SIGALRM, SIGXCPU, ...). A guest may exit with
 * 128 + N itself (the debug exit port): only sig says a signal did. */
static void end_reply(struct gdb *g, int status, int sig)
{
	static const bool same_number[32] = {
		[1] = 1,  [2] = 1,  [3] = 1,  [4] = 1,  [5] = 1,  [6] = 1,  [8] = 1,  [9] = 1,
		[11] = 1, [13] = 1, [14] = 1, [15] = 1, [24] = 1, [25] = 1, [26] = 1, [27] = 1
	};

	if (sig > 0 && sig < 32 && same_number[sig])
		return gdb_reply(g, "X%02x", sig);
	gdb_reply(g, "W%02x", status & 0xff);
}

void gdb_finish(struct gdb *g, int status, int sig)
{
	__atomic_store_n(&g->end_status, status, __ATOMIC_SEQ_CST);
	if (g->started) {
		if (eventfd_write(g->wake_fd, 1) < 0)
			warn("gdb: eventfd write: %s", strerror(errno));
		pthread_join(g->thread, NULL);
	}
	if (g->client_fd >= 0 && g->running) { /* gdb waits for a stop: this is it */
		end_reply(g, status, sig);
		send_packet(g, g->reply, g->reply_len);
	}
	if (g->client_fd >= 0)
		close_client(g);
	if (g->refused_fd >= 0)
		close(g->refused_fd);
	close(g->listen_fd);
	close(g->wake_fd);
	if (g->unix_path[0])
		unlink(g->unix_path);
	debug_destroy(&g->debug);
	free(g->actions);
	free(g->xml);
}
