#ifndef GDB_H
#define GDB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "host/gdb_regs.h"
#include "host/parse.h"
#include "host/rsp.h"
#include "vm/debug.h"

#define GDB_OUT_MAX (2 * RSP_PACKET_MAX + 64)   /* one framed packet, escaped, and acks */
#define GDB_MEM_MAX ((RSP_PACKET_MAX - 16) / 2) /* bytes in one 'm' reply */

/* The gdb remote stub: a thread of its own that listens, serves one gdb
 * at a time (all-stop: when one vCPU stops, all do) and drives vm/debug.c.
 * One per process. */
struct gdb {
	struct debug debug;
	struct vm *vm;
	struct vcpu *vcpus;
	int nr;
	struct run *run;
	int listen_fd, client_fd, wake_fd;
	int refused_fd; /* a second client, answered with an error and closed */
	int refused_packets;
	char where[300];
	char unix_path[108]; /* unlinked at the end */
	pthread_t thread;
	bool started;
	int end_status; /* -1 while the run goes on (atomic) */
	/* The session with the connected gdb. */
	struct rsp_parser parser, refused_parser;
	struct rsp_cmd cmd;
	bool no_ack;   /* QStartNoAckMode */
	bool running;  /* gdb waits for a stop reply */
	bool no_reply; /* the packet being handled is answered later (vCont) or never (k) */
	bool closing;  /* D: close once the reply is out */
	bool lost;     /* a write failed or timed out: nothing more is sent or read */
	int g_cpu;     /* vCPU of Hg (registers, memory), and of the last stop */
	int c_cpu;     /* vCPU of Hc (the old 's'); -1: all */
	enum gdb_layout layout;
	int thread_iter; /* qfThreadInfo / qsThreadInfo */
	struct debug_stop last_stop;
	enum debug_action *actions; /* per vCPU, of the last resume */
	char *xml;
	size_t xml_len;
	char reply[RSP_PACKET_MAX + 1];
	size_t reply_len;
	char out[GDB_OUT_MAX];
	size_t out_len;
	char last[GDB_OUT_MAX]; /* the last packet, sent again on '-' */
	size_t last_len;
};

/* Before the sandbox: probe the host's guest debugging, listen on addr
 * (fatal, status 6, when it cannot), and with wait hold every vCPU before
 * its first instruction. */
void gdb_init(struct gdb *g, const struct gdb_addr *addr, bool wait, struct vm *vm,
	      struct vcpu *vcpus, int n, struct run *r);
/* After the sandbox (the thread inherits it), before the run. */
void gdb_start(struct gdb *g);
/* After the run: tell a waiting gdb how it ended (W status, or X sig when
 * the signal sig, not 0, ended it), close everything, join the thread. */
void gdb_finish(struct gdb *g, int status, int sig);

/* For host/gdb_cmds.c and host/gdb_monitor.c: the reply to the packet
 * being handled (at most RSP_PACKET_MAX bytes), console output for
 * `monitor` (O packets), and what ends or resumes a session. */
__attribute__((format(printf, 2, 3))) void gdb_reply(struct gdb *g, const char *fmt, ...);
void gdb_reply_hex(struct gdb *g, const uint8_t *bytes, size_t n);
__attribute__((format(printf, 2, 3))) void gdb_console(struct gdb *g, const char *fmt, ...);
void gdb_stop_reply(struct gdb *g);
void gdb_resume(struct gdb *g, const struct rsp_cmd *c);
void gdb_detach(struct gdb *g);
void gdb_kill(struct gdb *g);
/* host/gdb_socket.c: listen (fatal when it cannot: status 2 for a name
 * that does not resolve, 6 for a socket error); accept a connection (the
 * first one starts a session, gdb_begin_session in host/gdb.c); answer a
 * refused one. */
int gdb_listen(struct gdb *g, const struct gdb_addr *addr);
void gdb_accept(struct gdb *g);
void gdb_refused_input(struct gdb *g);
void gdb_begin_session(struct gdb *g, int fd);
/* host/gdb_cmds.c: one parsed packet. */
void gdb_handle(struct gdb *g, struct rsp_cmd *c);
/* host/gdb_monitor.c: a `monitor` command line. */
void gdb_monitor(struct gdb *g, const char *line);

#endif
