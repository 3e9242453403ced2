#ifndef QEMU_ARGS_H
#define QEMU_ARGS_H

#include <stdio.h>

#include "host/options.h"

/* The QEMU version whose command line and behaviour vmm follows. */
#define QEMU_VERSION "7.2.0"

/* What a QEMU command line asks for: a run, or one of the probes runners
 * make before they run anything. */
enum qemu_probe {
	QEMU_RUN,
	QEMU_HELP,         /* -h, -help, --help */
	QEMU_VERSION_LINE, /* -version */
	QEMU_DEVICE_HELP,  /* -device help, -device '?' */
	QEMU_MACHINE_HELP, /* -machine help */
	QEMU_CPU_HELP,     /* -cpu help */
	QEMU_ACCEL_HELP,   /* -accel help */
	QEMU_DISPLAY_HELP, /* -display help */
};

/* Whether vmm runs with QEMU's command line: invoked as
 * qemu-system-x86_64 (or qemu-kvm), or as `vmm --qemu ARGS...`. Returns
 * the index of the first QEMU argument, or 0 for vmm's own command line. */
int qemu_args_first(int argc, char **argv);
/* Translate QEMU's options from argv[first] on into the options vmm runs
 * with (the same struct its own parser fills). Pure: no I/O. Returns -1
 * with err naming the option vmm refuses or cannot parse. */
int qemu_args_parse(struct options *o, int argc, char **argv, int first, enum qemu_probe *probe,
		    char *err, size_t errlen);
/* The answers to the probes. */
void qemu_args_usage(FILE *f, const char *vmm_version);
/* "QEMU emulator version 7.2.0 (vmm ...)": runners parse the numbers. */
void qemu_args_version(FILE *f, const char *vmm_version);
void qemu_args_machine_help(FILE *f);
void qemu_args_accel_help(FILE *f);
void qemu_args_display_help(FILE *f);
/* A QEMU exit status for the status vmm's run ended with. */
int qemu_args_status(const struct options *o, int status);

#endif
