/* The Remote Serial Protocol's framing and packets (gdb manual, "Remote
 * Protocol": "Overview", "Packets", "General Query Packets"). Every input is
 * hostile: lengths are checked against what arrived, numbers against
 * overflow, and anything odd becomes RSP_MALFORMED or RSP_UNKNOWN, never a
 * read past the packet. */
#include <string.h>

#include "host/rsp.h"

enum { IDLE, DATA, ESCAPE, RUN, SUM_HI, SUM_LO };

void rsp_init(struct rsp_parser *p)
{
	memset(p, 0, sizeof(*p));
}

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void keep(struct rsp_parser *p, uint8_t c)
{
	if (p->len < RSP_PACKET_MAX)
		p->buf[p->len++] = (char)c;
	else
		p->overflow = true;
}

static void start(struct rsp_parser *p)
{
	p->state = DATA;
	p->len = 0;
	p->sum = 0;
	p->overflow = p->bad_run = false;
}

/* A run ("Overview": '*' and a count, n + 29, of more copies of the byte
 * before it). gdb sends none (it escapes '*' in binary data for this
 * reason) but the framing allows them, as QEMU's stub takes them. */
static void run(struct rsp_parser *p, uint8_t c)
{
	if (!p->len || c < 3 + 29 || c > 126) {
		p->bad_run = true;
		return;
	}
	for (int n = c - 29; n > 0; n--)
		keep(p, (uint8_t)p->buf[p->len - 1]);
}

/* Escapes ('}' then the byte XOR 0x20) and runs are undone here, for every
 * packet: the checksum covers the bytes as sent. */
enum rsp_event rsp_feed(struct rsp_parser *p, uint8_t c)
{
	int d;

	switch (p->state) {
	case IDLE:
		if (c == '$')
			start(p);
		return c == '+'                  ? RSP_ACK
		       : c == '-'                ? RSP_NAK
		       : c == RSP_INTERRUPT_BYTE ? RSP_INTERRUPT
						 : RSP_NONE; /* noise between packets */
	case DATA:
	case ESCAPE:
	case RUN:
		if (c == '#' && p->state != ESCAPE) {
			p->bad_run |= p->state == RUN; /* '#' is no count */
			p->state = SUM_HI;
			return RSP_NONE;
		}
		if (c == '$' && p->state != ESCAPE) { /* a new packet: the old one was cut */
			start(p);
			return RSP_NONE;
		}
		p->sum += c;
		if (p->state == RUN) {
			run(p, c);
			p->state = DATA;
		} else if (p->state == DATA && (c == '}' || c == '*'))
			p->state = c == '}' ? ESCAPE : RUN;
		else {
			keep(p, p->state == ESCAPE ? c ^ 0x20 : c);
			p->state = DATA;
		}
		return RSP_NONE;
	case SUM_HI:              /* two characters follow '#', whatever they are: a '-' */
		d = hex_digit(c); /* there is no nak of ours to answer */
		p->bad_sum = d < 0;
		p->want = (uint8_t)(d < 0 ? 0 : d << 4);
		p->state = SUM_LO;
		return RSP_NONE;
	default: /* SUM_LO */
		d = hex_digit(c);
		p->state = IDLE;
		p->buf[p->len] = '\0';
		if (p->bad_sum || d < 0 || (uint8_t)(p->want | d) != p->sum)
			return RSP_BAD_CHECKSUM;
		return RSP_PACKET;
	}
}

/* A hex number of 1 to 16 digits at *s; advances *s. */
static int number(const char **s, uint64_t *v)
{
	int n = 0, d;

	*v = 0;
	while ((d = hex_digit(**s)) >= 0) {
		if (++n > 16)
			return -1;
		*v = *v << 4 | (uint64_t)d;
		(*s)++;
	}
	return n ? 0 : -1;
}

/* "-1", "0" or a positive hex thread id. */
static int thread_id(const char **s, int *tid)
{
	uint64_t v;

	if ((*s)[0] == '-' && (*s)[1] == '1') {
		*s += 2;
		*tid = RSP_ALL_THREADS;
		return 0;
	}
	if (number(s, &v) < 0 || v > 0x7fffffff)
		return -1;
	*tid = (int)v;
	return 0;
}

static void malformed(struct rsp_cmd *c, const char *why)
{
	c->kind = RSP_MALFORMED;
	c->why = why;
}

/* Hex digits to bytes; -1 on an odd count or a non-hex digit. */
static int rsp_unhex(const char *in, size_t n, uint8_t *out)
{
	if (n % 2)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_digit(in[i]), lo = hex_digit(in[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void rsp_hex(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

/* Hex data from s to the end of the packet, decoded in place. */
static void hex_data(struct rsp_cmd *c, char *s, const char *end, const char *why)
{
	size_t n = (size_t)(end - s);

	if (rsp_unhex(s, n, (uint8_t *)s) < 0)
		return malformed(c, why);
	c->data = (uint8_t *)s;
	c->data_len = n / 2;
}

/* m addr,len   M addr,len:hex   X addr,len:binary   Z/z type,addr,kind */
static void memory(struct rsp_cmd *c, char *pkt, const char *end)
{
	const char *s = pkt + 1;
	uint64_t type = 0;

	if ((pkt[0] == 'Z' || pkt[0] == 'z') && (number(&s, &type) < 0 || *s++ != ',' || type > 4))
		return malformed(c, "bad breakpoint type");
	c->type = (int)type;
	if (number(&s, &c->addr) < 0 || *s++ != ',' || number(&s, &c->len) < 0)
		return malformed(c, "bad address or length");
	if (pkt[0] == 'm' || pkt[0] == 'Z' || pkt[0] == 'z') {
		c->kind = pkt[0] == 'm' ? RSP_READ_MEM : pkt[0] == 'Z' ? RSP_INSERT : RSP_REMOVE;
		if (s != end && pkt[0] != 'm' && *s == ';')
			s = end; /* conditions and commands: not supported, ignored */
		if (s != end)
			malformed(c, "trailing characters");
		return;
	}
	if (*s++ != ':')
		return malformed(c, "no ':' before the data");
	c->kind = RSP_WRITE_MEM;
	if (pkt[0] == 'M')
		hex_data(c, (char *)s, end, "bad hex data");
	else {
		c->data = (uint8_t *)s; /* escapes were undone by rsp_feed */
		c->data_len = (size_t)(end - s);
	}
	if (c->kind == RSP_WRITE_MEM && c->data_len != c->len)
		malformed(c, "data length differs from the length given");
}

/* vCont;ACTION[:TID];... and the old c, C, s, S (one action for all). */
static void resume(struct rsp_cmd *c, const char *s, const char *end)
{
	c->kind = RSP_VCONT;
	while (s < end) {
		struct rsp_action *a = &c->action[c->nr_actions];
		char op = *s++;
		uint64_t sig;

		if (op == 'C' || op == 'S') { /* a signal: a machine has none to deliver */
			if (number(&s, &sig) < 0)
				return malformed(c, "bad signal");
			op = op == 'C' ? 'c' : 's';
		}
		if (op != 'c' && op != 's')
			return malformed(c, "unsupported vCont action");
		if (c->nr_actions == RSP_MAX_ACTIONS)
			return malformed(c, "too many vCont actions");
		*a = (struct rsp_action){ op, RSP_ALL_THREADS };
		if (*s == ':' && (s++, thread_id(&s, &a->tid) < 0))
			return malformed(c, "bad thread id");
		c->nr_actions++;
		if (s < end && *s++ != ';')
			return malformed(c, "bad vCont action");
	}
	if (!c->nr_actions)
		malformed(c, "no vCont action");
}

/* c [addr], s [addr], C sig [;addr], S sig [;addr]: resuming at another
 * address is not supported (gdb sets the PC with a register write). */
static void old_resume(struct rsp_cmd *c, char *pkt, const char *end)
{
	const char *s = pkt + 1;
	uint64_t sig;

	if ((pkt[0] == 'C' || pkt[0] == 'S') && number(&s, &sig) < 0)
		return malformed(c, "bad signal");
	if (s != end)
		return malformed(c, "resuming at an address is not supported");
	c->kind = RSP_VCONT;
	c->legacy = true;
	c->nr_actions = 1;
	c->action[0] = (struct rsp_action){ pkt[0] == 'c' || pkt[0] == 'C' ? 'c' : 's',
					    RSP_ALL_THREADS };
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static void xfer(struct rsp_cmd *c, char *s, const char *end)
{
	char *colon = memchr(s, ':', (size_t)(end - s));
	const char *n;

	if (!colon)
		return malformed(c, "bad qXfer");
	*colon = '\0';
	c->text = s;
	n = colon + 1;
	if (number(&n, &c->addr) < 0 || *n++ != ',' || number(&n, &c->len) < 0 || n != end)
		return malformed(c, "bad qXfer offset or length");
	c->kind = RSP_XFER_FEATURES;
}

static void query(struct rsp_cmd *c, char *pkt, const char *end)
{
	const char *s;

	if (starts(pkt, "qSupported"))
		c->kind = RSP_SUPPORTED;
	else if (!strcmp(pkt, "qfThreadInfo"))
		c->kind = RSP_THREAD_FIRST;
	else if (!strcmp(pkt, "qsThreadInfo"))
		c->kind = RSP_THREAD_NEXT;
	else if (!strcmp(pkt, "qC"))
		c->kind = RSP_CURRENT_THREAD;
	else if (starts(pkt, "qAttached"))
		c->kind = RSP_ATTACHED;
	else if (starts(pkt, "qSymbol"))
		c->kind = RSP_SYMBOL;
	else if (starts(pkt, "qThreadExtraInfo,")) {
		s = pkt + strlen("qThreadExtraInfo,");
		if (thread_id(&s, &c->tid) < 0 || s != end)
			return malformed(c, "bad thread id");
		c->kind = RSP_THREAD_EXTRA;
	} else if (starts(pkt, "qRcmd,")) {
		char *hex = pkt + strlen("qRcmd,");

		hex_data(c, hex, end, "bad hex in monitor command");
		if (c->kind == RSP_MALFORMED)
			return;
		hex[c->data_len] = '\0';
		c->text = hex;
		c->kind = RSP_MONITOR;
		if (strlen(hex) != c->data_len)
			malformed(c, "NUL in monitor command");
	} else if (starts(pkt, "qXfer:features:read:"))
		xfer(c, pkt + strlen("qXfer:features:read:"), end);
}

static void thread_packet(struct rsp_cmd *c, char *pkt, const char *end)
{
	const char *s = pkt + 1;

	if (pkt[0] == 'H') {
		c->op = *s++;
		if (c->op != 'g' && c->op != 'c')
			return malformed(c, "bad H operation");
	}
	if (thread_id(&s, &c->tid) < 0 || s != end)
		return malformed(c, "bad thread id");
	c->kind = pkt[0] == 'H' ? RSP_SET_THREAD : RSP_THREAD_ALIVE;
}

/* p n   P n=value */
static void reg_packet(struct rsp_cmd *c, char *pkt, const char *end)
{
	const char *s = pkt + 1;
	uint64_t n;

	if (number(&s, &n) < 0 || n > 0xffff)
		return malformed(c, "bad register number");
	c->reg = (int)n;
	if (pkt[0] == 'p') {
		c->kind = s == end ? RSP_READ_REG : RSP_MALFORMED;
		c->why = "trailing characters";
		return;
	}
	if (*s++ != '=')
		return malformed(c, "no '=' in P");
	c->kind = RSP_WRITE_REG;
	hex_data(c, (char *)s, end, "bad hex value");
}

void rsp_parse(char *pkt, size_t len, struct rsp_cmd *c)
{
	const char *end = pkt + len;

	memset(c, 0, sizeof(*c) - sizeof(c->action));
	c->kind = RSP_UNKNOWN;
	if (!len)
		return;
	switch (pkt[0]) {
	case '?':
		c->kind = len == 1 ? RSP_HALT_REASON : RSP_UNKNOWN;
		return;
	case 'g':
		c->kind = len == 1 ? RSP_READ_REGS : RSP_UNKNOWN;
		return;
	case 'G':
		c->kind = RSP_WRITE_REGS;
		return hex_data(c, pkt + 1, end, "bad hex data");
	case 'p':
	case 'P':
		return reg_packet(c, pkt, end);
	case 'm':
	case 'M':
	case 'X':
	case 'Z':
	case 'z':
		return memory(c, pkt, end);
	case 'c':
	case 'C':
	case 's':
	case 'S':
		return old_resume(c, pkt, end);
	case 'H':
	case 'T':
		return thread_packet(c, pkt, end);
	case 'D':
		c->kind = RSP_DETACH; /* D or D;pid */
		return;
	case 'k':
		c->kind = RSP_KILL;
		return;
	case 'q':
		return query(c, pkt, end);
	}
	if (!strcmp(pkt, "vCont?"))
		c->kind = RSP_VCONT_QUERY;
	else if (starts(pkt, "vCont;"))
		resume(c, pkt + strlen("vCont;"), end);
	else if (starts(pkt, "vKill"))
		c->kind = RSP_KILL;
	else if (!strcmp(pkt, "QStartNoAckMode"))
		c->kind = RSP_NO_ACK;
}

size_t rsp_frame(const void *payload, size_t len, char *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *in = payload;
	uint8_t sum = 0;
	size_t n = 0;

	if (cap < 4)
		return 0;
	out[n++] = '$';
	for (size_t i = 0; i < len; i++) {
		bool esc = in[i] == '#' || in[i] == '$' || in[i] == '}' || in[i] == '*';

		if (n + 2 + 3 > cap)
			return 0;
		if (esc) {
			out[n++] = '}';
			sum += '}';
		}
		out[n] = (char)(esc ? in[i] ^ 0x20 : in[i]);
		sum += (uint8_t)out[n++];
	}
	out[n++] = '#';
	out[n++] = digits[sum >> 4];
	out[n++] = digits[sum & 15];
	return n;
}
