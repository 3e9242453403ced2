/* The Linux bzImage loader, then the firmware tables and CPU state vmm
 * adds. Input: 11 bytes of options (see below), then the image. */
#include <stdlib.h>
#include <string.h>

#include "boot/acpi.h"
#include "boot/bzimage.h"
#include "boot/cpu.h"
#include "boot/image.h"
#include "boot/mptable.h"
#include "devices/fb.h"
#include "fuzz/fuzz.h"

#define OPT_BOOT32 0x01
#define OPT_INITRD 0x02
#define OPT_FB 0x04
#define OPT_CMDLINE 0x18      /* 0: the default; 1: length from input; 2: at cmdline_size */
#define CMDLINE_SIZE_AT 0x238 /* the setup header's cmdline_size */
#define HEADER_LEN 11
#define INITRD_MAX (4 << 20)

/* A command line of len bytes, or near the image's own cmdline_size. */
static char *make_cmdline(uint8_t opt, uint8_t n, const uint8_t *img, size_t len)
{
	size_t cl = n;
	char *s;

	if ((opt & OPT_CMDLINE) >> 3 == 2 && len >= CMDLINE_SIZE_AT + 4) {
		uint32_t cmdline_size;

		memcpy(&cmdline_size, img + CMDLINE_SIZE_AT, 4);
		cl = cmdline_size + (int8_t)n;
		if (cl > 0x8000)
			cl = 0x8000 - (n & 1); /* around BZ_CMDLINE_MAX and past it */
	}
	s = malloc(cl + 1);
	if (!s)
		abort();
	memset(s, 'c', cl);
	s[cl] = '\0';
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	uint8_t opt = input_u8(&in), mem_choice = input_u8(&in);
	uint32_t initrd_len = input_u32(&in) % INITRD_MAX;
	uint8_t cmdline_n = input_u8(&in);
	uint16_t fb_w = input_u16(&in) % FB_MAX_WIDTH + 1,
		 fb_h = input_u16(&in) % FB_MAX_HEIGHT + 1;
	const uint8_t *img = data + HEADER_LEN;
	size_t len = size > HEADER_LEN ? size - HEADER_LEN : 0;
	uint64_t fb_size = (uint64_t)fb_w * fb_h * 4;
	struct bzimage_fb fb = { FB_APERTURE_ADDR,
				 (fb_size + FB_APERTURE_ALIGN - 1) & ~(FB_APERTURE_ALIGN - 1), fb_w,
				 fb_h, fb_w * 4u };
	struct bzimage_request req = { BZ_CMDLINE_DEFAULT, NULL, 0, opt & OPT_BOOT32,
				       opt & OPT_FB ? &fb : NULL };
	char *cmdline = NULL;
	uint8_t *initrd = NULL;
	struct guest_mem m;
	struct boot_plan plan;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	char err[BOOT_ERR_LEN] = "";

	if (len == 0)
		return 0;
	image_detect(img, len);
	if (opt & OPT_CMDLINE)
		req.cmdline = cmdline = make_cmdline(opt, cmdline_n, img, len);
	if ((opt & OPT_INITRD) && initrd_len) {
		req.initrd = initrd = malloc(initrd_len);
		req.initrd_len = initrd_len;
		if (!initrd)
			abort();
		memset(initrd, 'i', initrd_len);
	}
	fuzz_mem_alloc(&m, mem_choice);
	if (bzimage_load(img, len, &req, &m, &plan, err, sizeof(err)) < 0) {
		fuzz_assert_message(err);
	} else {
		if (!mem_ptr(&m, plan.entry, 1) || !mem_ptr(&m, plan.rsi, 4096))
			abort(); /* entry and zero page inside RAM */
		mptable_write(&m, MPTABLE_ADDR, 1 + mem_choice % 4, 0, 0);
		acpi_write(&m, ACPI_TABLES_ADDR, 1 + mem_choice % 4);
		if (cpu_setup(&plan, &m, &regs, &sregs, err, sizeof(err)) < 0)
			fuzz_assert_message(err);
	}
	fuzz_mem_free(&m);
	free(initrd);
	free(cmdline);
	return 0;
}
