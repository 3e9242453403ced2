/* The gdb stub's protocol layer (host/rsp.c): any byte stream a client
 * could send, framed and parsed as the stub does, with its invariants
 * checked: a packet never exceeds its buffer, decoded data lies inside
 * the packet, vCont actions stay within their array, and what rsp_frame()
 * sends parses back to the same payload. Input: the bytes from "gdb". */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "host/rsp.h"

static void check_cmd(const struct rsp_parser *p, const struct rsp_cmd *c)
{
	const uint8_t *lo = (const uint8_t *)p->buf, *hi = lo + p->len;

	if (c->kind == RSP_MALFORMED && (!c->why || !*c->why))
		abort(); /* a refusal says why */
	if (c->data && (c->data < lo || c->data + c->data_len > hi))
		abort();
	if (c->text && ((const uint8_t *)c->text < lo || (const uint8_t *)c->text > hi ||
			memchr(c->text, '\0', (size_t)(hi - (const uint8_t *)c->text) + 1) == NULL))
		abort(); /* text is a C string inside the packet */
	if (c->nr_actions < 0 || c->nr_actions > RSP_MAX_ACTIONS)
		abort();
	if (c->kind == RSP_VCONT && !c->nr_actions)
		abort();
	if (c->kind == RSP_WRITE_MEM && c->data_len != c->len)
		abort();
}

/* Frame the packet's payload as the stub would a reply, and parse it back. */
static void round_trip(const char *payload, size_t len)
{
	static char framed[2 * RSP_PACKET_MAX + 8];
	static struct rsp_parser back;
	size_t n = rsp_frame(payload, len, framed, sizeof(framed));
	enum rsp_event e = RSP_NONE;

	if (!n)
		abort(); /* RSP_PACKET_MAX bytes always fit, escaped */
	rsp_init(&back);
	for (size_t i = 0; i < n; i++)
		e = rsp_feed(&back, (uint8_t)framed[i]);
	if (e != RSP_PACKET || back.len != len || memcmp(back.buf, payload, len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rsp_parser p;
	static struct rsp_cmd c;
	static char copy[RSP_PACKET_MAX + 1];

	rsp_init(&p);
	for (size_t i = 0; i < size; i++) {
		enum rsp_event e = rsp_feed(&p, data[i]);

		if (p.len > RSP_PACKET_MAX)
			abort();
		if (e != RSP_PACKET)
			continue;
		if (p.buf[p.len] != '\0')
			abort();
		memcpy(copy, p.buf, p.len);
		round_trip(copy, p.len);
		rsp_parse(p.buf, p.len, &c);
		check_cmd(&p, &c);
	}
	return 0;
}
