/* QEMU's command line, as test runners pass it (kvm-unit-tests' x86/run,
 * scripts that take QEMU=path), translated into vmm's options. vmm takes
 * the options that describe a test kernel's machine and refuses every
 * other one by name: a run that silently lost an option would not be the
 * run the runner asked for. QEMU spells options with one dash or two, and
 * takes their argument as the next word. */
#include <stdlib.h>
#include <string.h>

#include "host/device_opts.h"
#include "host/qemu_args.h"
#include "lib/log.h"
#include "lib/machine.h"

struct qemu_state {
	enum qemu_probe probe;
	bool cpu_given;
};

typedef int opt_fn(struct options *o, struct qemu_state *st, const char *arg, char *err,
		   size_t errlen);

struct qemu_opt {
	const char *name;
	bool has_arg;
	opt_fn *fn;
};

#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), -1)

int qemu_args_first(int argc, char **argv)
{
	const char *name = argc > 0 ? strrchr(argv[0], '/') : NULL;

	name = name ? name + 1 : argc > 0 ? argv[0] : "";
	if (!strcmp(name, "qemu-system-x86_64") || !strcmp(name, "qemu-kvm"))
		return 1;
	return argc > 1 && !strcmp(argv[1], "--qemu") ? 2 : 0;
}

static int opt_kernel(struct options *o, struct qemu_state *st, const char *arg, char *err,
		      size_t errlen)
{
	(void)st, (void)err, (void)errlen;
	o->guest.image = arg;
	return 0;
}

static int opt_initrd(struct options *o, struct qemu_state *st, const char *arg, char *err,
		      size_t errlen)
{
	(void)st, (void)err, (void)errlen;
	o->guest.initrd = arg;
	return 0;
}

static int opt_append(struct options *o, struct qemu_state *st, const char *arg, char *err,
		      size_t errlen)
{
	(void)st, (void)err, (void)errlen;
	o->guest.cmdline = arg;
	return 0;
}

/* -m 512 (MiB), -m 2G, -m size=512M[,slots=N,maxmem=SIZE]: vmm's -m,
 * with QEMU's unit when there is no suffix. */
static int opt_memory(struct options *o, struct qemu_state *st, const char *arg, char *err,
		      size_t errlen)
{
	char size[32], why[OPTIONS_ERR_LEN];
	const char *s = strncmp(arg, "size=", 5) ? arg : arg + 5;
	size_t n = strcspn(s, ",");

	(void)st;
	if (n == 0 || n + 2 > sizeof(size))
		return FAIL("-m %s: bad memory size", arg);
	memcpy(size, s, n);
	size[n] = '\0';
	if (size[n - 1] >= '0' && size[n - 1] <= '9')
		strcat(size, "M"); /* QEMU's unit without a suffix */
	if (options_parse_ram(size, &o->ram_size, why, sizeof(why)) < 0)
		return FAIL("-m %s: %s", arg, why);
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
static int opt_smp(struct options *o, struct qemu_state *st, const char *arg, char *err,
		   size_t errlen)
{
	static const char *const keys[] = {
		"cpus", "sockets", "dies", "cores", "threads", "maxcpus"
	};
	uint64_t v[6] = { 0, 1, 1, 1, 1, 0 };
	char buf[128], *save = NULL;

	(void)st;
	if (strlen(arg) >= sizeof(buf))
		return FAIL("-smp %s: too long", arg);
	strcpy(buf, arg);
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int r = -1;

		for (int k = 0; k < 6 && r == -1; k++)
			r = smp_key(p, keys[k], &v[k]);
		if (r == -1 && p == buf && parse_u64(p, &v[0]) == 0 && v[0] >= 1 && v[0] <= SMP_MAX)
			r = 0;
		if (r < 0)
			return FAIL("-smp %s: bad or unknown '%s' (vmm takes 1..%d CPUs)", arg, p,
				    SMP_MAX);
	}
	if (!v[0])
		v[0] = v[1] * v[2] * v[3] * v[4];
	if (v[0] > SMP_MAX || (v[5] && v[5] < v[0]))
		return FAIL("-smp %s: bad CPU count (maxcpus below cpus, or above %d)", arg,
			    SMP_MAX);
	o->smp = (int)v[0];
	return 0;
}

static int opt_cpu(struct options *o, struct qemu_state *st, const char *arg, char *err,
		   size_t errlen)
{
	if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
		st->probe = QEMU_CPU_HELP;
		return 0;
	}
	st->cpu_given = true;
	if (cpu_model_parse(arg, &o->cpu, err, errlen) < 0) {
		char why[CPU_MODEL_ERR_LEN];

		snprintf(why, sizeof(why), "%s", err);
		return FAIL("-cpu %s: %s", arg, why);
	}
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
static int machine_prop(struct options *o, const char *p, char *err, size_t errlen)
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
		o->no_pit = p[5] == 'f';
		return 0;
	}
	return FAIL("-machine %s: vmm takes type, accel=kvm, kernel-irqchip=on, pit=on|off", p);
}

static int opt_machine(struct options *o, struct qemu_state *st, const char *arg, char *err,
		       size_t errlen)
{
	char buf[256], *save = NULL;

	if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
		st->probe = QEMU_MACHINE_HELP;
		return 0;
	}
	if (strlen(arg) >= sizeof(buf))
		return FAIL("-machine %s: too long", arg);
	strcpy(buf, arg);
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (machine_prop(o, p, err, errlen) < 0)
			return -1;
	return 0;
}

static int opt_accel(struct options *o, struct qemu_state *st, const char *arg, char *err,
		     size_t errlen)
{
	(void)o, (void)st;
	if (strncmp(arg, "kvm", 3) || (arg[3] && arg[3] != ','))
		return FAIL("-accel %s: vmm runs guests on KVM only", arg);
	return 0;
}

static int opt_device(struct options *o, struct qemu_state *st, const char *arg, char *err,
		      size_t errlen)
{
	char why[OPTIONS_ERR_LEN];

	if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
		st->probe = QEMU_DEVICE_HELP;
		return 0;
	}
	if (device_opts_parse(o, arg, true, why, sizeof(why)) < 0)
		return FAIL("-device %s: %s", arg, why);
	return 0;
}

/* Options whose only value vmm takes is the one it always has. */
static int opt_serial(struct options *o, struct qemu_state *st, const char *arg, char *err,
		      size_t errlen)
{
	(void)o, (void)st;
	return strcmp(arg, "stdio") ? FAIL("-serial %s: vmm's serial port is stdio", arg) : 0;
}

static int opt_display(struct options *o, struct qemu_state *st, const char *arg, char *err,
		       size_t errlen)
{
	(void)o, (void)st;
	return strcmp(arg, "none") ? FAIL("-display %s: vmm has no display (none)", arg) : 0;
}

static int opt_vnc(struct options *o, struct qemu_state *st, const char *arg, char *err,
		   size_t errlen)
{
	(void)o, (void)st;
	return strcmp(arg, "none") ? FAIL("-vnc %s: vmm has no VNC server (none)", arg) : 0;
}

static int opt_global(struct options *o, struct qemu_state *st, const char *arg, char *err,
		      size_t errlen)
{
	(void)st;
	if (!strcmp(arg, "kvm-pit.lost_tick_policy=discard") ||
	    !strcmp(arg, "kvm-pit.lost_tick_policy=delay")) {
		o->pit_discard = arg[strlen(arg) - 1] == 'd'; /* discard */
		return 0;
	}
	return FAIL("-global %s: vmm takes kvm-pit.lost_tick_policy=discard|delay", arg);
}

static int opt_ignored(struct options *o, struct qemu_state *st, const char *arg, char *err,
		       size_t errlen)
{
	(void)o, (void)st, (void)arg, (void)err, (void)errlen;
	return 0;
}

static int opt_no_reboot(struct options *o, struct qemu_state *st, const char *arg, char *err,
			 size_t errlen)
{
	(void)st, (void)arg, (void)err, (void)errlen;
	o->no_reboot = true;
	return 0;
}

/* -gdb DEV: QEMU's chardev forms tcp:[HOST]:PORT and unix:PATH (options
 * after a comma, such as server=on, are what vmm does anyway). */
static int opt_gdb(struct options *o, struct qemu_state *st, const char *arg, char *err,
		   size_t errlen)
{
	char spec[sizeof(o->gdb_addr.path) + 8];
	const char *p = spec;

	(void)st;
	snprintf(spec, sizeof(spec), "%.*s", (int)strcspn(arg, ","), arg);
	if (!strncmp(p, "tcp:", 4))
		p += *(p + 4) == ':' ? 5 : 4;
	o->gdb = true;
	return options_parse_gdb(&o->gdb_addr, p, err, errlen);
}

/* -s: -gdb tcp::1234 (vmm listens on 127.0.0.1 unless a host is given). */
static int opt_gdb_port(struct options *o, struct qemu_state *st, const char *arg, char *err,
			size_t errlen)
{
	(void)arg;
	return opt_gdb(o, st, "tcp::1234", err, errlen);
}

/* -S: the CPUs wait for gdb's continue (--gdb-wait). */
static int opt_gdb_wait(struct options *o, struct qemu_state *st, const char *arg, char *err,
			size_t errlen)
{
	(void)st, (void)arg, (void)err, (void)errlen;
	o->gdb_wait = true;
	return 0;
}

static int opt_probe(struct options *o, struct qemu_state *st, const char *arg, char *err,
		     size_t errlen)
{
	(void)o, (void)err, (void)errlen;
	st->probe = arg[0] == 'v' ? QEMU_VERSION_LINE : QEMU_HELP;
	return 0;
}

/* Every option vmm takes, by QEMU's name (without dashes). */
static const struct qemu_opt table[] = {
	{ "kernel", true, opt_kernel },
	{ "initrd", true, opt_initrd },
	{ "append", true, opt_append },
	{ "m", true, opt_memory },
	{ "smp", true, opt_smp },
	{ "cpu", true, opt_cpu },
	{ "machine", true, opt_machine },
	{ "M", true, opt_machine },
	{ "accel", true, opt_accel },
	{ "enable-kvm", false, opt_ignored },
	{ "device", true, opt_device },
	{ "serial", true, opt_serial },
	{ "display", true, opt_display },
	{ "vnc", true, opt_vnc },
	{ "nographic", false, opt_ignored },
	{ "nodefaults", false, opt_ignored },
	{ "no-user-config", false, opt_ignored },
	{ "name", true, opt_ignored },
	{ "no-reboot", false, opt_no_reboot },
	{ "global", true, opt_global },
	{ "s", false, opt_gdb_port },
	{ "S", false, opt_gdb_wait },
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
	struct qemu_state st = { QEMU_RUN, false };

	qemu_defaults(o);
	for (int i = first; i < argc && st.probe == QEMU_RUN; i++) {
		const struct qemu_opt *opt = find(argv[i]);

		if (argv[i][0] != '-')
			return FAIL("%s: vmm runs -kernel images, not disk images", argv[i]);
		if (!opt)
			return FAIL("%s: invalid option (vmm takes QEMU's options for test kernels:"
				    " --help lists them)",
				    argv[i]);
		if (opt->has_arg && i + 1 == argc)
			return FAIL("%s: requires an argument", argv[i]);
		if (opt->fn(o, &st, opt->has_arg ? argv[++i] : opt->name, err, errlen) < 0)
			return -1;
	}
	*probe = st.probe;
	if (st.probe == QEMU_RUN && !o->guest.image)
		return FAIL("no -kernel given: vmm runs -kernel images only");
	if (st.probe == QEMU_RUN && o->gdb_wait && !o->gdb)
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
