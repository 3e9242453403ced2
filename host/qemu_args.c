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
	int serials, accels; /* -serial and -accel options seen so far */
	char accel[64];      /* the last -machine accel= list ("kvm": -enable-kvm) */
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

/* -enable-kvm: QEMU's -machine accel=kvm. */
static int opt_enable_kvm(struct qemu_call *c)
{
	strcpy(c->accel, "kvm");
	return 0;
}

/* -nographic, -nodefaults, -no-user-config, -name: what vmm does anyway,
 * or a name it has no use for. */
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
 * vmm has flat topology, so only the count matters, but a topology QEMU
 * refuses is refused too. QEMU 7.2's rules (hw/core/machine-smp.c): the
 * omitted numbers are worked out from maxcpus (else cpus), cores before
 * sockets before threads; then sockets * dies * cores * threads must be
 * maxcpus, and maxcpus at least cpus. */
static int opt_smp(struct qemu_call *c)
{
	static const char *const keys[] = {
		"cpus", "sockets", "dies", "cores", "threads", "maxcpus"
	};
	uint64_t v[6] = { 0 }, cpus, s, d, n, t, max; /* 0: not given */
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
	cpus = v[0], s = v[1], d = v[2] ? v[2] : 1, n = v[3], t = v[4], max = v[5];
	if (!cpus && !max) {
		s = s ? s : 1, n = n ? n : 1, t = t ? t : 1;
	} else {
		max = max ? max : cpus;
		if (!n) {
			s = s ? s : 1, t = t ? t : 1;
			n = max / (s * d * t);
		} else if (!s) {
			t = t ? t : 1;
			s = max / (d * n * t);
		}
		if (!t)
			t = max / (s * d * n);
	}
	max = max ? max : s * d * n * t;
	cpus = cpus ? cpus : max;
	if (s * d * n * t != max)
		return FAIL("-smp %s: bad CPU topology: sockets * dies * cores * threads is not"
			    " maxcpus (%llu)",
			    c->arg, (unsigned long long)max);
	if (max < cpus || cpus > SMP_MAX)
		return FAIL("-smp %s: bad CPU count (maxcpus below cpus, or above %d)", c->arg,
			    SMP_MAX);
	c->o->smp = (int)cpus;
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

/* accel=kvm, or a list QEMU tries in order, keeping the first that
 * starts: kvm must come before tcg, which always starts. Other names are
 * accelerators this host has not got (QEMU says so and tries the next). */
static int accel_ok(const char *list)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ":,");

		if (n == 3 && !strncmp(p, "kvm", 3))
			return 0;
		if ((n == 3 && !strncmp(p, "tcg", 3)) || p[n] != ':')
			break;
		p += n + 1;
	}
	return -1;
}

/* kernel-irqchip (or kernel_irqchip), of -machine or of -accel kvm: 1 when
 * p is another property. */
static int irqchip_prop(struct qemu_call *c, const char *p)
{
	if (strncmp(p, "kernel-irqchip=", 15) && strncmp(p, "kernel_irqchip=", 15))
		return 1;
	if (strcmp(p + 15, "on"))
		return FAIL("-%s %s: vmm's PIC, IOAPIC and LAPICs are all in the kernel (on)",
			    c->opt->name, c->arg);
	return 0;
}

/* pc, q35, microvm, and QEMU 7.2's versioned names of the first two
 * (pc-i440fx-7.2, pc-q35-2.4): all are the one PC vmm builds. */
static int machine_type(struct qemu_call *c, const char *t)
{
	const char *v = !strncmp(t, "pc-i440fx-", 10) ? t + 10
			: !strncmp(t, "pc-q35-", 7)   ? t + 7
						      : NULL;
	unsigned major, minor;
	int end = 0;

	if (!strcmp(t, "pc") || !strcmp(t, "q35") || !strcmp(t, "microvm"))
		return 0;
	if (v && v[0] >= '0' && v[0] <= '9' && sscanf(v, "%u.%u%n", &major, &minor, &end) == 2 &&
	    !v[end] && major * 100 + minor <= 702)
		return 0;
	return FAIL("-machine %s: unknown machine type (-machine help)", t);
}

/* One -machine property; every value vmm gives is the machine it builds. */
static int machine_prop(struct qemu_call *c, const char *p)
{
	static const char *const as_vmm[] = {
		/* devices vmm's PC has not got, switched off */
		"vmport=off", "hpet=off", "smm=off", "usb=off", "graphics=off",
		/* host-side settings with no effect on the guest */
		"dump-guest-core=on", "dump-guest-core=off", "mem-merge=on", "mem-merge=off"
	};
	int r;

	if (!strchr(p, '='))
		return machine_type(c, p);
	if (!strncmp(p, "type=", 5))
		return machine_type(c, p + 5);
	if (!strncmp(p, "accel=", 6)) { /* the last one counts: checked at the end */
		if (!p[6] || strlen(p + 6) >= sizeof(c->accel))
			return FAIL("-machine %s: bad accelerator list", p);
		strcpy(c->accel, p + 6);
		return 0;
	}
	if ((r = irqchip_prop(c, p)) <= 0)
		return r;
	if (!strcmp(p, "pit=on") || !strcmp(p, "pit=off")) {
		c->o->no_pit = p[5] == 'f';
		return 0;
	}
	for (size_t i = 0; i < sizeof(as_vmm) / sizeof(as_vmm[0]); i++)
		if (!strcmp(p, as_vmm[i]))
			return 0;
	return FAIL("-machine %s: vmm takes type, accel=kvm, kernel-irqchip=on, pit=on|off (and"
		    " vmport, hpet, smm, usb, graphics =off)",
		    p);
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

/* -accel kvm[,kernel-irqchip=on]. QEMU tries each -accel in turn and keeps
 * the first that starts: with kvm first, it never gets to the others. */
static int opt_accel(struct qemu_call *c)
{
	char buf[128], *save = NULL;
	size_t n = strcspn(c->arg, ",");

	if (c->accels++ && !is_help(c->arg))
		return 0;
	if (is_help(c->arg)) {
		c->probe = QEMU_ACCEL_HELP;
		return 0;
	}
	if (n != 3 || strncmp(c->arg, "kvm", 3))
		return FAIL("-accel %s: vmm runs guests on KVM only", c->arg);
	if (strlen(c->arg) >= sizeof(buf))
		return FAIL("-accel %s: too long", c->arg);
	strcpy(buf, c->arg + n);
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int r = irqchip_prop(c, p);

		if (r > 0)
			return FAIL(
				"-accel %s: unknown property '%s' (vmm takes kernel-irqchip=on)",
				c->arg, p);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int opt_display(struct qemu_call *c)
{
	if (is_help(c->arg))
		c->probe = QEMU_DISPLAY_HELP;
	else if (strcmp(c->arg, "none"))
		return FAIL("-display %s: vmm has no display (none)", c->arg);
	return 0;
}

/* -serial stdio, or mon:stdio: QEMU's stdio with the Ctrl-A escapes, which
 * vmm's console has anyway (Ctrl-A x quits); or file:PATH, the output
 * there (vmm opens it). Each -serial is the next COM port; vmm has COM1
 * alone, so a later one can only be none. */
static int opt_serial(struct qemu_call *c)
{
	if (c->serials++)
		return strcmp(c->arg, "none") ? FAIL("-serial %s: vmm has one serial port, COM1"
						     " (the first -serial)",
						     c->arg)
					      : 0;
	if (!strncmp(c->arg, "file:", 5) && c->arg[5]) {
		c->o->serial_file = c->arg + 5;
		return 0;
	}
	if (strcmp(c->arg, "stdio") && strcmp(c->arg, "mon:stdio"))
		return FAIL("-serial %s: vmm's serial port is stdio, mon:stdio or file:PATH",
			    c->arg);
	return 0;
}

/* -monitor none, or one nobody can talk through (null, /dev/null: kernel
 * CTF and test scripts pass it to keep Ctrl-C for the guest): vmm has no
 * monitor, and such a one is never used. */
static int opt_monitor(struct qemu_call *c)
{
	if (!strcmp(c->arg, "none") || !strcmp(c->arg, "null") || !strcmp(c->arg, "/dev/null"))
		return 0;
	return FAIL("-monitor %s: vmm has no monitor (none, null, /dev/null)", c->arg);
}

/* -rtc base=utc,clock=host,driftfix=none: QEMU's defaults, which are how
 * vmm's RTC keeps time (devices/rtc.c: the host's UTC clock). */
static int opt_rtc(struct qemu_call *c)
{
	static const char *const same[] = { "base=utc", "clock=host", "driftfix=none" };
	char buf[128], *save = NULL;

	if (strlen(c->arg) >= sizeof(buf))
		return FAIL("-rtc %s: too long", c->arg);
	strcpy(buf, c->arg);
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		size_t i = 0;

		while (i < sizeof(same) / sizeof(same[0]) && strcmp(p, same[i]))
			i++;
		if (i == sizeof(same) / sizeof(same[0]))
			return FAIL("-rtc %s: vmm's RTC keeps the host's UTC"
				    " (base=utc,clock=host,driftfix=none)",
				    c->arg);
	}
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
	{ "enable-kvm", false, opt_enable_kvm },
	{ "device", true, opt_device },
	{ "serial", true, opt_serial },
	{ "display", true, opt_display },
	{ "vnc", true, opt_only, ONLY("none", "vmm has no VNC server (none)") },
	{ "vga", true, opt_only, ONLY("none", "vmm's PC has no VGA card (none)") },
	{ "net", true, opt_only, ONLY("none", "vmm's PC has no network card (none)") },
	{ "nic", true, opt_only, ONLY("none", "vmm's PC has no network card (none)") },
	{ "parallel", true, opt_only, ONLY("none", "vmm's PC has no parallel port (none)") },
	{ "rtc", true, opt_rtc },
	{ "monitor", true, opt_monitor },
	{ "nographic", false, opt_ignored },
	{ "nodefaults", false, opt_ignored },
	{ "no-user-config", false, opt_ignored },
	{ "name", true, opt_ignored },
	{ "no-reboot", false, opt_flag, FIELD(no_reboot) },
	{ "no-shutdown", false, opt_flag, FIELD(no_shutdown) }, /* vmm.c says what QEMU would do */
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
	struct qemu_call call = { o, QEMU_RUN, NULL, NULL, err, errlen, 0, 0, "" }, *c = &call;

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
	if (c->probe != QEMU_RUN) /* a probe answers whatever else is given */
		return 0;
	if (!o->guest.image)
		return FAIL("no -kernel given: vmm runs -kernel images only");
	if (c->accels && c->accel[0])
		return FAIL("-accel: QEMU takes -accel or -machine accel= (-enable-kvm), not both");
	if (c->accel[0] && accel_ok(c->accel) < 0)
		return FAIL("-machine accel=%s: vmm runs guests on KVM only (QEMU would take the"
			    " first of the list that starts)",
			    c->accel);
	if (o->gdb_wait && !o->gdb)
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
	      "-smp [cpus=]N[,sockets=,dies=,cores=,threads=,maxcpus=]  vCPUs (1 to 254;\n"
	      "                     the topology checked as QEMU does, then flat)\n"
	      "-cpu MODEL[,+F,-F,F=on|off,vendor=,family=,model=,stepping=,model-id=,enforce]\n"
	      "                     CPU model from what KVM supports (default qemu64; help)\n"
	      "-machine|-M [type=]pc|q35|microvm[,accel=kvm][,kernel-irqchip=on]\n"
	      "                     [,pit=on|off][,vmport|hpet|smm|usb|graphics=off]\n"
	      "                     all types (and pc-i440fx-7.2, pc-q35-7.2 and older)\n"
	      "                     are vmm's one PC (help)\n"
	      "-accel kvm[,kernel-irqchip=on], -enable-kvm\n"
	      "-device isa-debug-exit[,iobase=PORT][,iosize=N] | pc-testdev | pci-testdev\n"
	      "-global kvm-pit.lost_tick_policy=discard|delay\n"
	      "-serial stdio|mon:stdio|file:PATH (COM1; a later -serial only none),\n"
	      "-display none, -vnc none, -vga none, -monitor none|null|/dev/null,\n"
	      "-net none, -nic none, -parallel none, -rtc base=utc,clock=host,driftfix=none,\n"
	      "-nographic, -nodefaults, -no-user-config, -name NAME, -no-reboot,\n"
	      "-no-shutdown (vmm ends the run where QEMU would stop and wait)\n"
	      "-s, -gdb tcp:[HOST]:PORT|unix:PATH  a gdb stub (-s: port 1234 on 127.0.0.1)\n"
	      "-S                   stop before the first instruction until gdb continues\n"
	      "-h, -help, -version, -device help, -machine help, -cpu help, -accel help,\n"
	      "-display help\n"
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

void qemu_args_accel_help(FILE *f)
{
	fputs("Accelerators supported in QEMU binary:\nkvm\n", f);
}

void qemu_args_display_help(FILE *f)
{
	fputs("Available display backend types:\nnone\n", f);
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
