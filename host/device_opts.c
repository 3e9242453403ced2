/* QEMU's -device syntax for the devices vmm can add, NAME[,PROP=VALUE...]:
 * vmm's --device and the QEMU translation (host/qemu_args.c) share it. */
#include <stdio.h>
#include <string.h>

#include "host/device_opts.h"
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

static int debug_exit_props(struct options *o, const char *props, char *err, size_t errlen)
{
	char buf[128];
	char *save = NULL;

	if (strlen(props) >= sizeof(buf))
		return snprintf(err, errlen, "isa-debug-exit: properties too long"), -1;
	strcpy(buf, props);
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		bool base = !strncmp(p, "iobase=", 7), size = !strncmp(p, "iosize=", 7);
		uint16_t v;

		if (!strncmp(p, "id=", 3))
			continue;
		if ((!base && !size) || parse_port(p + 7, &v) < 0 || (size && (v < 1 || v > 8)))
			return snprintf(err, errlen,
					"isa-debug-exit: bad property '%s' (iobase=PORT, "
					"iosize=1..8)",
					p),
			       -1;
		*(base ? &o->debug_exit_port : &o->debug_exit_size) = v;
	}
	if ((uint32_t)o->debug_exit_port + o->debug_exit_size > 0x10000)
		return snprintf(err, errlen, "isa-debug-exit: iobase + iosize beyond port 0xffff"),
		       -1;
	return 0;
}

int device_opts_parse(struct options *o, const char *spec, bool qemu_defaults, char *err,
		      size_t errlen)
{
	size_t n = strcspn(spec, ",");
	const char *props = spec[n] ? spec + n + 1 : "";
	bool *flag = NULL;

	if (n == 14 && !strncmp(spec, "isa-debug-exit", n)) {
		if (o->debug_exit_set)
			return snprintf(err, errlen, "isa-debug-exit given twice"), -1;
		o->debug_exit_set = true;
		o->debug_exit_port = qemu_defaults ? DEBUG_EXIT_QEMU_PORT : DEBUG_EXIT_PORT;
		o->debug_exit_size = qemu_defaults ? DEBUG_EXIT_QEMU_SIZE : DEBUG_EXIT_SIZE;
		return debug_exit_props(o, props, err, errlen);
	}
	if (n == 10 && !strncmp(spec, "pc-testdev", n))
		flag = &o->pc_testdev;
	else if (n == 11 && !strncmp(spec, "pci-testdev", n))
		flag = &o->pci_testdev;
	else
		return snprintf(err, errlen, "'%.*s' is not a device vmm has (--device help)",
				(int)n, spec),
		       -1;
	if (*flag)
		return snprintf(err, errlen, "%.*s given twice", (int)n, spec), -1;
	if (*props && strncmp(props, "id=", 3))
		return snprintf(err, errlen, "%.*s: unknown property '%s'", (int)n, spec, props),
		       -1;
	*flag = true;
	return 0;
}

void device_opts_help(FILE *f)
{
	fputs("Misc devices:\n"
	      "name \"isa-debug-exit\", bus ISA\n"
	      "name \"pc-testdev\", bus ISA\n"
	      "name \"pci-testdev\", bus PCI, desc \"PCI Test Device\"\n",
	      f);
}
