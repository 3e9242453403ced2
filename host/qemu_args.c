/* QEMU's command line, as test runners pass it (kvm-unit-tests' x86/run,
 * scripts that take QEMU=path), translated into vmm's options. vmm takes
 * the options that describe a test kernel's machine and refuses every
 * other one by name: a run that silently lost an option would not be the
 * run the runner asked for. QEMU spells options with one dash or two, and
 * takes their argument as the next word. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "host/device_opts.h"
#include "host/parse.h"
#include "host/qemu_args.h"
#include "lib/log.h"
#include "lib/machine.h"

/* One option being handled: what its handler reads and fills. */
struct qemu_call {
	struct options *o;
	enum qemu_probe probe;
	const struct qemu_opt *opt;
	const char *arg; /* its argument; a flag's is its name */
	char *err;
	size_t errlen;
};

typedef int opt_fn(struct qemu_call *c);

/* An option by QEMU's name (without dashes), and what its handler needs
 * beyond the argument: the field it sets, or the one value vmm takes. */
struct qemu_opt {
	const char *name;
	bool has_arg;
	opt_fn *fn;
	size_t field;               /* opt_string, opt_flag: offsetof in struct options */
	const char *only, *refusal; /* opt_only: the one value, and why no other */
};

#define FAIL(...) (snprintf(c->err, c->errlen, __VA_ARGS__), -1)

int qemu_args_first(int argc, char **argv)
{
	const char *name = argc > 0 ? strrchr(argv[0], '/') : NULL;

	name = name ? name + 1 : argc > 0 ? argv[0] : "";
	if (!strcmp(name, "qemu-system-x86_64") || !strcmp(name, "qemu-kvm"))
		return 1;
	return argc > 1 && !strcmp(argv[1], "--qemu") ? 2 : 0;
}

/* -kernel, -initrd, -append: a string of struct options. */
static int opt_string(struct qemu_call *c)
{
	*(const char **)((char *)c->o + c->opt->field) = c->arg;
	return 0;
}

/* -no-reboot, -S (--gdb-wait): a bool of struct options. */
static int opt_flag(struct qemu_call *c)
{
	*(bool *)((char *)c->o + c->opt->field) = true;
	return 0;
}

/* Options whose only value vmm takes is the one it always has. */
static int opt_only(struct qemu_call *c)
{
	return strcmp(c->arg, c->opt->only)
		       ? FAIL("-%s %s: %s", c->opt->name, c->arg, c->opt->refusal)
		       : 0;
}

/* -enable-kvm, -nographic, -nodefaults, -no-user-config, -name: what vmm
 * does anyway, or a name it has no use for. */
static int opt_ignored(struct qemu_call *c)
{
	(void)c;
	return 0;
}

/* -m 512 (MiB), -m 2G, -m size=512M[,slots=N,maxmem=SIZE]: vmm's -m,
 * with QEMU's unit when there is no suffix. */
static int opt_memory(struct qemu_call *c)
{
	char size[32], why[OPTIONS_ERR_LEN];
	const char *s = strncmp(c->arg, "size=", 5) ? c->arg : c->arg + 5;
	size_t n = strcspn(s, ",");

	if (n == 0 || n + 2 > sizeof(size))
		return FAIL("-m %s: bad memory size", c->arg);
	memcpy(size, s, n);
	size[n] = '\0';
	if (size[n - 1] >= '0' && size[n - 1] <= '9')
		strcat(size, "M"); /* QEMU's unit without a suffix */
	if (parse_ram_size(size, &c->o->ram_size, why, sizeof(why)) < 0)
		return FAIL("-m %s: %s", c->arg, why);
	return 0;
}

/* One "key=N" of -smp; -1 when it is not that key or N is bad. */
static int smp_key(const char *item, const char *key, uint64_t *out)
{
	size_t len = strlen(key);

	if (strncmp(item, key, len) || item[len] != '=')
		return -1;
	return parse_u64(item + len + 1, out) < 0 || *out < 1 || *out > SMP_MAX ? -2 : 0;
}

/* -smp N or -smp [cpus=]N[,sockets=S,dies=D,cores=C,threads=T,maxcpus=M]:
 * vmm has flat topology, so only the count matters. */
static int opt_smp(struct qemu_call *c)
{
	static const char *const keys[] = {
		"cpus", "sockets", "dies", "cores", "threads", "maxcpus"
	};
	uint64_t v[6] = { 0, 1, 1, 1, 1, 0 };
	char buf[128], *save = NULL;

	if (strlen(c->arg) >= sizeof(buf))
		return FAIL("-smp %s: too long", c->arg);
	strcpy(buf, c->arg);
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int r = -1;

		for (int k = 0; k < 6 && r == -1; k++)
			r = smp_key(p, keys[k], &v[k]);
		if (r == -1 && p == buf && parse_u64(p, &v[0]) == 0 && v[0] >= 1 && v[0] <= SMP_MAX)
			r = 0;
		if (r < 0)
			return FAIL("-smp %s: bad or unknown '%s' (vmm takes 1..%d CPUs)", c->arg,
				    p, SMP_MAX);
	}
	if (!v[0])
		v[0] = v[1] * v[2] * v[3] * v[4];
	if (v[0] > SMP_MAX || (v[5] && v[5] < v[0]))
		return FAIL("-smp %s: bad CPU count (maxcpus below cpus, or above %d)", c->arg,
			    SMP_MAX);
	c->o->smp = (int)v[0];
	return 0;
}

/* -cpu, -machine, -device: "help" and "?" are probes. */
static bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "?");
}

static int opt_cpu(struct qemu_call *c)
{
	char why[CPU_MODEL_ERR_LEN];

	if (is_help(c->arg)) {
		c->probe = QEMU_CPU_HELP;
		return 0;
	}
	if (cpu_model_parse(c->arg, &c->o->cpu, why, sizeof(why)) < 0)
		return FAIL("-cpu %s: %s", c->arg, why);
	return 0;
}

/* accel=kvm, or a list with kvm in it: vmm runs on KVM only. */
static int accel_ok(const char *list)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ":,");

		if (n == 3 && !strncmp(p, "kvm", 3))
			return 0;
		if (p[n] != ':')
			break;
		p += n + 1;
	}
	return -1;
}

/* One -machine property; every value vmm gives is the machine it builds. */
static int machine_prop(struct qemu_call *c, const char *p)
{
	static const char *const types[] = { "pc", "q35", "microvm" };

	if (!strchr(p, '=') || !strncmp(p, "type=", 5)) {
		const char *t = strchr(p, '=') ? p + 5 : p;

		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (!strncmp(t, types[i], strlen(types[i])))
				return 0;
		return FAIL("-machine %s: unknown machine type (-machine help)", t);
	}
	if (!strncmp(p, "accel=", 6))
		return accel_ok(p + 6) < 0 ? FAIL("-machine %s: vmm runs guests on KVM only", p)
					   : 0;
	if (!strcmp(p, "kernel-irqchip=on") || !strcmp(p, "kernel_irqchip=on"))
		return 0;
	if (!strncmp(p, "kernel-irqchip=", 15) || !strncmp(p, "kernel_irqchip=", 15))
		return FAIL("-machine %s: vmm's PIC, IOAPIC and LAPICs are all in the kernel (on)",
			    p);
	if (!strcmp(p, "pit=on") || !strcmp(p, "pit=off")) {
		c->o->no_pit = p[5] == 'f';
		return 0;
	}
	return FAIL("-machine %s: vmm takes type, accel=kvm, kernel-irqchip=on, pit=on|off", p);
}

static int opt_machine(struct qemu_call *c)
{
	char buf[256], *save = NULL;

	if (is_help(c->arg)) {
		c->probe = QEMU_MACHINE_HELP;
		return 0;
	}
	if (strlen(c->arg) >= sizeof(buf))
		return FAIL("-machine %s: too long", c->arg);
	strcpy(buf, c->arg);
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (machine_prop(c, p) < 0)
			return -1;
	return 0;
}

static int opt_accel(struct qemu_call *c)
{
	if (strncmp(c->arg, "kvm", 3) || (c->arg[3] && c->arg[3] != ','))
		return FAIL("-accel %s: vmm runs guests on KVM only", c->arg);
	return 0;
}

static int opt_device(struct qemu_call *c)
{
	char why[OPTIONS_ERR_LEN];

	if (is_help(c->arg)) {
		c->probe = QEMU_DEVICE_HELP;
		return 0;
	}
	if (device_opts_parse(c->o, c->arg, true, why, sizeof(why)) < 0)
		return FAIL("-device %s: %s", c->arg, why);
	return 0;
}

static int opt_global(struct qemu_call *c)
{
	if (!strcmp(c->arg, "kvm-pit.lost_tick_policy=discard") ||
	    !strcmp(c->arg, "kvm-pit.lost_tick_policy=delay")) {
		c->o->pit_discard = c->arg[strlen(c->arg) - 1] == 'd'; /* discard */
		return 0;
	}
	return FAIL("-global %s: vmm takes kvm-pit.lost_tick_policy=discard|delay", c->arg);
}

/* -gdb DEV: QEMU's chardev forms tcp:[HOST]:PORT and unix:PATH (options
 * after a comma, such as server=on, are what vmm does anyway). -s is
 * -gdb tcp::1234 (vmm listens on 127.0.0.1 unless a host is given). */
static int opt_gdb(struct qemu_call *c)
{
	const char *dev = c->opt->has_arg ? c->arg : "tcp::1234";
	char spec[sizeof(c->o->gdb_addr.path) + 8];
	const char *p = spec;

	snprintf(spec, sizeof(spec), "%.*s", (int)strcspn(dev, ","), dev);
	if (!strncmp(p, "tcp:", 4))
		p += *(p + 4) == ':' ? 5 : 4;
	c->o->gdb = true;
	return parse_gdb_addr(&c->o->gdb_addr, p, c->err, c->errlen);
}

static int opt_probe(struct qemu_call *c)
{
	c->probe = c->opt->name[0] == 'v' ? QEMU_VERSION_LINE : QEMU_HELP;
	return 0;
}

#define FIELD(f) .field = offsetof(struct options, f)
#define ONLY(value, why) .only = value, .refusal = why

/* Every option vmm takes, by QEMU's name (without dashes). */
static const struct qemu_opt table[] = {
	{ "kernel", true, opt_string, FIELD(guest.image) },
	{ "initrd", true, opt_string, FIELD(guest.initrd) },
	{ "append", true, opt_string, FIELD(guest.cmdline) },
	{ "m", true, opt_memory },
	{ "smp", true, opt_smp },
	{ "cpu", true, opt_cpu },
	{ "machine", true, opt_machine },
	{ "M", true, opt_machine },
	{ "accel", true, opt_accel },
	{ "enable-kvm", false, opt_ignored },
	{ "device", true, opt_device },
	{ "serial", true, opt_only, ONLY("stdio", "vmm's serial port is stdio") },
	{ "display", true, opt_only, ONLY("none", "vmm has no display (none)") },
	{ "vnc", true, opt_only, ONLY("none", "vmm has no VNC server (none)") },
	{ "nographic", false, opt_ignored },
	{ "nodefaults", false, opt_ignored },
	{ "no-user-config", false, opt_ignored },
	{ "name", true, opt_ignored },
	{ "no-reboot", false, opt_flag, FIELD(no_reboot) },
	{ "global", true, opt_global },
	{ "s", false, opt_gdb },
	{ "S", false, opt_flag, FIELD(gdb_wait) }, /* the CPUs wait for gdb's continue */
	{ "gdb", true, opt_gdb },
	{ "h", false, opt_probe },
	{ "help", false, opt_probe },
	{ "version", false, opt_probe },
};

static const struct qemu_opt *find(const char *word)
{
	if (word[0] != '-')
		return NULL;
	word += word[1] == '-' ? 2 : 1;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].name, word))
			return &table[i];
	return NULL;
}

/* What QEMU's machine gives that vmm's defaults differ from: its default
 * CPU model, no debug exit unless a -device adds one, an empty command
 * line. */
static void qemu_defaults(struct options *o)
{
	char err[CPU_MODEL_ERR_LEN];

	options_defaults(o);
	o->qemu = true;
	o->debug_exit_size = 0;
	o->guest.cmdline = "";
	cpu_model_parse("qemu64", &o->cpu, err, sizeof(err));
}

int qemu_args_parse(struct options *o, int argc, char **argv, int first, enum qemu_probe *probe,
		    char *err, size_t errlen)
{
	struct qemu_call call = { o, QEMU_RUN, NULL, NULL, err, errlen }, *c = &call;

	qemu_defaults(o);
	for (int i = first; i < argc && c->probe == QEMU_RUN; i++) {
		const struct qemu_opt *opt = find(argv[i]);

		if (argv[i][0] != '-')
			return FAIL("%s: vmm runs -kernel images, not disk images", argv[i]);
		if (!opt)
			return FAIL("%s: invalid option (vmm takes QEMU's options for test kernels:"
				    " --help lists them)",
				    argv[i]);
		if (opt->has_arg && i + 1 == argc)
			return FAIL("%s: requires an argument", argv[i]);
		c->opt = opt;
		c->arg = opt->has_arg ? argv[++i] : opt->name;
		if (opt->fn(c) < 0)
			return -1;
	}
	*probe = c->probe;
	if (c->probe == QEMU_RUN && !o->guest.image)
		return FAIL("no -kernel given: vmm runs -kernel images only");
	if (c->probe == QEMU_RUN && o->gdb_wait && !o->gdb)
		return FAIL("-S: vmm has no monitor to continue from; with -s or -gdb, gdb does");
	return 0;
}

void qemu_args_version(FILE *f, const char *vmm_version)
{
	fprintf(f,
		"QEMU emulator version " QEMU_VERSION " (vmm %s, which follows QEMU " QEMU_VERSION
		"'s command line for test kernels on KVM)\n",
		vmm_version);
}

void qemu_args_usage(FILE *f, const char *vmm_version)
{
	qemu_args_version(f, vmm_version);
	fputs("usage: qemu-system-x86_64 [options] -kernel FILE\n"
	      "       vmm --qemu [options] -kernel FILE\n"
	      "This is vmm, not QEMU: it takes the QEMU options test runners pass and\n"
	      "refuses every other one by name, with QEMU's status for bad options (1).\n"
	      "-kernel FILE         multiboot kernel, Linux bzImage (or flat image)\n"
	      "-initrd FILE         Linux initrd; multiboot modules 'file args,file args'\n"
	      "-append CMDLINE      the kernel's command line\n"
	      "-m [size=]SIZE       RAM (MiB without a suffix; 1M to 64G, 4K pages)\n"
	      "-smp [cpus=]N[,sockets=,dies=,cores=,threads=,maxcpus=]  vCPUs (1 to 254)\n"
	      "-cpu MODEL[,+F,-F,F=on|off,vendor=,family=,model=,stepping=,model-id=,enforce]\n"
	      "                     CPU model from what KVM supports (default qemu64; help)\n"
	      "-machine|-M [type=]pc|q35|microvm[,accel=kvm][,kernel-irqchip=on]\n"
	      "                     [,pit=on|off]  all types are vmm's one PC (help)\n"
	      "-accel kvm, -enable-kvm\n"
	      "-device isa-debug-exit[,iobase=PORT][,iosize=N] | pc-testdev | pci-testdev\n"
	      "-global kvm-pit.lost_tick_policy=discard|delay\n"
	      "-serial stdio, -display none, -vnc none, -nographic, -nodefaults,\n"
	      "-no-user-config, -name NAME, -no-reboot\n"
	      "-s, -gdb tcp:[HOST]:PORT|unix:PATH  a gdb stub (-s: port 1234 on 127.0.0.1)\n"
	      "-S                   stop before the first instruction until gdb continues\n"
	      "-h, -help, -version, -device help, -machine help, -cpu help\n"
	      "Exit status: (V << 1) | 1 after the guest wrote V to isa-debug-exit; 0 when\n"
	      "the guest halted, powered off, reset or triple faulted with -no-reboot, or a\n"
	      "signal ended the run; 1 when vmm could not start.\n",
	      f);
}

void qemu_args_machine_help(FILE *f)
{
	fputs("Supported machines are:\n"
	      "microvm              vmm's PC (as pc)\n"
	      "pc                   vmm's PC: i440FX host bridge, PIIX-style ports, in-kernel\n"
	      "                     PIC, IOAPIC and PIT (default)\n"
	      "q35                  vmm's PC (as pc)\n",
	      f);
}

int qemu_args_status(const struct options *o, int status)
{
	switch (status) {
	case STATUS_HALT:
	case STATUS_QUIT:
		return 0; /* QEMU: the guest powered off; the user typed Ctrl-A x */
	case STATUS_SHUTDOWN:
	case STATUS_RESET:
		return o->no_reboot ? 0 : status; /* QEMU reboots instead: vmm does not */
	default:
		return status;
	}
}
