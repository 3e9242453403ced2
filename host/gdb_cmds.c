/* The stub's answer to each packet (host/rsp.c parsed it): registers,
 * memory, breakpoints, threads (one per vCPU, numbered from 1), the target
 * description, and what resumes or ends a session. Runs only while every
 * vCPU is stopped. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "host/gdb.h"
#include "lib/log.h"
#include "vm/breakpoints.h"

static struct vcpu *cur(struct gdb *g)
{
	return &g->vcpus[g->g_cpu];
}

static void read_regs(struct gdb *g)
{
	char *out = g->reply;
	size_t size = gdb_g_size(g->layout);
	uint8_t buf[GDB_REG_MAX];

	g->reply_len = 0;
	for (int n = 0; g->reply_len < 2 * size; n++) {
		int len = gdb_reg_read(&g->debug, cur(g), g->layout, n, buf);

		if (len <= 0)
			return gdb_reply(g, "E.cannot read register %d: %s", n, strerror(errno));
		rsp_hex(buf, (size_t)len, out + g->reply_len);
		g->reply_len += 2 * (size_t)len;
	}
}

static void write_regs(struct gdb *g, const struct rsp_cmd *c)
{
	size_t done = 0;

	if (c->data_len != gdb_g_size(g->layout))
		return gdb_reply(g, "E.G takes %zu bytes", gdb_g_size(g->layout));
	for (int n = 0; done < c->data_len; n++) {
		uint8_t buf[GDB_REG_MAX];
		int len = gdb_reg_read(&g->debug, cur(g), g->layout, n, buf);

		if (len <= 0 || memcmp(buf, c->data + done, (size_t)len) == 0) {
			done += len > 0 ? (size_t)len : 0;
			continue; /* unchanged: no KVM_SET_SREGS for nothing */
		}
		if (gdb_reg_write(&g->debug, cur(g), g->layout, n, c->data + done, (size_t)len) < 0)
			return gdb_reply(g, "E.register %d: %s", n, strerror(errno));
		done += (size_t)len;
	}
	gdb_reply(g, "OK");
}

static void read_reg(struct gdb *g, int n)
{
	uint8_t buf[GDB_REG_MAX];
	int len;

	if (n >= gdb_reg_count(g->layout))
		return gdb_reply(g, "E.no register %d", n);
	len = gdb_reg_read(&g->debug, cur(g), g->layout, n, buf);
	if (len > 0)
		return gdb_reply_hex(g, buf, (size_t)len);
	/* KVM would not give it (an MSR this host lacks): "unavailable" */
	g->reply_len = 2 * (size_t)gdb_reg_size(g->layout, n);
	memset(g->reply, 'x', g->reply_len);
}

static void memory(struct gdb *g, struct rsp_cmd *c)
{
	uint8_t buf[GDB_MEM_MAX];
	uint64_t len = c->len < GDB_MEM_MAX ? c->len : GDB_MEM_MAX, n;

	if (c->kind == RSP_WRITE_MEM) {
		if (c->len && debug_write(&g->debug, cur(g), c->addr, c->data, c->len) < 0)
			return gdb_reply(g, "E14"); /* EFAULT: not mapped, or not RAM */
		return gdb_reply(g, "OK");
	}
	n = debug_read(&g->debug, cur(g), c->addr, buf, len);
	if (len && !n)
		return gdb_reply(g, "E14");
	gdb_reply_hex(g, buf, n); /* shorter than asked: gdb asks for the rest */
}

static void breakpoint(struct gdb *g, const struct rsp_cmd *c)
{
	char err[200];

	if (c->kind == RSP_REMOVE) {
		if (debug_remove(&g->debug, cur(g), c->type, c->addr, c->len) < 0)
			return gdb_reply(g, "E.no such breakpoint");
		return gdb_reply(g, "OK");
	}
	if (debug_insert(&g->debug, cur(g), c->type, c->addr, c->len, err, sizeof(err)) < 0) {
		warn("gdb: %s", err);
		return gdb_reply(g, "E.%s", err);
	}
	gdb_reply(g, "OK");
}

/* A thread id names vCPU id - 1; -1 is all, 0 any. */
static bool valid_thread(struct gdb *g, int tid)
{
	return tid == RSP_ALL_THREADS || tid == RSP_ANY_THREAD || (tid >= 1 && tid <= g->nr);
}

static void set_thread(struct gdb *g, const struct rsp_cmd *c)
{
	if (!valid_thread(g, c->tid))
		return gdb_reply(g, "E.no thread %x", c->tid);
	if (c->op == 'c')
		g->c_cpu = c->tid > 0 ? c->tid - 1 : -1;
	else if (c->tid > 0)
		g->g_cpu = c->tid - 1;
	gdb_reply(g, "OK");
}

static void thread_list(struct gdb *g)
{
	int len = 0;

	g->reply[len++] = 'm';
	for (int i = 0; i < g->nr && len < (int)sizeof(g->reply) - 16; i++)
		len += snprintf(g->reply + len, sizeof(g->reply) - len, "%s%x", i ? "," : "",
				i + 1);
	g->reply_len = (size_t)len;
}

static void thread_extra(struct gdb *g, int tid)
{
	static const char *const mode[] = { "long mode", "protected mode", "real mode" };
	char text[64];

	if (tid < 1 || tid > g->nr)
		return gdb_reply(g, "E.no thread %x", tid);
	snprintf(text, sizeof(text), "vCPU %d, %s", tid - 1,
		 mode[gdb_layout_of(&g->vcpus[tid - 1])]);
	gdb_reply_hex(g, (const uint8_t *)text, strlen(text));
}

/* The description follows the CPU's mode when gdb first asks for it. */
static void features(struct gdb *g, const struct rsp_cmd *c)
{
	size_t n;

	if (strcmp(c->text, "target.xml"))
		return gdb_reply(g, "E00");
	if (!g->xml_len) {
		g->layout = gdb_layout_of(cur(g));
		g->xml_len = gdb_target_xml(g->layout, g->xml, GDB_XML_MAX);
	}
	if (c->addr >= g->xml_len)
		return gdb_reply(g, "l");
	n = g->xml_len - c->addr;
	n = n < c->len ? n : c->len;
	n = n < RSP_PACKET_MAX / 2 ? n : RSP_PACKET_MAX / 2; /* room for escapes */
	g->reply[0] = c->addr + n < g->xml_len ? 'm' : 'l';
	memcpy(g->reply + 1, g->xml + c->addr, n);
	g->reply_len = n + 1;
}

static void resume(struct gdb *g, const struct rsp_cmd *c)
{
	for (int i = 0; i < c->nr_actions; i++)
		if (!valid_thread(g, c->action[i].tid))
			return gdb_reply(g, "E.no thread %x", c->action[i].tid);
	gdb_resume(g, c);
}

void gdb_handle(struct gdb *g, struct rsp_cmd *c)
{
	switch (c->kind) {
	case RSP_UNKNOWN:
		return; /* the empty reply: not supported */
	case RSP_MALFORMED:
		return gdb_reply(g, "E.%s", c->why);
	case RSP_SUPPORTED:
		return gdb_reply(g,
				 "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;"
				 "QStartNoAckMode+;vContSupported+",
				 RSP_PACKET_MAX);
	case RSP_NO_ACK:
		g->no_ack = true; /* from the next packet on: this one was acked */
		return gdb_reply(g, "OK");
	case RSP_HALT_REASON:
		return gdb_stop_reply(g);
	case RSP_READ_REGS:
		return read_regs(g);
	case RSP_WRITE_REGS:
		return write_regs(g, c);
	case RSP_READ_REG:
		return read_reg(g, c->reg);
	case RSP_WRITE_REG:
		if (gdb_reg_write(&g->debug, cur(g), g->layout, c->reg, c->data, c->data_len) < 0)
			return gdb_reply(g, "E.register %d: %s", c->reg, strerror(errno));
		return gdb_reply(g, "OK");
	case RSP_READ_MEM:
	case RSP_WRITE_MEM:
		return memory(g, c);
	case RSP_INSERT:
	case RSP_REMOVE:
		return breakpoint(g, c);
	case RSP_VCONT_QUERY:
		return gdb_reply(g, "vCont;c;C;s;S");
	case RSP_VCONT:
		return resume(g, c);
	case RSP_SET_THREAD:
		return set_thread(g, c);
	case RSP_THREAD_ALIVE:
		return gdb_reply(g, c->tid >= 1 && c->tid <= g->nr ? "OK" : "E.no such thread");
	case RSP_THREAD_FIRST:
		return thread_list(g);
	case RSP_THREAD_NEXT:
		return gdb_reply(g, "l");
	case RSP_CURRENT_THREAD:
		return gdb_reply(g, "QC%x", g->g_cpu + 1);
	case RSP_THREAD_EXTRA:
		return thread_extra(g, c->tid);
	case RSP_ATTACHED:
		return gdb_reply(g, "1"); /* gdb's quit detaches: the guest runs on */
	case RSP_SYMBOL:
		return gdb_reply(g, "OK");
	case RSP_XFER_FEATURES:
		return features(g, c);
	case RSP_MONITOR:
		gdb_monitor(g, c->text);
		return gdb_reply(g, "OK");
	case RSP_DETACH:
		warn("gdb: detached; the guest runs on");
		gdb_detach(g);
		g->closing = true;
		return gdb_reply(g, "OK");
	case RSP_KILL:
		return gdb_kill(g);
	}
}
