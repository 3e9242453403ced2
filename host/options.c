#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/bzimage.h"
#include "devices/fb.h"
#include "host/device_opts.h"
#include "host/options.h"
#include "host/parse.h"
#include "lib/machine.h"

enum {
	OPT_MODE = 256,
	OPT_LOAD,
	OPT_ENTRY,
	OPT_TIMEOUT,
	OPT_STATS,
	OPT_TRACE,
	OPT_CAPS,
	OPT_NO_SYNC_REGS,
	OPT_NO_COALESCE,
	OPT_KVM_DEVICE,
	OPT_VERSION,
	OPT_KERNEL,
	OPT_INITRD,
	OPT_APPEND,
	OPT_BOOT32,
	OPT_SMP,
	OPT_MODULE,
	OPT_NO_SANDBOX,
	OPT_FB,
	OPT_FB_PNG,
	OPT_FB_RAM,
	OPT_CPU,
	OPT_DEVICE,
	OPT_GDB,
	OPT_GDB_WAIT,
};

static const struct option long_opts[] = {
	{ "memory", required_argument, NULL, 'm' },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "trace", no_argument, NULL, OPT_TRACE },
	{ "caps", no_argument, NULL, OPT_CAPS },
	{ "no-sync-regs", no_argument, NULL, OPT_NO_SYNC_REGS },
	{ "no-coalesce", no_argument, NULL, OPT_NO_COALESCE },
	{ "kvm-device", required_argument, NULL, OPT_KVM_DEVICE },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "boot32", no_argument, NULL, OPT_BOOT32 },
	{ "smp", required_argument, NULL, OPT_SMP },
	{ "module", required_argument, NULL, OPT_MODULE },
	{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
	{ "fb", required_argument, NULL, OPT_FB },
	{ "fb-png", required_argument, NULL, OPT_FB_PNG },
	{ "fb-ram", no_argument, NULL, OPT_FB_RAM },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "gdb", required_argument, NULL, OPT_GDB },
	{ "gdb-wait", no_argument, NULL, OPT_GDB_WAIT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

void options_usage(FILE *f)
{
	fputs("usage: vmm [options] IMAGE\n"
	      "       vmm --caps\n"
	      "Runs IMAGE (a Linux bzImage, a multiboot kernel, a flat binary or a 512-byte\n"
	      "boot sector) in a KVM virtual machine. --mode makes any image a flat one.\n"
	      "      --kernel FILE     the image, as an option (QEMU style)\n"
	      "      --initrd FILE     Linux initial ramdisk; multiboot: modules, QEMU style\n"
	      "                        (\"file args,file args\")\n"
	      "      --module 'F ARGS' multiboot: one more module F, its string 'F ARGS'\n"
	      "      --append CMDLINE  Linux command line (default \"" BZ_CMDLINE_DEFAULT "\")\n"
	      "      --boot32          Linux: use the 32-bit boot entry\n"
	      "  -m, --memory SIZE     guest RAM, K/M/G suffixes (default 128M, 1M..64G)\n"
	      "      --mode MODE       real, protected or long (default: real for a boot\n"
	      "                        sector, else long)\n"
	      "      --load ADDR       guest-physical load address (default 0x7c00 in real\n"
	      "                        mode, else 0x100000)\n"
	      "      --entry ADDR      first instruction (default: the load address)\n"
	      "      --smp N           vCPUs (default 1); the others wait for INIT/SIPI\n"
	      "      --timeout SECS    end the run after SECS seconds (status 124)\n"
	      "      --stats           print exits, ports, ring entries and ioctls at exit\n"
	      "      --trace           print one line per exit and per ring entry\n"
	      "      --caps            print what this host's KVM offers and exit\n"
	      "      --no-sync-regs    use KVM_GET/SET_REGS instead of registers in kvm_run\n"
	      "      --no-coalesce     let every UART and framebuffer write exit to userspace\n"
	      "      --fb WxH          framebuffer: W x H pixels, XRGB8888, at 0xe0000000\n"
	      "      --fb-png FILE     its picture as PNG: at exit, on SIGUSR1 and Ctrl-A s\n"
	      "      --fb-ram          back the framebuffer with RAM (dirty log), not MMIO\n"
	      "      --cpu MODEL[,+F,-F] CPU model from what KVM supports (default host;\n"
	      "                        --cpu help lists models and features)\n"
	      "      --device NAME     pc-testdev, pci-testdev, or\n"
	      "                        isa-debug-exit,iobase=PORT,iosize=N (default 0xf4, 4)\n"
	      "      --qemu ARGS...    take QEMU's command line instead (also when run as\n"
	      "                        qemu-system-x86_64); --qemu --help lists it\n"
	      "      --gdb [HOST:]PORT a gdb remote stub on 127.0.0.1:PORT (or HOST:PORT);\n"
	      "      --gdb unix:PATH   or on a unix socket (gdb: target remote PATH)\n"
	      "      --gdb-wait        with --gdb: stop before the first instruction\n"
	      "      --no-sandbox      run without the seccomp filter (for debuggers, valgrind)\n"
	      "      --kvm-device PATH KVM device (default /dev/kvm, or $VMM_KVM_DEVICE)\n"
	      "  -h, --help            this text;  --version  the version\n"
	      "Console: guest serial on stdin/stdout; Ctrl-A x quits, Ctrl-A s snapshots the\n"
	      "framebuffer, Ctrl-A w (or SIGQUIT) prints each vCPU's state, Ctrl-A Ctrl-A\n"
	      "sends Ctrl-A.\n"
	      "Exit status: guest's (V << 1) | 1 after writing V to port 0xf4; 0 halted;\n"
	      "2 usage; 4 bad image; 6 KVM/host failure; 8 triple fault; 10 KVM internal\n"
	      "error; 12 reset; 14 Ctrl-A x; 16 gdb's kill; 124 timeout; 130 SIGINT; 143 "
	      "SIGTERM.\n",
	      f);
}

static int parse_mode(const char *s, enum cpu_mode *mode, char *err, size_t errlen)
{
	static const char *const names[] = { [CPU_MODE_REAL] = "real",
					     [CPU_MODE_PROTECTED] = "protected",
					     [CPU_MODE_LONG] = "long" };

	for (int m = CPU_MODE_REAL; m <= CPU_MODE_LONG; m++) {
		if (!strcmp(s, names[m])) {
			*mode = m;
			return 0;
		}
	}
	return snprintf(err, errlen, "bad mode '%s' (real, protected or long)", s), -1;
}

/* --load and --entry: the address, and that it was given. */
static int parse_address(struct options *o, int c, const char *s, char *err, size_t errlen)
{
	if (parse_u64(s, c == OPT_LOAD ? &o->guest.load : &o->guest.entry) < 0)
		return snprintf(err, errlen, "bad address '%s' for --%s", s,
				c == OPT_LOAD ? "load" : "entry"),
		       -1;
	*(c == OPT_LOAD ? &o->guest.load_set : &o->guest.entry_set) = true;
	return 0;
}

static int parse_timeout(const char *s, double *out, char *err, size_t errlen)
{
	char *end;

	*out = strtod(s, &end);
	if (*end || end == s || isspace((unsigned char)*s))
		return snprintf(err, errlen, "bad timeout '%s' for --timeout (seconds, e.g. 2.5)",
				s),
		       -1;
	if (!(*out > 0 && *out <= TIMEOUT_MAX)) /* NaN too */
		return snprintf(err, errlen,
				"timeout '%s' out of range: --timeout takes more than 0 and"
				" at most %d seconds",
				s, TIMEOUT_MAX),
		       -1;
	return 0;
}

static int parse_smp(const char *s, int *out, char *err, size_t errlen)
{
	uint64_t n;

	if (parse_u64(s, &n) < 0 || n < 1 || n > SMP_MAX)
		return snprintf(err, errlen, "bad vCPU count '%s' for --smp (1..%d)", s, SMP_MAX),
		       -1;
	*out = (int)n;
	return 0;
}

/* WIDTHxHEIGHT in decimal, each within the framebuffer's limits. */
static int parse_geometry(struct options *o, const char *s, char *err, size_t errlen)
{
	unsigned long w = 0, h = 0;
	char *x = NULL, *end = NULL;
	bool ok = isdigit((unsigned char)*s);

	errno = 0;
	if (ok)
		w = strtoul(s, &x, 10);
	ok = ok && *x == 'x' && isdigit((unsigned char)x[1]);
	if (ok)
		h = strtoul(x + 1, &end, 10);
	if (!ok || errno || *end)
		return snprintf(err, errlen,
				"bad framebuffer size '%s' (WIDTHxHEIGHT, e.g. 640x480)", s),
		       -1;
	if (w < 1 || h < 1 || w > FB_MAX_WIDTH || h > FB_MAX_HEIGHT)
		return snprintf(err, errlen, "framebuffer size '%s' out of range 1x1..%dx%d", s,
				FB_MAX_WIDTH, FB_MAX_HEIGHT),
		       -1;
	o->fb_width = (uint32_t)w;
	o->fb_height = (uint32_t)h;
	return 0;
}

/* The long option whose value is c; the list's NULL end if none. */
static const struct option *find(int c)
{
	const struct option *o = long_opts;

	while (o->name && o->val != c)
		o++;
	return o;
}

/* The name of an option as the user would type it: -m, --mode. */
static void name_of(int c, char *buf, size_t len)
{
	snprintf(buf, len, c == 'm' ? "-m" : "--%s", find(c)->name);
}

/* A file name may not be empty: it would fail later with half a message. */
static int check_path(int c, const char *arg, char *err, size_t errlen)
{
	char name[32];

	if (*arg)
		return 0;
	name_of(c, name, sizeof(name));
	return snprintf(err, errlen, "%s needs a file name, not ''", name), -1;
}

/* An option given again. The settings QEMU has too (-m, --smp, --cpu...)
 * keep the last value, as QEMU does, and vmm says so; a second kernel,
 * initrd, command line or snapshot file is refused, since keeping the last
 * would drop what the user meant to add. --module and --device add one
 * each time (never come here); flags are the same once or twice. */
static int repeated(struct options *o, int c, const char *before, const char *arg, char *err,
		    size_t errlen)
{
	char name[32];

	name_of(c, name, sizeof(name));
	switch (c) {
	case OPT_KERNEL:
	case OPT_INITRD:
	case OPT_APPEND:
	case OPT_FB_PNG:
		return snprintf(err, errlen, "%s given twice ('%s', then '%s'): give it once", name,
				before, arg),
		       -1;
	}
	if (o->nr_notes < OPTIONS_MAX_NOTES)
		snprintf(o->notes[o->nr_notes++], OPTIONS_ERR_LEN,
			 "%s given twice: the last one, '%s', counts ('%s' does not)", name, arg,
			 before);
	return 0;
}

/* One option; returns -1 with err filled when its argument is bad. */
static int parse_one(struct options *o, int c, const char *arg, char *err, size_t errlen)
{
	switch (c) {
	case 'm':
		return parse_ram_size(arg, &o->ram_size, err, errlen);
	case OPT_MODE:
		return parse_mode(arg, &o->guest.mode, err, errlen);
	case OPT_LOAD:
	case OPT_ENTRY:
		return parse_address(o, c, arg, err, errlen);
	case OPT_TIMEOUT:
		return parse_timeout(arg, &o->timeout, err, errlen);
	case OPT_KVM_DEVICE:
		o->kvm_device = arg;
		return check_path(c, arg, err, errlen);
	case OPT_KERNEL:
		o->guest.image = arg;
		return check_path(c, arg, err, errlen);
	case OPT_SMP:
		return parse_smp(arg, &o->smp, err, errlen);
	case OPT_INITRD:
		o->guest.initrd = arg;
		return check_path(c, arg, err, errlen);
	case OPT_MODULE:
		if (o->guest.nr_modules == MULTIBOOT_MAX_MODULES)
			return snprintf(err, errlen, "more than %d --module options",
					MULTIBOOT_MAX_MODULES),
			       -1;
		o->guest.modules[o->guest.nr_modules++] = arg;
		return check_path(c, arg, err, errlen);
	case OPT_APPEND:
		o->guest.cmdline = arg;
		return 0;
	case OPT_FB:
		return parse_geometry(o, arg, err, errlen);
	case OPT_FB_PNG:
		o->fb_png = arg;
		return check_path(c, arg, err, errlen);
	case OPT_CPU:
		if (!strcmp(arg, "help"))
			return o->cpu_help = true, 0;
		return cpu_model_parse(arg, &o->cpu, err, errlen);
	case OPT_DEVICE:
		if (!strcmp(arg, "help") || !strcmp(arg, "?"))
			return o->device_help = true, 0;
		return device_opts_parse(o, arg, false, err, errlen);
	case OPT_GDB:
		o->gdb = true;
		return parse_gdb_addr(&o->gdb_addr, arg, err, errlen);
	}
	return 0;
}

static void set_flag(struct options *o, int c)
{
	switch (c) {
	case OPT_STATS:
		o->stats = true;
		break;
	case OPT_TRACE:
		o->trace = true;
		break;
	case OPT_CAPS:
		o->caps = true;
		break;
	case OPT_NO_SYNC_REGS:
		o->no_sync_regs = true;
		break;
	case OPT_NO_COALESCE:
		o->no_coalesce = true;
		break;
	case OPT_NO_SANDBOX:
		o->no_sandbox = true;
		break;
	case OPT_VERSION:
		o->version = true;
		break;
	case OPT_BOOT32:
		o->guest.boot32 = true;
		break;
	case OPT_FB_RAM:
		o->fb_ram = true;
		break;
	case OPT_GDB_WAIT:
		o->gdb_wait = true;
		break;
	case 'h':
		o->help = true;
		break;
	}
}

/* A prefix of several long options (getopt_long takes a prefix of one). */
static int ambiguous(const char *word, char *err, size_t errlen)
{
	size_t len = strcspn(word + 2, "="), at;
	int n = 0;

	if (strncmp(word, "--", 2) || len == 0)
		return 0;
	at = snprintf(err, errlen, "ambiguous option '%.*s': it could be", (int)len + 2, word);
	for (const struct option *o = long_opts; o->name; o++)
		if (!strncmp(o->name, word + 2, len) && at < errlen)
			at += snprintf(err + at, errlen - at, "%s --%s", n++ ? "," : "", o->name);
	return n > 1 ? -1 : 0;
}

/* getopt's '?': optopt holds the option's value when its argument is
 * missing or unwanted, 0 for an unknown or ambiguous long option. */
static int bad_option(const char *word, char *err, size_t errlen)
{
	const struct option *o = find(optopt); /* the end of the list for 0 */

	if (o->name)
		snprintf(err, errlen, "option --%s %s", o->name,
			 o->has_arg == required_argument ? "needs an argument"
							 : "takes no argument");
	else if (optopt)
		snprintf(err, errlen, "unknown option -%c", optopt);
	else if (ambiguous(word, err, errlen) == 0)
		snprintf(err, errlen, "unknown option '%s'", word);
	return -1;
}

void options_defaults(struct options *o)
{
	const char *env = getenv("VMM_KVM_DEVICE");
	char err[CPU_MODEL_ERR_LEN];

	memset(o, 0, sizeof(*o));
	o->ram_size = RAM_SIZE_DEFAULT;
	o->smp = 1;
	o->kvm_device = env && *env ? env : KVM_DEVICE_DEFAULT;
	o->debug_exit_port = DEBUG_EXIT_PORT;
	o->debug_exit_size = DEBUG_EXIT_SIZE;
	cpu_model_parse(CPU_MODEL_DEFAULT, &o->cpu, err, sizeof(err));
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
	const char *given[sizeof(long_opts) / sizeof(long_opts[0])] = { NULL };
	int c;

	options_defaults(o);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+m:h", long_opts, NULL)) != -1) {
		const char **before = &given[find(c) - long_opts];

		if (c == '?')
			return bad_option(argv[optind - 1], err, errlen);
		if (optarg && *before && c != OPT_MODULE && c != OPT_DEVICE &&
		    repeated(o, c, *before, optarg, err, errlen) < 0)
			return -1;
		*before = optarg;
		if (parse_one(o, c, optarg, err, errlen) < 0)
			return -1;
		set_flag(o, c);
	}
	if (o->help || o->version || o->caps || o->cpu_help || o->device_help)
		return 0;
	if ((o->fb_png || o->fb_ram) && !o->fb_width)
		return snprintf(err, errlen, "%s needs a framebuffer (--fb WIDTHxHEIGHT)",
				o->fb_png ? "--fb-png" : "--fb-ram"),
		       -1;
	if (o->gdb_wait && !o->gdb)
		return snprintf(err, errlen, "--gdb-wait needs --gdb [HOST:]PORT"), -1;
	if (optind < argc && o->guest.image)
		return snprintf(err, errlen, "both --kernel and an image given: '%s'",
				argv[optind]),
		       -1;
	if (argc - optind > 1)
		return snprintf(err, errlen, "more than one image given: '%s'", argv[optind + 1]),
		       -1;
	if (optind < argc && !*argv[optind])
		return snprintf(err, errlen, "the image needs a file name, not ''"), -1;
	if (optind < argc)
		o->guest.image = argv[optind];
	if (!o->guest.image)
		return snprintf(err, errlen, "no guest image given (see --help)"), -1;
	return 0;
}
