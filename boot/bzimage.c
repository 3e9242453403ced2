#include <asm/bootparam.h>
#include <linux/screen_info.h>
#include <stdio.h>
#include <string.h>

#include "boot/bzimage.h"
#include "boot/e820.h"

#define SETUP_HEADER_OFFSET 0x1f1
#define BOOT_FLAG 0xaa55
#define SETUP_SECTS_DEFAULT 4 /* setup_sects 0 means 4 (boot.rst) */
#define LOADER_UNDEFINED 0xff /* type_of_loader: "undefined" */
#define HEAP_END 0xfe00
#define ENTRY_64_OFFSET 0x200 /* 64-bit entry: code32_start + 0x200 */
#define INITRD_ALIGN 0x1000

#define HEADER_END_MIN 0x264    /* end of init_size */
#define VBE_MEMORY_UNIT 0x10000 /* screen_info.lfb_size counts 64 KiB blocks */

/* The setup header's own length: it runs to the end of the jump at 0x200,
 * whose target byte is at 0x201 (boot.rst, "Loading the rest"). */
static size_t header_end(const uint8_t *img)
{
	return 0x202 + img[0x201];
}

/* Bytes before the protected-mode kernel: the boot sector and the setup. */
static size_t setup_length(const struct setup_header *h)
{
	return (size_t)((h->setup_sects ? h->setup_sects : SETUP_SECTS_DEFAULT) + 1) * 512;
}

static int check_header(const uint8_t *img, size_t len, const struct setup_header *h, char *err,
			size_t errlen)
{
	size_t setup_len = setup_length(h);

	if (h->boot_flag != BOOT_FLAG)
		BOOT_FAIL("boot_flag is %#x, expected %#x", h->boot_flag, BOOT_FLAG);
	if (h->version < BZ_PROTOCOL_MIN)
		BOOT_FAIL("boot protocol %u.%02u is too old (vmm needs 2.10 or later)",
			  h->version >> 8, h->version & 0xff);
	/* Protocol 2.10 headers reach at least to the end of init_size. */
	if (header_end(img) < HEADER_END_MIN || header_end(img) > len)
		BOOT_FAIL("setup header length %#zx (jump at 0x200) is inconsistent with protocol"
			  " %u.%02u",
			  header_end(img) - SETUP_HEADER_OFFSET, h->version >> 8,
			  h->version & 0xff);
	if (setup_len >= len)
		BOOT_FAIL("setup_sects %u puts the setup past the end of the file", h->setup_sects);
	if ((uint64_t)h->syssize * 16 > len - setup_len)
		BOOT_FAIL("syssize %#x puts the kernel payload past the end of the file",
			  h->syssize);
	if (!(h->loadflags & LOADED_HIGH))
		BOOT_FAIL("loadflags lacks LOADED_HIGH: zImage kernels are not supported");
	if (h->relocatable_kernel && (h->kernel_alignment & (h->kernel_alignment - 1)))
		BOOT_FAIL("kernel_alignment %#x is not a power of two", h->kernel_alignment);
	return 0;
}

/* The kernel decompresses to at least pref_address and needs init_size
 * bytes from there (arch/x86/boot/compressed/head_64.S). */
static int check_fit(const struct setup_header *h, size_t payload, const struct guest_mem *m,
		     uint64_t *kernel_end, char *err, size_t errlen)
{
	uint64_t start = h->pref_address > KERNEL_LOAD ? h->pref_address : KERNEL_LOAD;
	uint64_t need = h->init_size > payload ? h->init_size : payload;

	if (start > mem_low_end(m) || need > mem_low_end(m) - start)
		BOOT_FAIL("init_size: the kernel needs %#llx bytes from %#llx, guest RAM ends at "
			  "%#llx",
			  (unsigned long long)need, (unsigned long long)start,
			  (unsigned long long)mem_low_end(m));
	*kernel_end = start + need;
	return 0;
}

/* Highest page-aligned place at or below initrd_addr_max, above the kernel. */
static int place_initrd(const struct bzimage_request *r, const struct setup_header *h,
			uint64_t kernel_end, const struct guest_mem *m, struct boot_params *bp,
			char *err, size_t errlen)
{
	uint64_t top = (uint64_t)h->initrd_addr_max + 1;
	uint64_t addr;

	if (!r->initrd)
		return 0;
	if (top > mem_low_end(m))
		top = mem_low_end(m);
	if (r->initrd_len > top || (top - r->initrd_len) < kernel_end)
		BOOT_FAIL("initrd of %zu bytes does not fit between the kernel (ends %#llx) and"
			  " %#llx (initrd_addr_max %#x, RAM)",
			  r->initrd_len, (unsigned long long)kernel_end, (unsigned long long)top,
			  h->initrd_addr_max);
	addr = (top - r->initrd_len) & ~(uint64_t)(INITRD_ALIGN - 1);
	if (addr < kernel_end)
		BOOT_FAIL("initrd of %zu bytes does not fit above the kernel", r->initrd_len);
	mem_write(m, addr, r->initrd, r->initrd_len);
	bp->hdr.ramdisk_image = addr;
	bp->hdr.ramdisk_size = r->initrd_len;
	return 0;
}

/* What the VMM backs; firmware tables live in the reserved BIOS area. */
static void build_e820(const struct guest_mem *m, struct boot_params *bp)
{
	struct e820_entry map[E820_MAX];
	int n = e820_build(m, map);

	for (int i = 0; i < n && i < E820_MAX_ENTRIES_ZEROPAGE; i++)
		bp->e820_table[i] = (struct boot_e820_entry){ map[i].addr, map[i].size,
							      map[i].type };
	bp->e820_entries = n;
}

/* What the real-mode setup code stores after a VBE mode set
 * (arch/x86/boot/video-vesa.c), as vesafb (drivers/video/fbdev/vesafb.c)
 * and fbcon read it: vesapm_seg 0 (no protected-mode interface) means no
 * panning, scrolling by redraw; XRGB8888 as VBE masks, X as "reserved". */
static void describe_fb(const struct bzimage_fb *fb, struct screen_info *si)
{
	si->orig_video_isVGA = VIDEO_TYPE_VLFB;
	si->lfb_base = (uint32_t)fb->base;
	si->ext_lfb_base = (uint32_t)(fb->base >> 32);
	if (fb->base >> 32)
		si->capabilities |= VIDEO_CAPABILITY_64BIT_BASE;
	si->lfb_size = fb->size / VBE_MEMORY_UNIT;
	si->lfb_width = fb->width;
	si->lfb_height = fb->height;
	si->lfb_depth = 32;
	si->lfb_linelength = fb->stride;
	si->red_size = si->green_size = si->blue_size = si->rsvd_size = 8;
	si->red_pos = 16;
	si->green_pos = 8;
	si->blue_pos = 0;
	si->rsvd_pos = 24;
}

static int write_cmdline(const char *cmdline, const struct setup_header *h,
			 const struct guest_mem *m, struct boot_params *bp, char *err,
			 size_t errlen)
{
	size_t len = strlen(cmdline);

	if (len > h->cmdline_size || len >= BZ_CMDLINE_MAX)
		BOOT_FAIL("command line is %zu bytes, the kernel's cmdline_size is %u", len,
			  h->cmdline_size);
	mem_write(m, BZ_CMDLINE, cmdline, len + 1);
	bp->hdr.cmd_line_ptr = BZ_CMDLINE;
	return 0;
}

/* The zero page gets the header only: the rest of the first sector is not
 * boot_params (Debian's kernels fill it with 0xff). */
static void zero_page_header(const uint8_t *img, const struct setup_header *h,
			     struct boot_params *bp)
{
	size_t hdr_len = header_end(img) - SETUP_HEADER_OFFSET;

	memset(bp, 0, sizeof(*bp));
	memcpy(&bp->hdr, img + SETUP_HEADER_OFFSET,
	       hdr_len < sizeof(bp->hdr) ? hdr_len : sizeof(bp->hdr));
	/* Fields boot.rst marks "write": the loader's to fill, whatever the
	 * file holds there (setup_data would be followed as a list of blobs). */
	bp->hdr.type_of_loader = LOADER_UNDEFINED;
	bp->hdr.ext_loader_ver = bp->hdr.ext_loader_type = 0;
	bp->hdr.loadflags = (h->loadflags & (LOADED_HIGH | KASLR_FLAG)) | CAN_USE_HEAP;
	bp->hdr.heap_end_ptr = HEAP_END;
	bp->hdr.vid_mode = 0xffff; /* "normal" */
	bp->hdr.ramdisk_image = bp->hdr.ramdisk_size = 0;
	bp->hdr.setup_data = 0;       /* none */
	bp->hdr.hardware_subarch = 0; /* a PC */
	bp->hdr.hardware_subarch_data = 0;
}

int bzimage_load(const uint8_t *img, size_t len, const struct bzimage_request *req,
		 const struct guest_mem *m, struct boot_plan *plan, char *err, size_t errlen)
{
	struct boot_params bp;
	struct setup_header h;
	size_t setup_len, payload;
	uint64_t kernel_end;

	if (len < SETUP_HEADER_OFFSET + sizeof(h))
		BOOT_FAIL("setup header truncated (file is %zu bytes)", len);
	memcpy(&h, img + SETUP_HEADER_OFFSET, sizeof(h));
	if (check_header(img, len, &h, err, errlen) < 0)
		return -1;
	setup_len = setup_length(&h);
	payload = len - setup_len;
	if (check_fit(&h, payload, m, &kernel_end, err, errlen) < 0)
		return -1;

	zero_page_header(img, &h, &bp);
	if (write_cmdline(req->cmdline, &h, m, &bp, err, errlen) < 0 ||
	    place_initrd(req, &h, kernel_end, m, &bp, err, errlen) < 0)
		return -1;
	build_e820(m, &bp);
	if (req->fb)
		describe_fb(req->fb, &bp.screen_info);
	mem_write(m, KERNEL_LOAD, img + setup_len, payload);
	mem_write(m, BZ_ZERO_PAGE, &bp, sizeof(bp));

	memset(plan, 0, sizeof(*plan));
	plan->rsi = BZ_ZERO_PAGE;
	if (!req->boot32 && (h.xloadflags & XLF_KERNEL_64)) {
		plan->mode = CPU_MODE_LONG;
		plan->entry = KERNEL_LOAD + ENTRY_64_OFFSET;
	} else {
		plan->mode = CPU_MODE_PROTECTED;
		plan->entry = KERNEL_LOAD;
	}
	plan->stack = BZ_ZERO_PAGE; /* unused by Linux; a sane value anyway */
	return 0;
}
