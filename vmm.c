/* vmm: a minimal virtual machine monitor on /dev/kvm. main() reads as the
 * table of contents: options, VM, devices, vCPU, guest, run. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "boot/acpi.h"
#include "boot/bzimage.h"
#include "boot/cpu.h"
#include "boot/flat.h"
#include "boot/image.h"
#include "boot/mptable.h"
#include "boot/multiboot.h"
#include "vm/caps.h"
#include "host/console.h"
#include "devices/acpi_pm.h"
#include "devices/debug_exit.h"
#include "devices/fb.h"
#include "devices/fw_cfg.h"
#include "devices/hypercall.h"
#include "devices/i8042.h"
#include "devices/pci.h"
#include "devices/post.h"
#include "devices/rtc.h"
#include "devices/serial.h"
#include "host/display.h"
#include "lib/log.h"
#include "host/options.h"
#include "vm/run.h"
#include "host/sandbox.h"
#include "vm/vcpu.h"

#define VMM_VERSION "0.1"
#define QUIT_GRACE_TICKS 50 /* 0.5 s for the guest to take input before Ctrl-A x */

struct machine {
	struct options opt;
	struct stats stats;
	struct vm vm;
	struct vcpu *vcpus; /* --smp of them; vcpus[0] boots */
	struct console console;
	struct serial serial;
	struct debug_exit debug_exit;
	struct hypercall hypercall;
	struct rtc rtc;
	struct i8042 i8042;
	struct pci pci;
	struct post post;
	struct acpi_pm acpi_pm;
	struct fw_cfg fw_cfg;
	struct fb fb;             /* with --fb */
	struct display display;   /* its host side: backing and snapshots */
	struct timespec deadline;
	unsigned quit_ticks;
};

/* Host input into the UART, as much as its FIFO takes. */
static void feed_input(void *ctx)
{
	struct machine *m = ctx;
	uint8_t buf[SERIAL_FIFO_SIZE];
	size_t n = console_read(&m->console, buf, serial_rx_room(&m->serial));

	serial_receive(&m->serial, buf, n);
}

static void serial_tx(void *ctx, uint8_t byte)
{
	struct machine *m = ctx;

	console_tx(&m->console, byte);
}

static void serial_irq(void *ctx, int level)
{
	struct machine *m = ctx;

	if (m->stats.trace)
		fprintf(m->stats.out, "[irq] %d level %d\n", SERIAL_COM1_IRQ, level);
	vm_irq_line(&m->vm, SERIAL_COM1_IRQ, level);
}

static void request_stop(void *ctx, int status)
{
	vm_request_stop(ctx, status);
}

static void request_reset(void *ctx)
{
	warn("guest reset the machine");
	vm_request_stop(ctx, STATUS_RESET);
}

static void request_poweroff(void *ctx)
{
	vm_request_stop(ctx, STATUS_HALT);
}

static bool past(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static int input_fd(void *ctx)
{
	struct machine *m = ctx;

	return console_input_fd(&m->console);
}

/* SIGUSR1 or Ctrl-A s. */
static void snapshot(void *ctx)
{
	struct machine *m = ctx;

	if (m->opt.fb_width)
		display_snapshot(&m->display);
	else
		warn("snapshot asked for, but there is no framebuffer (--fb WIDTHxHEIGHT)");
}

static void on_tick(void *ctx)
{
	struct machine *m = ctx;

	feed_input(m);
	console_flush(&m->console);
	if (m->console.snapshot) {
		m->console.snapshot = false;
		snapshot(m);
	}
	/* Input typed before Ctrl-A x goes to the guest first, unless the
	 * guest stopped taking input. */
	if (m->console.quit && (m->console.in_len == 0 || ++m->quit_ticks > QUIT_GRACE_TICKS)) {
		warn("quit (Ctrl-A x)");
		vm_request_stop(&m->vm, STATUS_QUIT);
	}
}

static void on_watch(void *ctx)
{
	struct machine *m = ctx;

	if (m->opt.timeout > 0 && past(&m->deadline) && !vm_stopping(&m->vm)) {
		warn("timeout: guest still running after %g s", m->opt.timeout);
		vm_request_stop(&m->vm, STATUS_TIMEOUT);
	}
}

static void create_devices(struct machine *m)
{
	struct serial_host host = { serial_tx, serial_irq, feed_input, m };

	struct bus *pio = &m->vm.pio;

	if (serial_init(&m->serial, pio, SERIAL_COM1, &host) < 0 ||
	    debug_exit_init(&m->debug_exit, pio, DEBUG_EXIT_PORT, request_stop, &m->vm) < 0 ||
	    hypercall_init(&m->hypercall, pio, HYPERCALL_PORT) < 0 ||
	    rtc_init(&m->rtc, pio, m->opt.ram_size) < 0 ||
	    i8042_init(&m->i8042, pio, request_reset, &m->vm) < 0 ||
	    pci_init(&m->pci, pio, request_reset, &m->vm) < 0 || post_init(&m->post, pio) < 0 ||
	    acpi_pm_init(&m->acpi_pm, pio, request_poweroff, &m->vm) < 0 ||
	    fw_cfg_init(&m->fw_cfg, pio, m->opt.ram_size, m->opt.smp) < 0)
		die(STATUS_HOST, "device ranges overlap");
	/* Only THR: a write there changes nothing the guest can observe before
	 * its next exit, so KVM may queue it; every other register has side
	 * effects (interrupts, DLAB) that must happen at once. */
	if (!m->opt.no_coalesce)
		vm_add_coalesced(&m->vm, SERIAL_COM1, 1, true);
	if (m->opt.fb_width) {
		if (fb_init(&m->fb, &m->vm.mmio, m->opt.fb_width, m->opt.fb_height,
			    m->opt.fb_ram) < 0)
			die(STATUS_HOST, "device ranges overlap");
		display_init(&m->display, &m->vm, &m->fb, m->opt.fb_png, !m->opt.no_coalesce);
	}
}

static uint8_t *read_file(const char *path, uint64_t max, size_t *len)
{
	char err[BOOT_ERR_LEN];
	uint8_t *buf;

	if (image_read(path, max, &buf, len, err, sizeof(err)) < 0)
		die(STATUS_IMAGE, "%s", err);
	return buf;
}

/* What a PC's firmware leaves for a kernel: the MP table (CPUs, interrupt
 * routing) and ACPI (the same CPUs, power off). */
static void write_firmware_tables(struct machine *m)
{
	if (mptable_write(&m->vm.mem, MPTABLE_ADDR, m->opt.smp, m->vcpus[0].cpu_signature,
			  m->vcpus[0].cpu_features) < 0 ||
	    !acpi_write(&m->vm.mem, ACPI_TABLES_ADDR, m->opt.smp))
		die(STATUS_IMAGE, "guest RAM too small for the firmware tables");
}

static void load_linux(struct machine *m, const uint8_t *img, size_t len,
		       struct boot_plan *plan, char *err, size_t errlen)
{
	struct bzimage_request req = { m->opt.cmdline ? m->opt.cmdline : BZ_CMDLINE_DEFAULT,
				       NULL, 0, m->opt.boot32 };
	struct bzimage_fb fb = { FB_APERTURE_ADDR, m->fb.aperture, m->fb.width, m->fb.height,
				 m->fb.stride };
	uint8_t *initrd = NULL;
	int r;

	if (m->opt.fb_width)
		req.fb = &fb; /* vesafb and fbcon find it in screen_info */
	if (m->opt.initrd)
		req.initrd = initrd = read_file(m->opt.initrd, m->opt.ram_size, &req.initrd_len);
	r = bzimage_load(img, len, &req, &m->vm.mem, plan, err, errlen);
	free(initrd);
	if (r < 0)
		die(STATUS_IMAGE, "%s: %s", m->opt.image, err);
	write_firmware_tables(m);
}

/* One module from "file args": the file is the first word; the whole
 * string is the module's command line, as QEMU passes it. */
static void read_module(struct machine *m, char *spec, struct multiboot_module *mod)
{
	char path[PATH_MAX];
	size_t n = strcspn(spec, " ");

	if (n == 0 || n >= sizeof(path))
		die(STATUS_USAGE, "bad module '%s': expected 'FILE [ARGS]'", spec);
	memcpy(path, spec, n);
	path[n] = '\0';
	mod->cmdline = spec;
	mod->data = read_file(path, m->opt.ram_size, &mod->len);
}

/* Modules from --initrd "a args,b args" (QEMU's syntax) then each --module. */
static int collect_modules(struct machine *m, char *initrd, struct multiboot_module *mods)
{
	char *save = NULL;
	int n = 0;

	for (char *s = initrd ? strtok_r(initrd, ",", &save) : NULL; s;
	     s = strtok_r(NULL, ",", &save)) {
		if (n == MULTIBOOT_MAX_MODULES)
			die(STATUS_USAGE, "more than %d multiboot modules", MULTIBOOT_MAX_MODULES);
		read_module(m, s, &mods[n++]);
	}
	for (int i = 0; i < m->opt.nr_modules; i++) {
		if (n == MULTIBOOT_MAX_MODULES)
			die(STATUS_USAGE, "more than %d multiboot modules", MULTIBOOT_MAX_MODULES);
		read_module(m, (char *)m->opt.modules[i], &mods[n++]);
	}
	return n;
}

static void load_multiboot(struct machine *m, const uint8_t *img, size_t len,
			   struct boot_plan *plan, char *err, size_t errlen)
{
	struct multiboot_module mods[MULTIBOOT_MAX_MODULES];
	char *initrd = m->opt.initrd ? strdup(m->opt.initrd) : NULL;
	struct multiboot_request req = { m->opt.image, m->opt.cmdline, mods, 0 };
	char warning[BOOT_ERR_LEN];
	int r;

	if (m->opt.boot32)
		die(STATUS_USAGE, "%s: --boot32 is for Linux kernels", m->opt.image);
	req.nr_modules = collect_modules(m, initrd, mods);
	r = multiboot_load(img, len, &req, &m->vm.mem, plan, err, errlen, warning,
			   sizeof(warning));
	for (int i = 0; i < req.nr_modules; i++)
		free((void *)mods[i].data);
	free(initrd);
	if (r < 0)
		die(STATUS_IMAGE, "%s: %s", m->opt.image, err);
	if (warning[0])
		warn("%s: %s", m->opt.image, warning);
	write_firmware_tables(m); /* test kernels find the APs there too */
}

static void load_flat(struct machine *m, enum image_kind kind, const uint8_t *img, size_t len,
		      struct boot_plan *plan, char *err, size_t errlen)
{
	struct flat_request req = { m->opt.mode, m->opt.load_set, m->opt.entry_set,
				    m->opt.load, m->opt.entry };
	const char *kernel_only = m->opt.initrd ? "--initrd" : m->opt.cmdline ? "--append"
				  : m->opt.boot32 ? "--boot32" : m->opt.nr_modules ? "--module" : NULL;

	if (kernel_only)
		die(STATUS_USAGE, "%s: %s is for Linux and multiboot kernels, this is run as a %s",
		    m->opt.image, kernel_only,
		    m->opt.mode != CPU_MODE_AUTO ? "flat image (--mode)" : image_kind_name(kind));
	if (req.mode == CPU_MODE_AUTO)
		req.mode = kind == IMAGE_BOOTSECTOR ? CPU_MODE_REAL : CPU_MODE_LONG;
	if (flat_load(img, len, &req, &m->vm.mem, plan, err, errlen) < 0)
		die(STATUS_IMAGE, "%s: %s", m->opt.image, err);
}

/* Put the guest in memory and its first state in the boot vCPU; the
 * others wait for INIT and SIPI from it, as on a PC. */
static void load_guest(struct machine *m, const uint8_t *img, size_t len)
{
	enum image_kind kind = image_detect(img, len);
	struct boot_plan plan;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	char err[BOOT_ERR_LEN];

	if (kind == IMAGE_ELF || kind == IMAGE_GZIP)
		die(STATUS_IMAGE, "%s: %s: vmm runs Linux bzImages, flat binaries and boot"
		    " sectors%s", m->opt.image, image_kind_name(kind),
		    kind == IMAGE_ELF ? " (objcopy -O binary makes a flat one)" : "");
	if (m->opt.mode != CPU_MODE_AUTO) /* the user says: run it as flat code */
		load_flat(m, kind, img, len, &plan, err, sizeof(err));
	else if (kind == IMAGE_BZIMAGE)
		load_linux(m, img, len, &plan, err, sizeof(err));
	else if (kind == IMAGE_MULTIBOOT)
		load_multiboot(m, img, len, &plan, err, sizeof(err));
	else
		load_flat(m, kind, img, len, &plan, err, sizeof(err));
	if (cpu_setup(&plan, &m->vm.mem, &regs, &sregs, err, sizeof(err)) < 0)
		die(STATUS_IMAGE, "%s: %s", m->opt.image, err);
	vcpu_set_state(&m->vcpus[0], &regs, &sregs);
}

static void create_vcpus(struct machine *m)
{
	int max = vm_cap(&m->vm, KVM_CAP_MAX_VCPUS);

	if (max <= 0)
		max = vm_cap(&m->vm, KVM_CAP_NR_VCPUS);
	if (m->opt.smp > max)
		die(STATUS_USAGE, "--smp %d: this KVM allows at most %d vCPUs", m->opt.smp, max);
	m->vcpus = calloc(m->opt.smp, sizeof(*m->vcpus));
	if (!m->vcpus)
		die_errno("calloc vcpus");
	for (int i = 0; i < m->opt.smp; i++) {
		struct vcpu *v = &m->vcpus[i];

		vcpu_create(v, &m->vm, i, !m->opt.no_sync_regs);
		vcpu_setup_cpuid(v);
		vcpu_setup_msrs(v);
		vcpu_setup_lapic(v);
	}
}

static void print_stats(struct machine *m)
{
	const struct exit_stats **per_vcpu = calloc(m->opt.smp, sizeof(*per_vcpu));

	if (!per_vcpu)
		die_errno("calloc");
	for (int i = 0; i < m->opt.smp; i++)
		per_vcpu[i] = &m->vcpus[i].stats;
	stats_print(&m->stats, per_vcpu, m->opt.smp);
	free(per_vcpu);
}

static void parse_command_line(struct machine *m, int argc, char **argv)
{
	char err[OPTIONS_ERR_LEN];

	if (options_parse(&m->opt, argc, argv, err, sizeof(err)) < 0)
		die(STATUS_USAGE, "%s", err);
	if (m->opt.help) {
		options_usage(stdout);
		exit(0);
	}
	if (m->opt.version) {
		printf("vmm %s\n", VMM_VERSION);
		exit(0);
	}
}

static int run(struct machine *m)
{
	struct run_hooks hooks = { .tick = on_tick, .watch = on_watch, .input_fd = input_fd,
				   .snapshot = snapshot, .ctx = m };
	int status;

	console_init(&m->console, STDIN_FILENO, STDOUT_FILENO);
	if (m->opt.timeout > 0) {
		clock_gettime(CLOCK_MONOTONIC, &m->deadline);
		m->deadline.tv_sec += (time_t)m->opt.timeout;
		m->deadline.tv_nsec += (long)((m->opt.timeout - (time_t)m->opt.timeout) * 1e9);
		if (m->deadline.tv_nsec >= 1000000000L) {
			m->deadline.tv_sec++;
			m->deadline.tv_nsec -= 1000000000L;
		}
	}
	/* Everything is open and mapped: from here on the guest drives vmm, so
	 * vmm can do only what running needs. The sanitizers' runtime needs
	 * more (it is a debugging build anyway). */
#ifndef __SANITIZE_ADDRESS__
	if (!m->opt.no_sandbox)
		sandbox_install(m->vm.wake_fd);
#endif
	status = run_machine(&m->vm, m->vcpus, m->opt.smp, &hooks);
	console_destroy(&m->console);
	m->stats.tx_dropped = m->console.dropped;
	if (m->console.dropped)
		warn("%llu bytes of guest output dropped: stdout did not take them",
		     (unsigned long long)m->console.dropped);
	return status;
}

int main(int argc, char **argv)
{
	static struct machine m; /* large (console buffer); one per process */
	uint8_t *img;
	size_t len;
	int status;

	parse_command_line(&m, argc, argv);
	signal(SIGPIPE, SIG_IGN); /* a closed stdout is an error, not a death */
	stats_init(&m.stats, m.opt.stats, m.opt.trace, stderr);
	vm_open(&m.vm, m.opt.kvm_device, &m.stats);
	if (m.opt.caps) {
		caps_print(&m.vm, stdout);
		return 0;
	}
	caps_require(&m.vm, !m.opt.no_sync_regs, !m.opt.no_coalesce);
	img = read_file(m.opt.image, m.opt.ram_size, &len);
	vm_create(&m.vm, m.opt.ram_size);
	create_devices(&m);
	create_vcpus(&m);
	load_guest(&m, img, len);
	free(img);
	status = run(&m);
	if (m.opt.fb_png)
		display_snapshot(&m.display); /* a failure is a warning: status stands */
	if (m.opt.stats)
		print_stats(&m);
	if (m.opt.stats && m.opt.fb_width)
		display_print_stats(&m.display, stderr);
	serial_destroy(&m.serial);
	display_destroy(&m.display);
	fb_destroy(&m.fb);
	for (int i = 0; i < m.opt.smp; i++)
		vcpu_destroy(&m.vcpus[i]);
	free(m.vcpus);
	vm_destroy(&m.vm);
	return status;
}
