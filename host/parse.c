/* The values both command lines take (host/options.c, host/qemu_args.c)
 * and gdb's monitor commands: numbers, sizes, the RAM size, where the gdb
 * stub listens. Pure: no I/O; a caller names the option in its message. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/parse.h"
#include "lib/machine.h"

int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	/* strtoull would also take a sign, spaces, and octal after a 0. */
	if (!(hex ? isxdigit((unsigned char)s[2]) : isdigit((unsigned char)s[0])))
		return -1;
	errno = 0;
	*out = strtoull(s, &end, hex ? 16 : 10);
	return (errno || *end) ? -1 : 0;
}

/* A number with an optional K, M, G or T suffix. */
static int parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	char num[32];
	size_t len = strlen(s);
	const char *u;
	int shift = 0;

	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, s, len + 1);
	u = strchr(units, num[len - 1] & ~0x20); /* K or k */
	if (u && *u) {
		shift = 10 * (int)(u - units + 1);
		num[--len] = '\0';
	}
	if (parse_u64(num, out) < 0 || (*out << shift >> shift) != *out)
		return -1;
	*out <<= shift;
	return 0;
}

int parse_ram_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
	if (parse_size(s, out) < 0)
		return snprintf(err, errlen, "bad memory size '%s' (e.g. 256M)", s), -1;
	if (*out < RAM_SIZE_MIN || *out > RAM_SIZE_MAX)
		return snprintf(err, errlen, "memory size '%s' out of range 1M..64G", s), -1;
	if (*out % PAGE_SIZE) /* KVM maps RAM in pages */
		return snprintf(err, errlen,
				"memory size '%s' for -m is not a multiple of the 4K page", s),
		       -1;
	return 0;
}

/* --gdb unix:PATH, [HOST:]PORT or [IPV6]:PORT. */
int parse_gdb_addr(struct gdb_addr *a, const char *s, char *err, size_t errlen)
{
	const char *colon = strrchr(s, ':'), *port = colon ? colon + 1 : s;
	size_t hostlen = colon ? (size_t)(colon - s) : 0;
	uint64_t n;

	memset(a, 0, sizeof(*a));
	if (!strncmp(s, "unix:", 5)) {
		if (!s[5] || strlen(s + 5) >= sizeof(a->path))
			return snprintf(err, errlen, "--gdb '%s': a socket path of 1 to %zu bytes",
					s, sizeof(a->path) - 1),
			       -1;
		a->is_unix = true;
		memcpy(a->path, s + 5, strlen(s + 5) + 1);
		return 0;
	}
	if (hostlen >= 2 && s[0] == '[' && s[hostlen - 1] == ']') { /* [::1]:1234 */
		s++;
		hostlen -= 2;
	}
	if ((colon && !hostlen) || hostlen >= sizeof(a->host) || !isdigit((unsigned char)*port) ||
	    parse_u64(port, &n) < 0 || n > 65535 || (port[0] == '0' && port[1]))
		return snprintf(err, errlen,
				"bad --gdb '%s' (PORT, HOST:PORT or unix:PATH; PORT 0-65535)", s),
		       -1;
	memcpy(a->host, s, hostlen);
	a->port = (int)n;
	return 0;
}
