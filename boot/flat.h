#ifndef FLAT_H
#define FLAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/plan.h"
#include "lib/machine.h"
#include "vm/mem.h"

#define REAL_MODE_LIMIT 0x100000 /* what a real-mode CS:IP can reach */

/* What the user asked for; unset fields get the documented defaults. */
struct flat_request {
	enum cpu_mode mode;
	bool load_set, entry_set;
	uint64_t load, entry;
};

/* Copy a flat image into guest RAM and plan its start. Pure: touches only
 * guest memory and the plan; on bad input returns -1 with err filled. */
int flat_load(const uint8_t *img, size_t len, const struct flat_request *req,
	      const struct guest_mem *m, struct boot_plan *plan, char *err, size_t errlen);

#endif
