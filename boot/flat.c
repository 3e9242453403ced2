#include <stdio.h>
#include <string.h>

#include "boot/cpu.h"
#include "boot/flat.h"

/* "0-0x7ffffff", or with RAM above the hole "0-0xbfffffff, 0x100000000-0x13fffffff". */
static const char *describe_ram(const struct guest_mem *m, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < m->nr && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%#llx-%#llx", i ? ", " : "",
			      (unsigned long long)m->region[i].gpa,
			      (unsigned long long)(m->region[i].gpa + m->region[i].size - 1));
	return buf;
}

static int check_place(const struct flat_request *r, uint64_t load, size_t len, uint64_t entry,
		       const struct guest_mem *m, char *err, size_t errlen)
{
	uint64_t last = load + len - 1;
	char ram[80];

	if (!mem_ptr(m, load, 1))
		BOOT_FAIL("load address %#llx is outside guest RAM (%s)", (unsigned long long)load,
			  describe_ram(m, ram, sizeof(ram)));
	if (!mem_ptr(m, load, len))
		BOOT_FAIL("image of %zu bytes at %#llx does not fit in guest RAM (%s)", len,
			  (unsigned long long)load, describe_ram(m, ram, sizeof(ram)));
	if (!mem_ptr(m, entry, 1))
		BOOT_FAIL("entry point %#llx is outside guest RAM (%s)", (unsigned long long)entry,
			  describe_ram(m, ram, sizeof(ram)));
	if (r->mode == CPU_MODE_REAL && (load + len > REAL_MODE_LIMIT || entry >= REAL_MODE_LIMIT))
		BOOT_FAIL("real mode reaches only the first MiB: image at %#llx-%#llx, entry %#llx",
			  (unsigned long long)load, (unsigned long long)last,
			  (unsigned long long)entry);
	/* Its first instruction would fault, with no IDT: a triple fault. */
	if (load + len > BOOT_MAP_END || entry >= BOOT_MAP_END)
		BOOT_FAIL("%s: image at %#llx-%#llx, entry %#llx",
			  r->mode == CPU_MODE_LONG
				  ? "long mode reaches only the first 4 GiB (vmm's "
				    "page tables map no more)"
				  : "protected mode reaches only the first 4 GiB",
			  (unsigned long long)load, (unsigned long long)last,
			  (unsigned long long)entry);
	if (r->mode != CPU_MODE_REAL && load < BOOT_AREA_END && load + len > BOOT_AREA_START)
		BOOT_FAIL("image at %#llx-%#llx overlaps the GDT and page tables the VMM writes at"
			  " %#x-%#x",
			  (unsigned long long)load, (unsigned long long)last, BOOT_AREA_START,
			  BOOT_AREA_END - 1);
	return 0;
}

int flat_load(const uint8_t *img, size_t len, const struct flat_request *req,
	      const struct guest_mem *m, struct boot_plan *plan, char *err, size_t errlen)
{
	uint64_t def = req->mode == CPU_MODE_REAL ? FLAT_LOAD_REAL : KERNEL_LOAD;
	uint64_t load = req->load_set ? req->load : def;
	uint64_t entry = req->entry_set ? req->entry : load;

	if (req->mode == CPU_MODE_AUTO)
		return snprintf(err, errlen, "flat image needs a CPU mode"), -1;
	if (check_place(req, load, len, entry, m, err, errlen) < 0)
		return -1;
	mem_write(m, load, img, len);
	memset(plan, 0, sizeof(*plan));
	plan->mode = req->mode;
	plan->entry = entry;
	plan->stack = load; /* grows down, below the image */
	return 0;
}
