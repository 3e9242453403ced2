/* vmm: a minimal virtual machine monitor on /dev/kvm. main() reads as the
 * table of contents: signals, options, VM, vCPUs, board, guest, run. Each
 * step is one folder: host/ (the host side), vm/ (the KVM layer),
 * devices/ (the board), boot/ (the guest's loaders). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/acpi.h"
#include "boot/cpu.h"
#include "boot/load.h"
#include "devices/board.h"
#include "host/console.h"
#include "host/device_opts.h"
#include "host/display.h"
#include "host/gdb.h"
#include "host/options.h"
#include "host/png.h"
#include "host/qemu_args.h"
#include "host/sandbox.h"
#include "host/signals.h"
#include "lib/log.h"
#include "lib/machine.h"
#include "vm/caps.h"
#include "vm/run.h"
#include "vm/vcpu.h"
#include "vm/vm.h"

#define VMM_VERSION "0.1"

struct machine {
	struct options opt;
	struct stats stats;
	struct vm vm;
	struct board board;
	struct vcpu *vcpus; /* --smp of them; vcpus[0] boots */
	struct run run;
	struct console console; /* the serial line's host side */
	int serial_out;         /* where the guest's output goes: stdout, or -serial file: */
	struct display display; /* the framebuffer's */
	struct gdb gdb;         /* --gdb: the remote stub */
	int stop_signal;        /* the signal that asked the run to stop, or 0 */
};

/* What vmm printed on stdout itself (--help, --version, --caps) must have
 * arrived: a full disk or a closed stdout is an error, as in GNU tools,
 * not status 0 with nothing written. A reader that has gone (`| head`)
 * took what it wanted. errno is the failed write's: nothing since sets it. */
static void stdout_done(void)
{
	if ((fflush(stdout) != 0 || ferror(stdout)) && errno != EPIPE)
		die(STATUS_HOST, "writing to stdout: %s", strerror(errno ? errno : EIO));
}

/* QEMU's command line (host/qemu_args.c): vmm answers its probes and
 * reports as QEMU does from here on (lib/log.h). */
static void parse_qemu_command_line(struct options *opt, int argc, char **argv, int first)
{
	char err[OPTIONS_ERR_LEN];
	enum qemu_probe probe;

	log_qemu_style();
	if (qemu_args_parse(opt, argc, argv, first, &probe, err, sizeof(err)) < 0)
		die(STATUS_QEMU_ERROR, "%s", err);
	if (probe == QEMU_HELP)
		qemu_args_usage(stdout, VMM_VERSION);
	else if (probe == QEMU_VERSION_LINE)
		qemu_args_version(stdout, VMM_VERSION);
	else if (probe == QEMU_DEVICE_HELP)
		device_opts_help(stdout);
	else if (probe == QEMU_MACHINE_HELP)
		qemu_args_machine_help(stdout);
	else if (probe == QEMU_CPU_HELP)
		cpu_model_help(stdout);
	else if (probe == QEMU_ACCEL_HELP)
		qemu_args_accel_help(stdout);
	else if (probe == QEMU_DISPLAY_HELP)
		qemu_args_display_help(stdout);
	if (probe != QEMU_RUN) {
		stdout_done();
		exit(0);
	}
	/* In QEMU's words: runners look for them (kvm-unit-tests' probe with
	 * a kernel that does not exist). */
	if (access(opt->guest.image, R_OK) < 0)
		die(STATUS_QEMU_ERROR, "could not open kernel file '%s': %s", opt->guest.image,
		    strerror(errno));
}

/* The guest's output: stdout, or the file of QEMU's -serial file:PATH,
 * created or emptied as QEMU's file chardev does (before the sandbox). */
static int open_serial_out(const struct options *opt)
{
	int fd;

	if (!opt->serial_file)
		return STDOUT_FILENO;
	fd = open(opt->serial_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
	if (fd < 0)
		die(STATUS_QEMU_ERROR, "-serial file:%s: could not open '%s': %s", opt->serial_file,
		    opt->serial_file, strerror(errno));
	return fd;
}

static void parse_command_line(struct options *opt, int argc, char **argv)
{
	char err[OPTIONS_ERR_LEN];
	int first = qemu_args_first(argc, argv);

	if (first) {
		parse_qemu_command_line(opt, argc, argv, first);
		return;
	}
	if (options_parse(opt, argc, argv, err, sizeof(err)) < 0)
		die(STATUS_USAGE, "%s", err);
	for (int i = 0; i < opt->nr_notes; i++)
		warn("%s", opt->notes[i]);
	if (opt->help)
		options_usage(stdout);
	else if (opt->version)
		printf("vmm %s\n", VMM_VERSION);
	else if (opt->cpu_help)
		cpu_model_help(stdout);
	else if (opt->device_help)
		device_opts_help(stdout);
	else
		return;
	stdout_done();
	exit(0);
}

/* Output files are looked at before anything runs: a bad one is a usage
 * error now, not a surprise at exit. */
static void check_outputs(struct options *opt)
{
	char err[PNG_ERR_LEN];

	if (opt->fb_png && !(opt->fb_png = png_target(opt->fb_png, err, sizeof(err))))
		die(STATUS_USAGE, "--fb-png %s", err);
}

/* The devices, wired to the in-kernel irqchip, the run's stop line and
 * the console. */
static void create_board(struct machine *m)
{
	struct board_config config = { .ram_size = m->opt.ram_size,
				       .ncpus = m->opt.smp,
				       .fb_width = m->opt.fb_width,
				       .fb_height = m->opt.fb_height,
				       .fb_ram = m->opt.fb_ram,
				       .debug_exit_port = m->opt.debug_exit_port,
				       .debug_exit_size = m->opt.debug_exit_size,
				       .pc_testdev = m->opt.pc_testdev,
				       .pci_testdev = m->opt.pci_testdev,
				       .mem = &m->vm.mem };
	struct board_wires wires = { vm_irq_line(&m->vm, 0),
				     run_stop_line(&m->run),
				     { console_tx, console_read, console_full, &m->console },
				     run_sleep_line(&m->run),
				     vm_ioeventfd_line(&m->vm) };

	if (board_create(&m->board, &m->vm.pio, &m->vm.mmio, &config, &wires) < 0) {
		/* The fixed devices never overlap: the debug exit is the one
		 * range a command line places (pc-testdev's come after it). */
		if (m->opt.debug_exit_set)
			die(STATUS_USAGE,
			    "isa-debug-exit at ports 0x%x-0x%x overlaps another device's"
			    " (README: The machine)",
			    config.debug_exit_port,
			    config.debug_exit_port + config.debug_exit_size - 1);
		die(STATUS_HOST, "device ranges overlap");
	}
	if (!m->opt.no_coalesce)
		board_coalesce(&m->board, &m->vm);
	if (m->board.has_fb)
		display_init(&m->display, &m->vm, &m->board.fb, m->opt.fb_png);
}

static void create_vcpus(struct machine *m)
{
	int max = vm_cap(&m->vm, KVM_CAP_MAX_VCPUS);
	struct kvm_cpuid2 *cpuid;

	if (max <= 0)
		max = vm_cap(&m->vm, KVM_CAP_NR_VCPUS);
	if (m->opt.smp > max)
		die(STATUS_USAGE, "--smp %d: this KVM allows at most %d vCPUs", m->opt.smp, max);
	m->vcpus = calloc(m->opt.smp, sizeof(*m->vcpus));
	if (!m->vcpus)
		die_errno("calloc vcpus");
	cpuid = vcpu_cpuid_shape(&m->vm, &m->opt.cpu);
	for (int i = 0; i < m->opt.smp; i++) {
		struct vcpu *v = &m->vcpus[i];

		vcpu_create(v, &m->vm, i, !m->opt.no_sync_regs);
		vcpu_setup_cpuid(v, cpuid);
		vcpu_setup_msrs(v);
		vcpu_setup_lapic(v);
	}
	free(cpuid);
}

/* The guest in memory and its first state in the boot vCPU; the others
 * wait for INIT and SIPI from it, as on a PC. */
static void load_guest(struct machine *m, struct guest_image *img)
{
	const struct fb *fb = &m->board.fb;
	struct bzimage_fb screen = { FB_APERTURE_ADDR, fb->aperture, fb->width, fb->height,
				     fb->stride };
	struct guest_machine machine = { m->opt.smp, m->vcpus[0].cpu_signature,
					 m->vcpus[0].cpu_features,
					 m->board.has_fb ? &screen : NULL };
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	guest_load(img, &m->opt.guest, &machine, &m->vm.mem, &regs, &sregs);
	vcpu_set_state(&m->vcpus[0], &regs, &sregs);
}

/* SIGUSR1 or Ctrl-A s. */
static void snapshot(struct machine *m)
{
	if (m->board.has_fb)
		display_snapshot(&m->display);
	else
		warn("snapshot asked for, but there is no framebuffer (--fb WIDTHxHEIGHT)");
}

/* The host thread's work at each tick, under the I/O lock: whether it
 * needs the next tick soon. */
static bool on_tick(void *ctx)
{
	struct machine *m = ctx;

	serial_poll(&m->board.com1);
	rtc_poll(&m->board.rtc);
	console_flush(&m->console);
	if (console_take_snapshot(&m->console) | signals_take_snapshot())
		snapshot(m);
	if (console_take_report(&m->console))
		run_request_report(&m->run); /* done outside the lock: it waits for vCPUs */
	if (console_quit_due(&m->console)) {
		warn("quit (Ctrl-A x)");
		run_request_stop(&m->run, STATUS_QUIT);
	}
	/* A guest waiting for the RTC's interrupt is quiet, but the tick is
	 * what raises it. */
	return console_busy(&m->console) || rtc_wants_ticks(&m->board.rtc);
}

/* And without the lock: what ends the run. */
static void on_watch(void *ctx)
{
	struct machine *m = ctx;
	int sig = signals_take_stop();

	if (signals_take_report())
		run_request_report(&m->run);
	if (sig && !m->stop_signal)
		m->stop_signal = sig;
	if (sig && m->opt.qemu) {
		/* As QEMU: a message runners parse, and a clean exit. */
		warn("terminating on signal %d from pid %d", sig, signals_stop_sender());
		run_request_stop(&m->run, 0);
	} else if (sig) {
		warn("stopped by signal %d", sig);
		run_request_stop(&m->run, sig == SIGINT ? STATUS_SIGINT : 128 + sig);
	}
}

/* ACPI S3 resume, every vCPU stopped: what firmware does when the machine
 * wakes: the BIOS state again, the boot vCPU in real mode at the FACS's
 * Firmware_Waking_Vector (ACPI, "Firmware ACPI Control Structure"), the
 * others waiting for INIT/SIPI as after a reset. */
static void on_resume(void *ctx)
{
	struct machine *m = ctx;
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	uint32_t vector = acpi_waking_vector(&m->vm.mem, ACPI_TABLES_ADDR);

	if (!vector) {
		warn("S3 resume: the guest set no waking vector in the FACS: reset");
		run_request_stop(&m->run, STATUS_RESET);
		return;
	}
	vm_bios_state(&m->vm);
	cpu_resume_state(vector, &regs, &sregs);
	vcpu_set_state(&m->vcpus[0], &regs, &sregs);
	vcpu_set_mp_state(&m->vcpus[0], KVM_MP_STATE_RUNNABLE);
	for (int i = 1; i < m->opt.smp; i++)
		vcpu_set_mp_state(&m->vcpus[i], KVM_MP_STATE_INIT_RECEIVED);
}

static int input_fd(void *ctx)
{
	struct machine *m = ctx;

	return console_input_fd(&m->console);
}

/* Everything is open and mapped: from here on the guest drives vmm, so
 * vmm can do only what running needs: read its eventfds and KVM's
 * statistics, accept on the gdb stub's socket. The sanitizers' runtime
 * needs more (it is a debugging build anyway). */
static void sandbox(struct machine *m)
{
	struct sandbox_fds fds = { { m->run.wake_fd, -1, -1, -1 }, -1 };

	if (m->opt.no_sandbox)
		return;
	if (m->opt.gdb)
		fds = (struct sandbox_fds){ { m->run.wake_fd, m->gdb.wake_fd,
					      m->gdb.debug.notify_fd, -1 },
					    m->gdb.listen_fd };
	watch_stats_fds(&m->run.watch, &fds.stats_first, &fds.stats_last);
#ifdef __SANITIZE_ADDRESS__
	(void)fds;
#else
	sandbox_install(&fds);
#endif
}

static int run(struct machine *m)
{
	struct run_hooks hooks = { on_tick, on_watch, input_fd, on_resume, m };
	int status;

	console_init(&m->console, STDIN_FILENO, m->serial_out);
	if (m->opt.gdb)
		gdb_init(&m->gdb, &m->opt.gdb_addr, m->opt.gdb_wait, &m->vm, m->vcpus, m->opt.smp,
			 &m->run);
	sandbox(m);
	if (m->opt.gdb)
		gdb_start(&m->gdb); /* its thread inherits the filter */
	status = run_machine(&m->run, &hooks);
	if (m->opt.gdb)
		gdb_finish(&m->gdb, status, status == 128 + m->stop_signal ? m->stop_signal : 0);
	/* Every write from here on is bounded: CONSOLE_DRAIN_MS in all, no
	 * later than --timeout's deadline, nothing more after a stop signal. */
	console_destroy(&m->console, run_time_left(&m->run) < CONSOLE_DRAIN_MS
					     ? run_time_left(&m->run)
					     : CONSOLE_DRAIN_MS);
	m->stats.tx_dropped = m->console.dropped;
	if (m->console.dropped)
		warn("%llu bytes of guest output dropped: %s did not take them",
		     (unsigned long long)m->console.dropped,
		     m->opt.serial_file ? "the -serial file" : "stdout");
	return status;
}

/* QEMU's status for how the run ended (host/qemu_args.c). */
static int qemu_status(const struct machine *m, int status)
{
	const struct options *opt = &m->opt;
	bool reboot = status == STATUS_SHUTDOWN || status == STATUS_RESET;

	if (reboot && !opt->no_reboot)
		warn("QEMU would reboot the guest here; vmm ends the run (-no-reboot: status 0)");
	else if ((reboot || (status == STATUS_HALT && !m->stop_signal)) && opt->no_shutdown)
		warn("QEMU would stop the guest here and wait (-no-shutdown); vmm ends the run");
	return qemu_args_status(opt, status);
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
	if (m->board.has_fb)
		display_print_stats(&m->display, log_stream());
}

static void destroy(struct machine *m)
{
	run_destroy(&m->run);
	display_destroy(&m->display);
	board_destroy(&m->board);
	for (int i = 0; i < m->opt.smp; i++)
		vcpu_destroy(&m->vcpus[i]);
	free(m->vcpus);
	vm_destroy(&m->vm);
}

int main(int argc, char **argv)
{
	static struct machine m; /* large (console buffer); one per process */
	struct guest_image img;
	int status;

	console_hold_std_fds();
	signals_install();
	parse_command_line(&m.opt, argc, argv);
	check_outputs(&m.opt);
	m.serial_out = open_serial_out(&m.opt);
	stats_init(&m.stats, m.opt.stats, m.opt.trace);
	vm_open(&m.vm, m.opt.kvm_device, &m.stats);
	if (m.opt.caps) {
		caps_print(&m.vm, stdout);
		stdout_done();
		return 0;
	}
	caps_require(&m.vm, !m.opt.no_sync_regs, !m.opt.no_coalesce);
	guest_read(&img, &m.opt.guest, m.opt.ram_size);
	vm_create(&m.vm, m.opt.ram_size, !m.opt.no_pit);
	if (m.opt.pit_discard)
		vm_pit_discard(&m.vm);
	vm_bios_state(&m.vm);
	create_vcpus(&m);
	run_init(&m.run, &m.vm, m.vcpus, m.opt.smp, m.opt.timeout);
	create_board(&m);
	load_guest(&m, &img);
	status = run(&m);
	if (m.opt.qemu)
		status = qemu_status(&m, status);
	if (m.opt.fb_png)
		display_snapshot(&m.display); /* a failure is a warning: status stands */
	if (m.opt.stats)
		print_stats(&m);
	destroy(&m);
	return status;
}
