#ifndef PARSE_H
#define PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RAM_SIZE_MIN (1ULL << 20)
#define RAM_SIZE_MAX (64ULL << 30)

/* Where --gdb listens: "[HOST:]PORT" or "unix:PATH". */
struct gdb_addr {
	bool is_unix;
	char host[256]; /* empty: 127.0.0.1 */
	int port;       /* 0: any free port, announced */
	char path[108]; /* sizeof(sun_path), NUL included */
};

/* A number: decimal, or hex after 0x; never octal, a sign or spaces. */
int parse_u64(const char *s, uint64_t *out);
/* -m's SIZE ("64M", "0x1000", "2G"; never octal: "010M" is ten MiB),
 * within RAM_SIZE_MIN..RAM_SIZE_MAX, whole 4K pages (KVM maps RAM in
 * pages). -1 with err naming SIZE and what is wrong. */
int parse_ram_size(const char *s, uint64_t *out, char *err, size_t errlen);
/* --gdb unix:PATH, [HOST:]PORT or [IPV6]:PORT. */
int parse_gdb_addr(struct gdb_addr *a, const char *s, char *err, size_t errlen);

#endif
