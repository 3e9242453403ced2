/* QEMU's command line (host/qemu_args.c) translated into vmm's options,
 * without running anything: the command lines runners pass, each form of
 * -m, -smp, -machine and -device, the probes, and the refusals, each of
 * which must name the option. Prints one line per failed check and "N
 * passed, N failed"; exits 1 if any failed. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "host/qemu_args.h"
#include "tests/unit/check.h"

static struct options o;
static enum qemu_probe probe;
static char err[OPTIONS_ERR_LEN];

/* Parse "qemu-system-x86_64" and the words given (NULL-terminated). */
static int parse(const char *first, ...)
{
	char *argv[64] = { "qemu-system-x86_64" };
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a && argc < 63; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	err[0] = '\0';
	return qemu_args_parse(&o, argc, argv, 1, &probe, err, sizeof(err));
}

#define K "-kernel", "t.elf"

static void check_runner_line(void)
{
	int r = parse("--no-reboot", "-nodefaults", "-device", "pc-testdev", "-device",
		      "isa-debug-exit,iobase=0xf4,iosize=0x4", "-display", "none", "-serial",
		      "stdio", "-device", "pci-testdev", "-machine", "accel=kvm", "-kernel",
		      "test.flat", "-smp", "2", "-cpu", "qemu64,+x2apic", "-append", "a b",
		      "-initrd", "env.txt", "-global", "kvm-pit.lost_tick_policy=discard", "-vnc",
		      "none", "-name", "t", "-no-user-config", "-enable-kvm", NULL);

	CHECK(r == 0 && probe == QEMU_RUN, "kvm-unit-tests' line parses: %s", err);
	CHECK(o.qemu && o.no_reboot && o.pc_testdev && o.pci_testdev && o.pit_discard, "flags set");
	CHECK(o.debug_exit_port == 0xf4 && o.debug_exit_size == 4, "isa-debug-exit at 0xf4, 4");
	CHECK(!strcmp(o.guest.image, "test.flat") && !strcmp(o.guest.cmdline, "a b") &&
		      !strcmp(o.guest.initrd, "env.txt"),
	      "kernel, command line, initrd");
	CHECK(o.smp == 2 && o.ram_size == 128ull << 20, "2 vCPUs, QEMU's 128 MiB");
	CHECK(o.cpu.plus[W_1_ECX] == 1u << 21, "-cpu qemu64,+x2apic");
}

static void check_defaults(void)
{
	CHECK(parse(K, NULL) == 0, "-kernel alone: %s", err);
	CHECK(o.debug_exit_size == 0, "no debug exit without -device isa-debug-exit");
	CHECK(o.guest.cmdline && !*o.guest.cmdline, "QEMU's empty command line");
	CHECK(o.smp == 1 && !o.no_reboot && !o.pc_testdev, "nothing else");
	CHECK(parse(K, "-device", "isa-debug-exit", NULL) == 0 && o.debug_exit_port == 0x501 &&
		      o.debug_exit_size == 2,
	      "isa-debug-exit's own defaults: 0x501, 2");
}

static void check_memory_and_cpus(void)
{
	CHECK(parse(K, "-m", "512", NULL) == 0 && o.ram_size == 512ull << 20, "-m 512: MiB");
	CHECK(parse(K, "-m", "2G", NULL) == 0 && o.ram_size == 2ull << 30, "-m 2G");
	CHECK(parse(K, "-m", "size=256M,slots=2,maxmem=1G", NULL) == 0 &&
		      o.ram_size == 256ull << 20,
	      "-m size=256M,slots=,maxmem=");
	CHECK(parse(K, "-smp", "cpus=3", NULL) == 0 && o.smp == 3, "-smp cpus=3");
	CHECK(parse(K, "-smp", "sockets=2,cores=2,threads=1", NULL) == 0 && o.smp == 4,
	      "-smp topology: 2 x 2");
	CHECK(parse(K, "-smp", "2,maxcpus=4", NULL) == 0 && o.smp == 2, "-smp 2,maxcpus=4");
	CHECK(parse(K, "-M", "q35,accel=kvm:tcg,pit=off", NULL) == 0 && o.no_pit,
	      "-M q35,accel=kvm:tcg,pit=off: %s", err);
	CHECK(parse(K, "-machine", "type=microvm,kernel-irqchip=on", NULL) == 0,
	      "-machine type=microvm,kernel-irqchip=on: %s", err);
	CHECK(parse(K, "-accel", "kvm", NULL) == 0, "-accel kvm");
	CHECK(parse(K, "-global", "kvm-pit.lost_tick_policy=discard", "-global",
		    "kvm-pit.lost_tick_policy=delay", NULL) == 0 &&
		      !o.pit_discard,
	      "-global kvm-pit.lost_tick_policy=delay, after discard: %s", err);
	CHECK(parse(K, "-nographic", NULL) == 0, "-nographic: %s", err);
	CHECK(parse(K, "-s", NULL) == 0 && o.gdb && !o.gdb_wait && o.gdb_addr.port == 1234 &&
		      !o.gdb_addr.host[0],
	      "-s: gdb on port 1234 of the loopback address: %s", err);
	CHECK(parse(K, "-S", "-gdb", "tcp:127.0.0.2:4321", NULL) == 0 && o.gdb && o.gdb_wait &&
		      o.gdb_addr.port == 4321 && !strcmp(o.gdb_addr.host, "127.0.0.2"),
	      "-S -gdb tcp:HOST:PORT: %s", err);
	CHECK(parse(K, "-gdb", "unix:/tmp/g.sock,server=on,wait=off", NULL) == 0 &&
		      o.gdb_addr.is_unix && !strcmp(o.gdb_addr.path, "/tmp/g.sock"),
	      "-gdb unix:PATH,server=on,wait=off: %s", err);
}

static void check_probes(void)
{
	static const struct {
		const char *opt, *arg;
		enum qemu_probe want;
	} probes[] = {
		{ "-h", NULL, QEMU_HELP },
		{ "--help", NULL, QEMU_HELP },
		{ "-version", NULL, QEMU_VERSION_LINE },
		{ "-device", "?", QEMU_DEVICE_HELP },
		{ "-device", "help", QEMU_DEVICE_HELP },
		{ "-machine", "help", QEMU_MACHINE_HELP },
		{ "-M", "?", QEMU_MACHINE_HELP },
		{ "-cpu", "help", QEMU_CPU_HELP },
		{ "-accel", "help", QEMU_ACCEL_HELP },
		{ "-accel", "?", QEMU_ACCEL_HELP },
		{ "-display", "help", QEMU_DISPLAY_HELP },
	};

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		CHECK(parse(probes[i].opt, probes[i].arg, NULL) == 0 && probe == probes[i].want,
		      "probe %s %s", probes[i].opt, probes[i].arg ? probes[i].arg : "");
	CHECK(parse("-machine", "accel=tcg", "-device", "help", NULL) == 0 &&
		      probe == QEMU_DEVICE_HELP,
	      "a probe after options vmm would not run with: answered, as QEMU: %s", err);
}

/* Each refused in one message that names what is at fault. */
static void check_refusals(void)
{
	static const struct {
		const char *opt, *arg, *names;
	} bad[] = {
		{ "-foo", NULL, "-foo: invalid option" },
		{ "-hda", "disk.img", "-hda: invalid option" },
		{ "disk.img", NULL, "disk.img: vmm runs -kernel images" },
		{ "-serial", "null", "-serial null" },
		{ "-display", "gtk", "-display gtk" },
		{ "-vnc", ":0", "-vnc :0" },
		{ "-accel", "tcg", "-accel tcg: vmm runs guests on KVM only" },
		{ "-machine", "accel=tcg", "-machine accel=tcg" },
		{ "-machine", "kernel_irqchip=split", "kernel_irqchip=split" },
		{ "-machine", "kernel-irqchip=off",
		  "-machine kernel-irqchip=off: vmm's PIC, IOAPIC" },
		{ "-machine", "vmport=on", "-machine vmport=on" },
		{ "-machine", "hpet=on", "-machine hpet=on: vmm takes" },
		{ "-machine", "virt", "virt: unknown machine type" },
		{ "-device", "e1000", "-device e1000: 'e1000' is not a device" },
		{ "-device", "pc-testdev,foo=1", "unknown property 'foo=1'" },
		{ "-device", "pc-testdev,id=a,bogus=1", "pc-testdev: unknown property 'bogus=1'" },
		{ "-device", "pci-testdev,id=a,id=b,x", "pci-testdev: unknown property 'x'" },
		{ "-device", "isa-debug-exit,iobase=0x10000", "bad property 'iobase=0x10000'" },
		{ "-cpu", "Skylake-Server", "-cpu Skylake-Server: unknown CPU model" },
		{ "-cpu", "qemu64,+nosuch", "unknown CPU feature 'nosuch'" },
		{ "-cpu", "max,hv_time", "unknown CPU feature 'hv_time'" },
		{ "-m", "0", "-m 0: memory size '0M' out of range 1M..64G" },
		{ "-m", "lots", "-m lots: bad memory size" },
		{ "-m", "1025K",
		  "-m 1025K: memory size '1025K' for -m is not a multiple of the 4K page" },
		{ "-m", "size=4097K,slots=2",
		  "-m size=4097K,slots=2: memory size '4097K' for -m is not a multiple of the 4K "
		  "page" },
		{ "-smp", "0", "-smp 0: bad or unknown '0'" },
		{ "-smp", "300", "-smp 300" },
		{ "-smp", "3,maxcpus=2", "-smp 3,maxcpus=2: bad CPU count" },
		{ "-smp", "2,books=1", "unknown 'books=1'" },
		{ "-global", "isa-fdc.driveA=", "-global isa-fdc.driveA=" },
		{ "-S", NULL, "-S: vmm has no monitor to continue from" },
		{ "-gdb", "tcp::99999", "bad --gdb '99999'" },
		{ "-gdb", "tcp:", "bad --gdb ''" },
		{ "-chardev", "socket,id=m", "-chardev: invalid option" },
		{ "-kernel", NULL, "-kernel: requires an argument" },
		{ "-accel", "kvm,kernel-irqchip=split",
		  "-accel kvm,kernel-irqchip=split: vmm's PIC, IOAPIC" },
		{ "-accel", "kvm,dirty-ring-size=4096",
		  "-accel kvm,dirty-ring-size=4096: unknown property 'dirty-ring-size=4096'" },
		{ "-M", "q35,kernel-irqchip=split", "-M q35,kernel-irqchip=split: vmm's PIC" },
		{ "-machine", "accel=tcg:kvm", "-machine accel=tcg:kvm: vmm runs guests on KVM" },
		{ "-machine", "pcx", "-machine pcx: unknown machine type" },
		{ "-machine", "q35,type=pc-i440fx-8.0", "pc-i440fx-8.0: unknown machine type" },
		{ "-machine", "pc-q35-7.2x", "pc-q35-7.2x: unknown machine type" },
		{ "-smp", "2,sockets=2,cores=2", "-smp 2,sockets=2,cores=2: bad CPU topology" },
		{ "-smp", "3,sockets=2", "-smp 3,sockets=2: bad CPU topology" },
		{ "-smp", "1,cores=2", "-smp 1,cores=2: bad CPU topology" },
		{ "-serial", "none", "-serial none: vmm's serial port is stdio" },
		{ "-serial", "file:", "-serial file:: vmm's serial port is stdio" },
		{ "-monitor", "stdio", "-monitor stdio: vmm has no monitor" },
		{ "-vga", "std", "-vga std: vmm's PC has no VGA card" },
		{ "-net", "user", "-net user: vmm's PC has no network card" },
		{ "-nic", "user,model=e1000", "-nic user,model=e1000: vmm's PC has no network" },
		{ "-parallel", "stdio", "-parallel stdio: vmm's PC has no parallel port" },
		{ "-rtc", "base=localtime", "-rtc base=localtime: vmm's RTC keeps the host's UTC" },
		{ "-rtc", "base=utc,clock=vm", "-rtc base=utc,clock=vm: vmm's RTC" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = bad[i].arg ? parse(K, bad[i].opt, bad[i].arg, NULL)
				   : parse(K, bad[i].opt, NULL);

		CHECK(r < 0 && strstr(err, bad[i].names) && !strchr(err, '\n'),
		      "%s %s: refused, naming it: '%s'", bad[i].opt, bad[i].arg ? bad[i].arg : "",
		      err);
	}
	CHECK(parse("-device", "pc-testdev", NULL) < 0 && strstr(err, "no -kernel"),
	      "no -kernel: '%s'", err);
	CHECK(parse(K, "-serial", "stdio", "-serial", "mon:stdio", NULL) < 0 &&
		      strstr(err, "-serial mon:stdio: vmm has one serial port"),
	      "a second -serial: '%s'", err);
	CHECK(parse(K, "-accel", "kvm", "-machine", "accel=kvm", NULL) < 0 &&
		      strstr(err, "-accel: QEMU takes -accel or -machine accel="),
	      "-accel with -machine accel= (QEMU refuses both): '%s'", err);
	CHECK(parse(K, "-accel", "tcg", "-accel", "kvm", NULL) < 0 && strstr(err, "-accel tcg"),
	      "-accel tcg before -accel kvm (QEMU would run TCG): '%s'", err);
	CHECK(parse(K, "-enable-kvm", "-accel", "kvm", NULL) < 0 && strstr(err, "not both"),
	      "-enable-kvm is -machine accel=kvm: with -accel, refused as QEMU: '%s'", err);
	CHECK(parse(K, "-enable-kvm", "-machine", "accel=tcg", NULL) < 0 &&
		      strstr(err, "-machine accel=tcg: vmm runs guests on KVM only"),
	      "-machine accel=tcg after -enable-kvm: the last counts, TCG: '%s'", err);
}

/* Forms real runners pass (kvm-unit-tests' unittests.cfg, Rust test
 * kernels' -serial mon:stdio) that vmm honours. */
static void check_runner_forms(void)
{
	CHECK(parse(K, "-serial", "mon:stdio", NULL) == 0, "-serial mon:stdio: %s", err);
	CHECK(parse(K, "-serial", "file:out.txt", NULL) == 0 && !strcmp(o.serial_file, "out.txt"),
	      "-serial file:PATH: %s", err);
	CHECK(parse(K, "-serial", "stdio", "-serial", "none", NULL) == 0,
	      "-serial none after stdio (no COM2, as vmm): %s", err);
	CHECK(parse(K, "-monitor", "none", "-vga", "none", NULL) == 0,
	      "-monitor none -vga none: %s", err);
	CHECK(parse(K, "-monitor", "/dev/null", "-monitor", "null", NULL) == 0,
	      "-monitor /dev/null, null: %s", err);
	CHECK(parse(K, "-net", "none", "-nic", "none", "-parallel", "none", "-rtc",
		    "base=utc,clock=host", "-rtc", "driftfix=none", NULL) == 0,
	      "-net none -nic none -parallel none, -rtc as vmm's RTC keeps time: %s", err);
	CHECK(parse(K, "-accel", "kvm,kernel-irqchip=on", NULL) == 0,
	      "-accel kvm,kernel-irqchip=on: %s", err);
	CHECK(parse(K, "-accel", "kvm", "-accel", "tcg", NULL) == 0,
	      "-accel kvm -accel tcg: QEMU never gets to tcg: %s", err);
	CHECK(parse(K, "-machine", "accel=tcg", "-enable-kvm", NULL) == 0 &&
		      parse(K, "-M", "accel=tcg", "-M", "q35,accel=kvm", NULL) == 0,
	      "-machine accel=tcg, then -enable-kvm or accel=kvm: the last counts: %s", err);
	CHECK(parse(K, "-machine", "accel=xen:kvm", NULL) == 0,
	      "accel=xen:kvm (no Xen here: QEMU goes on to kvm): %s", err);
	CHECK(parse(K, "-machine", "pc,vmport=off,hpet=off,smm=off,usb=off,dump-guest-core=off",
		    NULL) == 0,
	      "-machine with devices vmm has not got switched off: %s", err);
	CHECK(parse(K, "-machine", "pc-i440fx-7.2", "-M", "type=pc-q35-2.4", NULL) == 0,
	      "QEMU 7.2's versioned machine types: %s", err);
	CHECK(parse(K, "-smp", "cpus=2,sockets=1", NULL) == 0 && o.smp == 2,
	      "-smp cpus=2,sockets=1 (cores=2): %s", err);
	CHECK(parse(K, "-smp", "4,sockets=2", NULL) == 0 && o.smp == 4,
	      "-smp 4,sockets=2 (cores=2): %s", err);
	CHECK(parse(K, "-smp", "4,cores=2,threads=2", NULL) == 0 && o.smp == 4,
	      "-smp 4,cores=2,threads=2 (one socket): %s", err);
	CHECK(parse(K, "-smp", "sockets=2,dies=2,cores=2", NULL) == 0 && o.smp == 8,
	      "-smp sockets=2,dies=2,cores=2: 8 CPUs: %s", err);
}

static void check_first(void)
{
	char *as_qemu[] = { "/usr/local/bin/qemu-system-x86_64", "-h" };
	char *as_kvm[] = { "qemu-kvm" };
	char *as_vmm[] = { "./vmm", "--qemu", "-h" };
	char *plain[] = { "./vmm", "guest.bin" };

	CHECK(qemu_args_first(2, as_qemu) == 1, "run as qemu-system-x86_64");
	CHECK(qemu_args_first(1, as_kvm) == 1, "run as qemu-kvm");
	CHECK(qemu_args_first(3, as_vmm) == 2, "vmm --qemu");
	CHECK(qemu_args_first(2, plain) == 0, "vmm's own command line");
}

static void check_status(void)
{
	parse(K, "-no-reboot", NULL);
	CHECK(qemu_args_status(&o, 8) == 0 && qemu_args_status(&o, 12) == 0,
	      "-no-reboot: triple fault and reset end with 0");
	CHECK(qemu_args_status(&o, 3) == 3 && qemu_args_status(&o, 0) == 0,
	      "debug exit statuses and halt as they are");
	parse(K, NULL);
	CHECK(qemu_args_status(&o, 8) == 8 && qemu_args_status(&o, 12) == 12,
	      "without -no-reboot: vmm's statuses (QEMU would reboot)");
}

int main(void)
{
	check_runner_line();
	check_defaults();
	check_memory_and_cpus();
	check_probes();
	check_refusals();
	check_runner_forms();
	check_first();
	check_status();
	return check_done();
}
