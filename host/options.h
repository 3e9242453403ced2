#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "boot/load.h"
#include "host/parse.h"
#include "vm/cpu_models.h"

#define RAM_SIZE_DEFAULT (128ULL << 20)
#define KVM_DEVICE_DEFAULT "/dev/kvm"
#define SMP_MAX 254 /* APIC ids 0..254 fit the MP table and the MADT */
#define OPTIONS_ERR_LEN 256
#define OPTIONS_MAX_NOTES 8  /* warnings about the command line */
#define TIMEOUT_MAX 10000000 /* seconds: 115 days */

struct options {
	struct guest_spec guest; /* IMAGE or --kernel, --initrd, --append, --mode ... */
	uint64_t ram_size;
	double timeout; /* seconds; 0: none */
	int smp;        /* vCPUs */
	bool stats, trace, caps, help, version, cpu_help, device_help;
	bool no_sync_regs, no_coalesce, no_sandbox;
	uint32_t fb_width, fb_height; /* --fb; 0: no framebuffer */
	const char *fb_png;           /* --fb-png */
	bool fb_ram;
	const char *kvm_device;
	struct cpu_model cpu; /* --cpu: host by default (QEMU's command line: qemu64) */
	/* --device: QEMU's test devices, and where the debug exit decodes */
	bool pc_testdev, pci_testdev;
	uint16_t debug_exit_port, debug_exit_size; /* size 0: no debug exit */
	bool debug_exit_set;
	bool no_pit, pit_discard; /* QEMU's -machine pit=off, kvm-pit.lost_tick_policy */
	bool qemu;                /* run from QEMU's command line (host/qemu_args.c) */
	const char *serial_file;  /* QEMU's -serial file:PATH: guest output there, not stdout */
	bool no_reboot;           /* -no-reboot: a reset or triple fault ends with 0 */
	bool no_shutdown;         /* -no-shutdown: QEMU would stop and wait at the end */
	bool gdb, gdb_wait;       /* --gdb ADDR, --gdb-wait */
	struct gdb_addr gdb_addr;
	/* Said on stderr before the run: a setting given twice (the last one
	 * counts, as in QEMU). */
	char notes[OPTIONS_MAX_NOTES][OPTIONS_ERR_LEN];
	int nr_notes;
};

/* Parse argv; on error, fills err and returns -1. Pure: no I/O. */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);
void options_usage(FILE *f);
/* Defaults, as options_parse starts from them (the QEMU translation too). */
void options_defaults(struct options *o);

#endif
