#ifndef CONSOLE_H
#define CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONSOLE_OUT_SIZE 65536
/* Room below which the UART holds THRE clear (console_full): more than a
 * 16550A FIFO's worth, for guests that send a line per THRE. */
#define CONSOLE_TX_ROOM 1024
#define CONSOLE_IN_SIZE 4096        /* input read ahead of the guest, escape seen */
#define CONSOLE_DRAIN_MS 2000       /* after the run: how long vmm's last output may take */
#define CONSOLE_ESCAPE 0x01         /* Ctrl-A, then x to quit, as in QEMU -nographic */
#define CONSOLE_QUIT_GRACE_TICKS 50 /* ticks for the guest to take input before Ctrl-A x */

/* The host side of the serial line: stdin in, stdout out. */
struct console {
	int in_fd;
	int out_fd; /* our own non-blocking description of stdout */
	int given_out_fd;
	FILE *err; /* vmm's own words (lib/log.h): to fd 2, our own description */
	/* ms, CLOCK_MONOTONIC: the run is over (console_destroy), and vmm's
	 * last words may wait until then to be written. 0: never wait. */
	int64_t deadline;
	bool in_eof;
	bool escape;   /* the last byte read was Ctrl-A */
	bool quit;     /* the user typed Ctrl-A x */
	bool snapshot; /* the user typed Ctrl-A s */
	bool report;   /* the user typed Ctrl-A w */
	unsigned quit_ticks;
	uint8_t in[CONSOLE_IN_SIZE];
	size_t in_len;
	uint8_t out[CONSOLE_OUT_SIZE];
	size_t out_len;
	uint64_t dropped; /* bytes lost because stdout would not take them */
};

/* Before anything is opened: /dev/null, read-only, in place of a closed
 * stdin, stdout or stderr. Else /dev/kvm or the VM would get fd 1 or 2 and
 * guest output and vmm's words be written into it; read-only, those writes
 * fail as into the closed fd (guest output is counted as dropped). */
void console_hold_std_fds(void);
/* Puts a terminal on in_fd in raw mode and restores it on exit, including
 * exits by fatal signal. stdout and stderr get file descriptions of their
 * own, non-blocking: while the guest runs, what they do not take at once
 * is dropped (and counted, for the guest's output). */
void console_init(struct console *c, int in_fd, int out_fd);
/* Serial TX sink: buffer a byte for stdout; dropped (and counted) when
 * the buffer is full, for a guest that does not wait for THRE. */
void console_tx(void *ctx, uint8_t byte);
/* Whether stdout is so far behind that the UART should not read as ready
 * to send (less than CONSOLE_TX_ROOM free after a try to write). */
bool console_full(void *ctx);
/* Serial RX source: up to room bytes of input, without blocking. Reads
 * stdin ahead of the guest (bounded), so Ctrl-A x works even when the
 * guest reads nothing. */
size_t console_read(void *ctx, uint8_t *buf, size_t room);
/* Ctrl-A x was typed, and the guest has taken the input typed before it,
 * or stopped taking input (CONSOLE_QUIT_GRACE_TICKS). Call once a tick. */
bool console_quit_due(struct console *c);
/* Whether Ctrl-A s was typed since the last call. */
bool console_take_snapshot(struct console *c);
/* Whether Ctrl-A w ("where are the vCPUs") was typed since the last call. */
bool console_take_report(struct console *c);
/* in_fd while more input is wanted (not at EOF, room to read ahead), else -1. */
int console_input_fd(const struct console *c);
/* Work left for the next tick: output stdout has not taken, a quit. */
bool console_busy(const struct console *c);
/* Write what stdout takes now of the buffered output, without blocking. */
void console_flush(struct console *c);
/* After the run: restore the terminal and flush what is left. From here
 * on, everything vmm writes (the rest of the guest's output, warnings,
 * --stats) may wait for a slow reader, but only for limit_ms in all, and
 * not at all once a stop signal (SIGTERM...) came; what is not taken by
 * then is dropped. */
void console_destroy(struct console *c, int64_t limit_ms);

#endif
