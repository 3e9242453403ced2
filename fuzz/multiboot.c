/* The multiboot v1 loader (ELF32 and the a.out kludge), with modules and
 * a command line. Input: 10 bytes of options (see below), then the image. */
#include <stdlib.h>
#include <string.h>

#include "boot/cpu.h"
#include "boot/image.h"
#include "boot/multiboot.h"
#include "fuzz/fuzz.h"

#define OPT_CMDLINE 0x01
#define OPT_LONG_NAME 0x02
#define OPT_MODULES 0x0c /* 0-3 modules */
#define HEADER_LEN 10
#define CMDLINE_MAX 5000 /* around the loader's 4 KiB limit */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	uint8_t opt = input_u8(&in), mem_choice = input_u8(&in);
	uint16_t cmdline_len = input_u16(&in) % CMDLINE_MAX;
	struct multiboot_module mods[3];
	static char name[300], cmdline[CMDLINE_MAX + 1], mod_cmdline[] = "module arg";
	struct multiboot_request req = { "kernel", NULL, mods, (opt & OPT_MODULES) >> 2 };
	const uint8_t *img = data + HEADER_LEN;
	size_t len = size > HEADER_LEN ? size - HEADER_LEN : 0;
	struct guest_mem m;
	struct boot_plan plan;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	char err[BOOT_ERR_LEN] = "", warning[BOOT_ERR_LEN];

	if (len == 0)
		return 0;
	image_detect(img, len);
	for (int i = 0; i < 3; i++) {
		uint16_t n = input_u16(&in);
		uint8_t *p = malloc(n + 1u); /* image_read refuses empty files */

		if (!p)
			abort();
		memset(p, 'm', n + 1u);
		mods[i] = (struct multiboot_module){ p, n + 1u, mod_cmdline };
	}
	if (opt & OPT_LONG_NAME) {
		memset(name, 'n', sizeof(name) - 1);
		req.name = name;
	}
	if (opt & OPT_CMDLINE) {
		memset(cmdline, 'c', cmdline_len);
		cmdline[cmdline_len] = '\0';
		req.cmdline = cmdline;
	}
	fuzz_mem_alloc(&m, mem_choice);
	if (multiboot_load(img, len, &req, &m, &plan, err, sizeof(err), warning, sizeof(warning)) <
	    0) {
		fuzz_assert_message(err);
	} else {
		if (!mem_ptr(&m, plan.entry, 1) || !mem_ptr(&m, plan.rbx, 88))
			abort(); /* entry and the information structure inside RAM */
		if (cpu_setup(&plan, &m, &regs, &sregs, err, sizeof(err)) < 0)
			fuzz_assert_message(err);
	}
	fuzz_mem_free(&m);
	for (int i = 0; i < 3; i++)
		free((void *)mods[i].data);
	return 0;
}
