/* Where gdb connects: a listening socket, TCP (127.0.0.1 unless a host is
 * given) or unix, set up before the sandbox; each connection accepted in
 * the stub's thread, the first served, a second refused with a reason gdb
 * prints. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "host/gdb.h"
#include "lib/log.h"

#define REFUSAL "E.vmm: another gdb is attached; the stub serves one at a time"

static int listen_tcp(struct gdb *g, const struct gdb_addr *a)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res;
	struct sockaddr_storage bound;
	socklen_t len = sizeof(bound);
	/* Numeric (NI_NUMERICHOST): an IPv6 address with its scope fits. */
	char port[8], host[96] = "?", serv[16] = "?";
	const char *name = a->host[0] ? a->host : "127.0.0.1";
	int fd, one = 1, e;

	snprintf(port, sizeof(port), "%d", a->port);
	if ((e = getaddrinfo(name, port, &hints, &res)) != 0)
		die(STATUS_USAGE, "--gdb %s:%d: %s", name, a->port, gai_strerror(e));
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 1) < 0)
		die(STATUS_HOST, "--gdb %s:%d: %s", name, a->port, strerror(errno));
	freeaddrinfo(res);
	if (getsockname(fd, (struct sockaddr *)&bound, &len) == 0)
		getnameinfo((struct sockaddr *)&bound, len, host, sizeof(host), serv, sizeof(serv),
			    NI_NUMERICHOST | NI_NUMERICSERV);
	/* IPv6 in brackets, as gdb's target remote takes it: [::1]:1234. */
	snprintf(g->where, sizeof(g->where), strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, serv);
	return fd;
}

static int listen_unix(struct gdb *g, const struct gdb_addr *a)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memcpy(sun.sun_path, a->path, sizeof(a->path)); /* parse.c checked its length */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 1) < 0)
		die(STATUS_HOST, "--gdb unix:%s: %s", a->path, strerror(errno));
	memcpy(g->unix_path, a->path, sizeof(g->unix_path));
	snprintf(g->where, sizeof(g->where), "%s", a->path);
	return fd;
}

int gdb_listen(struct gdb *g, const struct gdb_addr *addr)
{
	return addr->is_unix ? listen_unix(g, addr) : listen_tcp(g, addr);
}

void gdb_accept(struct gdb *g)
{
	int fd = accept4(g->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (g->client_fd < 0)
		return gdb_begin_session(g, fd);
	warn("gdb: refused a second connection: one gdb at a time");
	if (g->refused_fd >= 0)
		close(g->refused_fd); /* one refusal pending at a time: the newest */
	g->refused_fd = fd;
	g->refused_packets = 0;
	rsp_init(&g->refused_parser);
}

/* A refused client: its first packet gets the reason (gdb prints it as a
 * "Remote failure reply"), its next one the end of the connection. */
void gdb_refused_input(struct gdb *g)
{
	char buf[512], out[128];
	ssize_t n = recv(g->refused_fd, buf, sizeof(buf), MSG_DONTWAIT);
	size_t len;

	for (ssize_t i = 0; i < n && g->refused_packets < 2; i++) {
		if (rsp_feed(&g->refused_parser, (uint8_t)buf[i]) != RSP_PACKET ||
		    g->refused_packets++)
			continue;
		out[0] = '+';
		len = rsp_frame(REFUSAL, strlen(REFUSAL), out + 1, sizeof(out) - 1);
		if (write(g->refused_fd, out, len + 1) < 0)
			g->refused_packets = 2; /* it went away first */
	}
	if ((n < 0 && errno == EAGAIN) || (n > 0 && g->refused_packets < 2))
		return;
	close(g->refused_fd);
	g->refused_fd = -1;
}
