/* QEMU's -device syntax for the devices vmm can add, NAME[,PROP=VALUE...]:
 * vmm's --device and the QEMU translation (host/qemu_args.c) share it. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "host/device_opts.h"
#include "host/parse.h"
#include "lib/machine.h"

/* "0xf4", "244": a port number below 64 KiB. */
static int parse_port(const char *s, uint16_t *out)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0 || v > 0xffff)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* The devices, by QEMU's name: the bool in struct options that says one
 * was asked for, and its line in QEMU's -device help. */
static const struct device_kind {
	const char *name;
	size_t given; /* offsetof(struct options, the bool) */
	const char *help;
} kinds[] = {
	{ "isa-debug-exit", offsetof(struct options, debug_exit_set),
	  "name \"isa-debug-exit\", bus ISA" },
	{ "pc-testdev", offsetof(struct options, pc_testdev), "name \"pc-testdev\", bus ISA" },
	{ "pci-testdev", offsetof(struct options, pci_testdev),
	  "name \"pci-testdev\", bus PCI, desc \"PCI Test Device\"" },
};

/* One of isa-debug-exit's properties: iobase=PORT, iosize=1..8. */
static int debug_exit_prop(struct options *o, const char *p, char *err, size_t errlen)
{
	bool base = !strncmp(p, "iobase=", 7), size = !strncmp(p, "iosize=", 7);
	uint16_t v;

	if ((!base && !size) || parse_port(p + 7, &v) < 0 || (size && (v < 1 || v > 8)))
		return snprintf(err, errlen,
				"isa-debug-exit: bad property '%s' (iobase=PORT, iosize=1..8)", p),
		       -1;
	*(base ? &o->debug_exit_port : &o->debug_exit_size) = v;
	return 0;
}

int device_opts_parse(struct options *o, const char *spec, bool qemu_defaults, char *err,
		      size_t errlen)
{
	size_t n = strcspn(spec, ",");
	const struct device_kind *k = kinds;
	bool *given, debug_exit;
	char buf[128], *save = NULL;

	while (k < kinds + sizeof(kinds) / sizeof(kinds[0]) &&
	       (strlen(k->name) != n || strncmp(spec, k->name, n)))
		k++;
	if (k == kinds + sizeof(kinds) / sizeof(kinds[0]))
		return snprintf(err, errlen, "'%.*s' is not a device vmm has (--device help)",
				(int)n, spec),
		       -1;
	given = (bool *)((char *)o + k->given);
	if (*given)
		return snprintf(err, errlen, "%s given twice", k->name), -1;
	*given = true;
	debug_exit = given == &o->debug_exit_set;
	if (debug_exit) {
		o->debug_exit_port = qemu_defaults ? DEBUG_EXIT_QEMU_PORT : DEBUG_EXIT_PORT;
		o->debug_exit_size = qemu_defaults ? DEBUG_EXIT_QEMU_SIZE : DEBUG_EXIT_SIZE;
	}
	if (strlen(spec + n) >= sizeof(buf))
		return snprintf(err, errlen, "%s: properties too long", k->name), -1;
	strcpy(buf, spec + n);
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (!strncmp(p, "id=", 3)) /* QEMU's name for it: vmm has no use for one */
			continue;
		if (!debug_exit)
			return snprintf(err, errlen,
					"%s: unknown property '%s' (it takes only id=)", k->name,
					p),
			       -1;
		if (debug_exit_prop(o, p, err, errlen) < 0)
			return -1;
	}
	if (debug_exit && (uint32_t)o->debug_exit_port + o->debug_exit_size > 0x10000)
		return snprintf(err, errlen, "isa-debug-exit: iobase + iosize beyond port 0xffff"),
		       -1;
	return 0;
}

void device_opts_help(FILE *f)
{
	fputs("Misc devices:\n", f);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		fprintf(f, "%s\n", kinds[i].help);
}
