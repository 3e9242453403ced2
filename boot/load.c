#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "boot/acpi.h"
#include "boot/cpu.h"
#include "boot/flat.h"
#include "boot/load.h"
#include "boot/mptable.h"
#include "lib/log.h"
#include "lib/machine.h"

/* option: what named the file ("--initrd"), or NULL for the kernel image. */
static uint8_t *read_file(const char *option, const char *path, uint64_t max, size_t *len)
{
	char err[BOOT_ERR_LEN];
	uint8_t *buf;

	int r = image_read(path, max, &buf, len, err, sizeof(err));

	if (r < 0)
		die(r == IMAGE_HOST_FAILED ? STATUS_HOST : STATUS_IMAGE, "%s%s%s",
		    option ? option : "", option ? " " : "", err);
	return buf;
}

void guest_read(struct guest_image *img, const struct guest_spec *g, uint64_t ram_size)
{
	img->data = read_file(NULL, g->image, ram_size, &img->len);
}

/* What a PC's firmware leaves for a kernel: the MP table (CPUs, interrupt
 * routing) and ACPI (the same CPUs, power off). */
static void write_firmware_tables(const struct guest_machine *machine, const struct guest_mem *mem)
{
	if (mptable_write(mem, MPTABLE_ADDR, machine->ncpus, machine->cpu_signature,
			  machine->cpu_features) < 0 ||
	    !acpi_write(mem, ACPI_TABLES_ADDR, machine->ncpus))
		die(STATUS_IMAGE, "guest RAM too small for the firmware tables");
}

static void load_linux(const struct guest_image *img, const struct guest_spec *g,
		       const struct guest_machine *machine, const struct guest_mem *mem,
		       struct boot_plan *plan)
{
	struct bzimage_request req = { g->cmdline ? g->cmdline : BZ_CMDLINE_DEFAULT, NULL, 0,
				       g->boot32, machine->fb };
	char err[BOOT_ERR_LEN];
	uint8_t *initrd = NULL;
	int r;

	if (g->nr_modules)
		die(STATUS_USAGE,
		    "%s: --module is for multiboot kernels; a Linux bzImage takes one"
		    " --initrd",
		    g->image);
	if (g->initrd)
		req.initrd = initrd = read_file("--initrd", g->initrd, mem->ram_size,
						&req.initrd_len);
	r = bzimage_load(img->data, img->len, &req, mem, plan, err, sizeof(err));
	free(initrd);
	if (r < 0)
		die(STATUS_IMAGE, "%s: %s", g->image, err);
	write_firmware_tables(machine, mem);
}

/* One module from "file args": the file is the first word; the whole
 * string is the module's command line, as QEMU passes it. */
static void read_module(const char *spec, const char *option, uint64_t max,
			struct multiboot_module *mod)
{
	char path[PATH_MAX];
	size_t n = strcspn(spec, " ");

	if (n == 0 || n >= sizeof(path))
		die(STATUS_USAGE, "bad module '%s' in %s: expected 'FILE [ARGS]'", spec, option);
	memcpy(path, spec, n);
	path[n] = '\0';
	mod->cmdline = spec;
	mod->data = read_file(option, path, max, &mod->len);
}

/* QEMU's syntax for --initrd: modules separated by commas, ",," a comma
 * within one (QEMU's get_opt_value). Unescapes list into buf, one string
 * per module; an empty one is an error, as in QEMU. */
static int split_modules(const char *list, char *buf, const char **mods, int max)
{
	int n = 0;

	mods[n++] = buf;
	for (const char *p = list;; p++) {
		if (*p == ',' && p[1] == ',') {
			*buf++ = *p++;
		} else if (*p == ',' || !*p) {
			if (buf == mods[n - 1])
				die(STATUS_USAGE,
				    "--initrd '%s': module %d has no file name (',' separates"
				    " modules, ',,' is a comma in one)",
				    list, n);
			*buf++ = '\0';
			if (!*p)
				return n;
			if (n == max)
				die(STATUS_USAGE, "more than %d multiboot modules", max);
			mods[n++] = buf;
		} else {
			*buf++ = *p;
		}
	}
}

/* Modules from --initrd "a args,b args" (QEMU's syntax) then each --module. */
static int collect_modules(const struct guest_spec *g, char *initrd, uint64_t max,
			   struct multiboot_module *mods)
{
	const char *specs[MULTIBOOT_MAX_MODULES];
	int n = initrd ? split_modules(g->initrd, initrd, specs, MULTIBOOT_MAX_MODULES) : 0;

	for (int i = 0; i < n; i++)
		read_module(specs[i], "--initrd", max, &mods[i]);
	for (int i = 0; i < g->nr_modules; i++) {
		if (n == MULTIBOOT_MAX_MODULES)
			die(STATUS_USAGE, "more than %d multiboot modules", MULTIBOOT_MAX_MODULES);
		read_module(g->modules[i], "--module", max, &mods[n++]);
	}
	return n;
}

static void load_multiboot(const struct guest_image *img, const struct guest_spec *g,
			   const struct guest_machine *machine, const struct guest_mem *mem,
			   struct boot_plan *plan)
{
	struct multiboot_module mods[MULTIBOOT_MAX_MODULES];
	char *initrd = g->initrd ? strdup(g->initrd) : NULL;
	struct multiboot_request req = { g->image, g->cmdline, mods, 0 };
	char err[BOOT_ERR_LEN], warning[BOOT_ERR_LEN];
	int r;

	if (g->boot32)
		die(STATUS_USAGE, "%s: --boot32 is for Linux kernels", g->image);
	req.nr_modules = collect_modules(g, initrd, mem->ram_size, mods);
	r = multiboot_load(img->data, img->len, &req, mem, plan, err, sizeof(err), warning,
			   sizeof(warning));
	for (int i = 0; i < req.nr_modules; i++)
		free((void *)mods[i].data);
	free(initrd);
	if (r < 0)
		die(STATUS_IMAGE, "%s: %s", g->image, err);
	if (warning[0])
		warn("%s: %s", g->image, warning);
	write_firmware_tables(machine, mem); /* test kernels find the APs there too */
}

static void load_flat(const struct guest_image *img, enum image_kind kind,
		      const struct guest_spec *g, const struct guest_mem *mem,
		      struct boot_plan *plan)
{
	struct flat_request req = { g->mode, g->load_set, g->entry_set, g->load, g->entry };
	/* An empty command line is none: QEMU's default, which --qemu sets. */
	const char *kernel_only = g->initrd                   ? "--initrd"
				  : g->cmdline && *g->cmdline ? "--append"
				  : g->boot32                 ? "--boot32"
				  : g->nr_modules             ? "--module"
							      : NULL;
	char err[BOOT_ERR_LEN];

	if (kernel_only)
		die(STATUS_USAGE, "%s: %s is for Linux and multiboot kernels, this is run as a %s",
		    g->image, kernel_only,
		    g->mode != CPU_MODE_AUTO ? "flat image (--mode)" : image_kind_name(kind));
	if (req.mode == CPU_MODE_AUTO)
		req.mode = kind == IMAGE_BOOTSECTOR ? CPU_MODE_REAL : CPU_MODE_LONG;
	if (flat_load(img->data, img->len, &req, mem, plan, err, sizeof(err)) < 0)
		die(STATUS_IMAGE, "%s: %s", g->image, err);
}

void guest_load(struct guest_image *img, const struct guest_spec *g,
		const struct guest_machine *machine, const struct guest_mem *mem,
		struct kvm_regs *regs, struct kvm_sregs *sregs)
{
	enum image_kind kind = image_detect(img->data, img->len);
	struct boot_plan plan;
	char err[BOOT_ERR_LEN];

	if (kind == IMAGE_ELF || kind == IMAGE_GZIP)
		die(STATUS_IMAGE,
		    "%s: %s: vmm runs Linux bzImages, flat binaries and boot"
		    " sectors%s",
		    g->image, image_kind_name(kind),
		    kind == IMAGE_ELF ? " (objcopy -O binary makes a flat one)" : "");
	if (g->mode != CPU_MODE_AUTO) /* the user says: run it as flat code */
		load_flat(img, kind, g, mem, &plan);
	else if (kind == IMAGE_BZIMAGE)
		load_linux(img, g, machine, mem, &plan);
	else if (kind == IMAGE_MULTIBOOT)
		load_multiboot(img, g, machine, mem, &plan);
	else
		load_flat(img, kind, g, mem, &plan);
	free(img->data);
	img->data = NULL;
	if (cpu_setup(&plan, mem, regs, sregs, err, sizeof(err)) < 0)
		die(STATUS_IMAGE, "%s: %s", g->image, err);
}
