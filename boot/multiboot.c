#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "boot/cpu.h"
#include "boot/e820.h"
#include "boot/multiboot.h"
#include "lib/machine.h"

/* Multiboot Specification 0.6.96, section 3. */
#define MB_REQUIRED_UNKNOWN 0xfff8 /* bits 3-15: must be understood */
#define LOADER_NAME "vmm"

struct mb_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr, drives_length, drives_addr, config_table;
	uint32_t boot_loader_name, apm_table;
	uint32_t vbe_control_info, vbe_mode_info;
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
} __attribute__((packed));

struct mb_module {
	uint32_t mod_start, mod_end, string, reserved;
};

struct mb_mmap {
	uint32_t size; /* of the rest of the entry: 20 */
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

long multiboot_find(const uint8_t *img, size_t len)
{
	/* The whole 12-byte header must lie within the first 8 KiB (spec 3.1.1). */
	for (size_t off = 0; off + 12 <= len && off + 12 <= MULTIBOOT_SEARCH; off += 4) {
		uint32_t w[3];

		memcpy(w, img + off, sizeof(w));
		if (w[0] == MB_MAGIC && (uint32_t)(w[0] + w[1] + w[2]) == 0)
			return (long)off;
	}
	return -1;
}

/* What vmm writes after the loader: boot/cpu.c's GDT and page tables, and
 * the ACPI and MP tables in the BIOS area (boot/load.c). Nothing a loader
 * places may lie there. */
static const struct {
	uint64_t start, end;
	const char *what;
} reserved[] = {
	{ BOOT_AREA_START, BOOT_AREA_END, "the GDT the VMM writes" },
	{ EBDA_START, BIOS_END, "the BIOS area, where the VMM writes the ACPI and MP tables," },
};

static bool overlaps(uint64_t addr, uint64_t len, int i)
{
	return addr < reserved[i].end && addr + len > reserved[i].start;
}

/* Copy a segment to its physical address; the rest of memsz is zeroed. */
static int place(const struct guest_mem *m, uint64_t addr, const uint8_t *src, uint64_t filesz,
		 uint64_t memsz, uint64_t *end, char *err, size_t errlen)
{
	uint8_t *dst = mem_ptr(m, addr, memsz);

	if (!dst || addr + memsz > UINT32_MAX)
		BOOT_FAIL("segment at %#llx-%#llx is outside guest RAM", (unsigned long long)addr,
			  (unsigned long long)(addr + memsz));
	for (int i = 0; i < (int)(sizeof(reserved) / sizeof(reserved[0])); i++)
		if (overlaps(addr, memsz, i))
			BOOT_FAIL("segment at %#llx-%#llx overlaps %s at %#llx-%#llx",
				  (unsigned long long)addr, (unsigned long long)(addr + memsz - 1),
				  reserved[i].what, (unsigned long long)reserved[i].start,
				  (unsigned long long)reserved[i].end - 1);
	memcpy(dst, src, filesz);
	memset(dst + filesz, 0, memsz - filesz);
	if (addr + memsz > *end)
		*end = addr + memsz;
	return 0;
}

static int load_aout(const uint8_t *img, size_t len, long hoff, const struct mb_header *h,
		     const struct guest_mem *m, uint64_t *entry, uint64_t *end, char *err,
		     size_t errlen)
{
	uint64_t off, size, memsz;

	if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > (uint64_t)hoff)
		BOOT_FAIL("a.out kludge: header_addr %#x is before load_addr %#x or the file start",
			  h->header_addr, h->load_addr);
	off = hoff - (h->header_addr - h->load_addr);
	size = h->load_end_addr ? (uint64_t)h->load_end_addr - h->load_addr : len - off;
	if (h->load_end_addr && h->load_end_addr < h->load_addr)
		BOOT_FAIL("a.out kludge: load_end_addr %#x is below load_addr %#x",
			  h->load_end_addr, h->load_addr);
	if (size > len - off)
		BOOT_FAIL("a.out kludge: load_end_addr %#x is past the end of the file",
			  h->load_end_addr);
	if (size == 0)
		BOOT_FAIL("a.out kludge: nothing to load: the load range %#x-%#x is empty",
			  h->load_addr, h->load_addr);
	memsz = h->bss_end_addr ? (uint64_t)h->bss_end_addr - h->load_addr : size;
	if (h->bss_end_addr && memsz < size)
		BOOT_FAIL("a.out kludge: bss_end_addr %#x is below load_end_addr", h->bss_end_addr);
	*entry = h->entry_addr;
	return place(m, h->load_addr, img + off, size, memsz, end, err, errlen);
}

static int load_elf(const uint8_t *img, size_t len, const struct guest_mem *m, uint64_t *entry,
		    uint64_t *end, char *err, size_t errlen)
{
	Elf32_Ehdr eh;

	if (len >= EI_NIDENT && !memcmp(img, ELFMAG, SELFMAG) && img[EI_CLASS] == ELFCLASS64)
		BOOT_FAIL("ELF64 kernels cannot be loaded by multiboot (QEMU refuses them too): "
			  "give a"
			  " 32-bit one, or use the a.out kludge");
	if (len < sizeof(eh) || memcmp(img, ELFMAG, SELFMAG) || img[EI_CLASS] != ELFCLASS32)
		BOOT_FAIL("not an ELF32 file, and the multiboot header has no a.out kludge (flag "
			  "16)");
	memcpy(&eh, img, sizeof(eh));
	if (eh.e_machine != EM_386 || eh.e_type != ET_EXEC || eh.e_phentsize != sizeof(Elf32_Phdr))
		BOOT_FAIL("ELF32 file is not an i386 executable");
	if (eh.e_phoff > len || (uint64_t)eh.e_phnum * sizeof(Elf32_Phdr) > len - eh.e_phoff)
		BOOT_FAIL("ELF program headers past the end of the file");
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf32_Phdr ph;

		memcpy(&ph, img + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > len ||
		    ph.p_filesz > len - ph.p_offset)
			BOOT_FAIL(
				"ELF segment %d: file size %#x past the end of the file or memory "
				"size",
				i, ph.p_filesz);
		if (place(m, ph.p_paddr, img + ph.p_offset, ph.p_filesz, ph.p_memsz, end, err,
			  errlen) < 0)
			return -1;
	}
	*entry = eh.e_entry;
	return 0;
}

/* Everything the loader adds goes above the kernel, one after the other,
 * so nothing can overlap the kernel or each other. */
struct area {
	const struct guest_mem *m;
	uint64_t next;
};

static uint32_t put(struct area *a, const void *data, size_t len, uint64_t align)
{
	uint64_t at = align_up(a->next, align);

	/* Above a kernel low in memory, hop over what vmm writes later. */
	for (int i = 0; i < (int)(sizeof(reserved) / sizeof(reserved[0])); i++)
		if (overlaps(at, len, i))
			at = align_up(reserved[i].end, align);

	if (at + len > mem_low_end(a->m) || at + len > UINT32_MAX ||
	    mem_write(a->m, at, data, len) < 0)
		return 0;
	a->next = at + len;
	return (uint32_t)at;
}

static uint32_t put_str(struct area *a, const char *s)
{
	return put(a, s, strlen(s) + 1, 1);
}

static int put_modules(struct area *a, const struct multiboot_request *r, struct mb_info *mbi,
		       char *err, size_t errlen)
{
	struct mb_module mods[MULTIBOOT_MAX_MODULES];

	if (r->nr_modules > MULTIBOOT_MAX_MODULES)
		BOOT_FAIL("%d modules given, vmm loads at most %d", r->nr_modules,
			  MULTIBOOT_MAX_MODULES);
	for (int i = 0; i < r->nr_modules; i++) {
		const struct multiboot_module *mod = &r->modules[i];

		mods[i].string = put_str(a, mod->cmdline);
		mods[i].mod_start = put(a, mod->data, mod->len, PAGE_SIZE);
		mods[i].mod_end = mods[i].mod_start + mod->len;
		mods[i].reserved = 0;
		if (!mods[i].string || !mods[i].mod_start)
			BOOT_FAIL("module '%s' (%zu bytes) does not fit in guest RAM below %#llx",
				  mod->cmdline, mod->len, (unsigned long long)mem_low_end(a->m));
	}
	mbi->mods_count = r->nr_modules;
	mbi->mods_addr = put(a, mods, r->nr_modules * sizeof(mods[0]), 16);
	if (r->nr_modules && !mbi->mods_addr)
		BOOT_FAIL("module list does not fit in guest RAM");
	return 0;
}

static uint32_t put_mmap(struct area *a, struct mb_info *mbi)
{
	struct e820_entry map[E820_MAX];
	struct mb_mmap mm[E820_MAX];
	int n = e820_build(a->m, map);

	for (int i = 0; i < n; i++)
		mm[i] = (struct mb_mmap){ sizeof(mm[i]) - 4, map[i].addr, map[i].size,
					  map[i].type };
	mbi->mmap_length = n * sizeof(mm[0]);
	mbi->mem_lower = EBDA_START >> 10;
	mbi->mem_upper = (mem_low_end(a->m) - BIOS_END) >> 10;
	return mbi->mmap_addr = put(a, mm, mbi->mmap_length, 8);
}

static int write_info(const struct multiboot_request *r, uint64_t kernel_end,
		      const struct guest_mem *m, uint32_t *info, char *err, size_t errlen)
{
	struct area a = { m, align_up(kernel_end, PAGE_SIZE) };
	struct mb_info mbi = { .flags = MBI_MEMORY | MBI_CMDLINE | MBI_MODS | MBI_MMAP |
					MBI_LOADER_NAME };
	char cmdline[4096];

	/* As QEMU: the kernel's file name, then the --append string. */
	if ((size_t)snprintf(cmdline, sizeof(cmdline), "%s%s%s", r->name, r->cmdline ? " " : "",
			     r->cmdline ? r->cmdline : "") >= sizeof(cmdline))
		BOOT_FAIL("command line longer than %zu bytes", sizeof(cmdline) - 1);
	mbi.cmdline = put_str(&a, cmdline);
	mbi.boot_loader_name = put_str(&a, LOADER_NAME);
	if (!mbi.cmdline || !mbi.boot_loader_name || !put_mmap(&a, &mbi))
		BOOT_FAIL("no room above the kernel (ends %#llx) for the multiboot information",
			  (unsigned long long)kernel_end);
	if (put_modules(&a, r, &mbi, err, errlen) < 0)
		return -1;
	*info = put(&a, &mbi, sizeof(mbi), 8);
	if (!*info)
		BOOT_FAIL("no room for the multiboot information structure");
	return 0;
}

int multiboot_load(const uint8_t *img, size_t len, const struct multiboot_request *req,
		   const struct guest_mem *m, struct boot_plan *plan, char *err, size_t errlen,
		   char *warn, size_t warnlen)
{
	long hoff = multiboot_find(img, len);
	struct mb_header h = { 0 };
	uint64_t entry = 0, end = 0;
	uint32_t info;

	warn[0] = '\0';
	if (hoff < 0)
		BOOT_FAIL("no multiboot header in the first %d bytes", MULTIBOOT_SEARCH);
	memcpy(&h, img + hoff, len - hoff < sizeof(h) ? len - hoff : sizeof(h));
	if (h.flags & MB_REQUIRED_UNKNOWN)
		BOOT_FAIL("multiboot header requires features vmm does not know (flags %#x)",
			  h.flags & MB_REQUIRED_UNKNOWN);
	if (h.flags & MB_VIDEO_MODE)
		snprintf(warn, warnlen,
			 "the kernel asks for a video mode (multiboot flag 2);"
			 " vmm gives none and runs it anyway, as QEMU does");
	if ((h.flags & MB_AOUT_KLUDGE) && (size_t)hoff + sizeof(h) > len)
		BOOT_FAIL("a.out kludge: multiboot header truncated");
	if (((h.flags & MB_AOUT_KLUDGE)
		     ? load_aout(img, len, hoff, &h, m, &entry, &end, err, errlen)
		     : load_elf(img, len, m, &entry, &end, err, errlen)) < 0)
		return -1;
	if (!end)
		BOOT_FAIL("the kernel has nothing to load");
	if (!mem_ptr(m, entry, 1))
		BOOT_FAIL("entry point %#llx is outside guest RAM", (unsigned long long)entry);
	if (write_info(req, end, m, &info, err, errlen) < 0)
		return -1;
	memset(plan, 0, sizeof(*plan));
	plan->mode = CPU_MODE_PROTECTED;
	plan->entry = entry;
	plan->stack = BOOT_AREA_END; /* the spec leaves ESP undefined: somewhere sane */
	plan->rax = MB_BOOT_MAGIC;
	plan->rbx = info;
	return 0;
}
