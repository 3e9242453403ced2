#ifndef LOAD_H
#define LOAD_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/bzimage.h"
#include "boot/image.h"
#include "boot/multiboot.h"
#include "boot/plan.h"
#include "vm/mem.h"

/* What the command line says about the guest. */
struct guest_spec {
	const char *image;  /* the file to run */
	const char *initrd; /* Linux; multiboot: "file args,file args" as QEMU */
	const char *modules[MULTIBOOT_MAX_MODULES]; /* --module "file args" */
	int nr_modules;
	const char *cmdline; /* --append; NULL: the default */
	bool boot32;
	enum cpu_mode mode; /* CPU_MODE_AUTO: from the image */
	bool load_set, entry_set;
	uint64_t load, entry;
};

/* What the machine shows a kernel in its firmware tables and zero page. */
struct guest_machine {
	int ncpus;
	uint32_t cpu_signature, cpu_features; /* CPUID.1 EAX and EDX */
	const struct bzimage_fb *fb;          /* NULL: no framebuffer */
};

struct guest_image {
	uint8_t *data;
	size_t len;
};

/* Read the image file (at most ram_size bytes). A file that cannot be
 * read ends vmm with a message and STATUS_IMAGE. */
void guest_read(struct guest_image *img, const struct guest_spec *g, uint64_t ram_size);
/* Pick the loader from the image's content (or --mode), read the files it
 * needs, load them into guest memory with the firmware tables a kernel
 * expects, and turn the plan into the boot vCPU's first registers. Frees
 * the image. Bad input ends vmm with one message (STATUS_IMAGE or
 * STATUS_USAGE): this is the glue, the loaders themselves stay pure. */
void guest_load(struct guest_image *img, const struct guest_spec *g,
		const struct guest_machine *machine, const struct guest_mem *mem,
		struct kvm_regs *regs, struct kvm_sregs *sregs);

#endif
