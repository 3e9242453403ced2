#include <stdio.h>
#include <string.h>

#include "boot/cpu.h"
#include "boot/flat.h"

static int check_place(const struct flat_request *r, uint64_t load, size_t len, uint64_t entry,
		       const struct guest_mem *m, char *err, size_t errlen)
{
	uint64_t ram_end = mem_low_end(m);

	if (!mem_ptr(m, load, 1))
		return snprintf(err, errlen,
				"load address %#llx is outside guest RAM (%#llx bytes)",
				(unsigned long long)load, (unsigned long long)ram_end),
		       -1;
	if (!mem_ptr(m, load, len))
		return snprintf(err, errlen,
				"image of %zu bytes at %#llx does not fit in guest RAM"
				" (%#llx bytes)",
				len, (unsigned long long)load, (unsigned long long)ram_end),
		       -1;
	if (!mem_ptr(m, entry, 1))
		return snprintf(err, errlen, "entry point %#llx is outside guest RAM",
				(unsigned long long)entry),
		       -1;
	if (r->mode == CPU_MODE_REAL) {
		if (load + len > REAL_MODE_LIMIT || entry >= REAL_MODE_LIMIT)
			return snprintf(err, errlen,
					"real mode reaches only the first MiB: image at"
					" %#llx-%#llx, entry %#llx",
					(unsigned long long)load,
					(unsigned long long)(load + len - 1),
					(unsigned long long)entry),
			       -1;
	} else if (load < BOOT_AREA_END && load + len > BOOT_AREA_START) {
		return snprintf(err, errlen,
				"image at %#llx-%#llx overlaps the GDT and page tables"
				" the VMM writes at %#x-%#x",
				(unsigned long long)load, (unsigned long long)(load + len - 1),
				BOOT_AREA_START, BOOT_AREA_END - 1),
		       -1;
	}
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
