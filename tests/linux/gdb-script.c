/* gdb-script: a scripted Remote Serial Protocol client, for the
 * hardware-KVM harness (tests/linux.bats), where there is no gdb: static,
 * libc only. Each script line is a packet, a tab, and the start of the
 * reply expected ('*' for any); "monitor TEXT" sends qRcmd with TEXT
 * hex-encoded and prints the console output. Prints every exchange; exits 1
 * at the first reply that does not match, 2 when it cannot talk at all.
 *
 * usage: gdb-script SOCKET-PATH SCRIPT-FILE */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX 0x8000
#define CONNECT_TRIES 600 /* 50 ms apart: vmm may still be starting */
#define REPLY_TIMEOUT_S 240

static int fd;

static void die(const char *what)
{
	printf("FAIL %s: %s\n", what, errno ? strerror(errno) : "closed");
	exit(2);
}

static int get(void)
{
	unsigned char c;
	ssize_t n = read(fd, &c, 1);

	if (n != 1)
		die("read");
	return c;
}

static void put(const char *s, size_t n)
{
	if (write(fd, s, n) != (ssize_t)n)
		die("write");
}

static void send_packet(const char *payload)
{
	char buf[MAX];
	unsigned sum = 0;
	size_t n = strlen(payload);

	for (size_t i = 0; i < n; i++)
		sum += (unsigned char)payload[i];
	snprintf(buf, sizeof(buf), "$%.*s#%02x", MAX - 8, payload, sum & 0xff);
	put(buf, strlen(buf));
	if (get() != '+')
		die("no ack");
}

/* The next packet, acked; console output (O packets) printed and skipped. */
static void reply(char *out)
{
	for (;;) {
		size_t n = 0;
		int c;

		while (get() != '$')
			;
		while ((c = get()) != '#' && n < MAX - 1)
			out[n++] = (char)(c == '}' ? get() ^ 0x20 : c);
		out[n] = '\0';
		get();
		get();
		if (write(fd, "+", 1) < 0) {
			/* closed after its last word: the reply stands */
		}
		if (out[0] != 'O' || !strcmp(out, "OK"))
			return;
		for (size_t i = 1; i + 1 < n; i += 2) {
			unsigned v;

			sscanf(out + i, "%2x", &v);
			putchar((int)v);
		}
	}
}

static void connect_to(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { REPLY_TIMEOUT_S, 0 };
	struct timespec wait = { 0, 50000000 };

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	for (int i = 0; i < CONNECT_TRIES; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			return;
		}
		close(fd);
		nanosleep(&wait, NULL);
	}
	die("connect");
}

int main(int argc, char **argv)
{
	static char line[MAX], packet[MAX], got[MAX];
	FILE *script;

	if (argc != 3 || !(script = fopen(argv[2], "r"))) {
		fprintf(stderr, "usage: gdb-script SOCKET SCRIPT\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN); /* the stub closes after W or vKill: not a death */
	connect_to(argv[1]);
	put("+", 1);
	while (fgets(line, sizeof(line), script)) {
		char *tab = strchr(line, '\t'), *want = tab ? tab + 1 : "*";

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (tab)
			*tab = '\0';
		if (!strncmp(line, "monitor ", 8)) {
			int n = snprintf(packet, sizeof(packet), "qRcmd,");

			for (const char *p = line + 8; *p && n < MAX - 3; p++)
				n += snprintf(packet + n, sizeof(packet) - n, "%02x",
					      (unsigned char)*p);
		} else
			snprintf(packet, sizeof(packet), "%s", line);
		send_packet(packet);
		reply(got);
		printf("> %s\n< %.200s\n", line, got);
		if (strcmp(want, "*") && strncmp(got, want, strlen(want))) {
			printf("FAIL expected a reply starting '%s'\n", want);
			return 1;
		}
	}
	printf("script done\n");
	return 0;
}
