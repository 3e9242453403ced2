#ifndef RSP_H
#define RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* gdb's Remote Serial Protocol (the gdb manual, appendix "Remote
 * Protocol"): framing, and the packets a stub for a machine answers,
 * parsed into a plain struct. Pure: no I/O, no KVM, so the fuzzer
 * (fuzz/rsp.c) drives all of it. */

#define RSP_PACKET_MAX 0x4000 /* the PacketSize we announce: bytes between $ and # */
#define RSP_MAX_ACTIONS 256   /* vCont actions: one per vCPU and a default */
#define RSP_INTERRUPT_BYTE 0x03

enum rsp_event {
	RSP_NONE,         /* more bytes needed */
	RSP_ACK,          /* + */
	RSP_NAK,          /* -: send the last packet again */
	RSP_INTERRUPT,    /* 0x03 outside a packet: gdb's Ctrl-C */
	RSP_PACKET,       /* $...#xx with a good checksum: in buf, len bytes */
	RSP_BAD_CHECKSUM, /* $...#xx that does not add up */
};

struct rsp_parser {
	int state;
	char buf[RSP_PACKET_MAX + 1]; /* NUL-terminated; X data may hold NULs */
	size_t len;
	bool overflow; /* longer than RSP_PACKET_MAX: the rest was dropped */
	bool bad_run;  /* a '*' with no byte before it, or a count out of range */
	uint8_t sum, want;
	bool bad_sum; /* the first checksum digit was not hex */
};

void rsp_init(struct rsp_parser *p);
/* One byte from gdb; returns what it completed. */
enum rsp_event rsp_feed(struct rsp_parser *p, uint8_t c);

enum rsp_kind {
	RSP_UNKNOWN,   /* reply empty: not supported */
	RSP_MALFORMED, /* reply an error; why says what */
	RSP_HALT_REASON,
	RSP_READ_REGS,
	RSP_WRITE_REGS, /* data */
	RSP_READ_REG,   /* reg */
	RSP_WRITE_REG,  /* reg, data */
	RSP_READ_MEM,   /* addr, len */
	RSP_WRITE_MEM,  /* addr, len, data (M hex and X binary alike) */
	RSP_VCONT,      /* actions; c, C, s and S arrive as one action for all */
	RSP_VCONT_QUERY,
	RSP_INSERT, /* type, addr, len */
	RSP_REMOVE,
	RSP_SET_THREAD, /* op ('g' or 'c'), tid */
	RSP_THREAD_ALIVE,
	RSP_DETACH,
	RSP_KILL,
	RSP_SUPPORTED,
	RSP_NO_ACK,
	RSP_XFER_FEATURES, /* text = annex, addr = offset, len */
	RSP_THREAD_FIRST,
	RSP_THREAD_NEXT,
	RSP_CURRENT_THREAD,
	RSP_THREAD_EXTRA, /* tid */
	RSP_ATTACHED,
	RSP_MONITOR, /* text: the command, decoded */
	RSP_SYMBOL,
};

#define RSP_ALL_THREADS (-1)
#define RSP_ANY_THREAD 0

struct rsp_action {
	char op; /* 'c' or 's' */
	int tid; /* a thread, or RSP_ALL_THREADS for the default action */
};

struct rsp_cmd {
	enum rsp_kind kind;
	const char *why; /* RSP_MALFORMED */
	uint64_t addr, len;
	int type; /* Z/z type */
	int reg;
	char op;       /* H: 'g' or 'c' */
	int tid;       /* H, T, qThreadExtraInfo: a thread, RSP_ALL_THREADS or RSP_ANY_THREAD */
	uint8_t *data; /* G, P, M, X: decoded in place in the packet */
	size_t data_len;
	const char *text;
	bool legacy; /* c, C, s, S rather than vCont: 's' steps the Hc thread only */
	int nr_actions;
	struct rsp_action action[RSP_MAX_ACTIONS];
};

/* Parse a packet (modified in place: hex and escapes decoded). */
void rsp_parse(char *pkt, size_t len, struct rsp_cmd *c);

/* Frame a payload as $payload#xx, escaping what must be ('#', '$', '}',
 * '*'); returns the framed length, or 0 if it does not fit in cap. */
size_t rsp_frame(const void *payload, size_t len, char *out, size_t cap);
/* Bytes as hex, two digits each; out must hold 2 * len + 1. */
void rsp_hex(const uint8_t *in, size_t len, char *out);

#endif
