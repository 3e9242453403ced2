/* The framebuffer's MMIO handlers: the register block and the aperture,
 * any width at any offset, past the end of both; with RAM backing,
 * fb_sync_pages with a dirty bitmap from the input. Input: 5 bytes of
 * geometry and options, then a stream of accesses (see below). */
#include <stdlib.h>

#include "devices/fb.h"
#include "fuzz/fuzz.h"
#include "lib/machine.h"

#define OPT_RAM 0x01
#define OPT_LARGE 0x02 /* any geometry up to 4096x4096, not just 512x512 */
#define OP_LEN 0x07    /* 1-8 bytes */
#define OP_WRITE 0x08
#define OP_VCPU 0x10 /* an exit rather than a ring replay */
#define OP_SYNC 0x20 /* RAM backing: copy pages named by a 64-bit bitmap word */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	uint8_t opt = input_u8(&in);
	uint32_t limit = opt & OPT_LARGE ? FB_MAX_WIDTH : 512;
	uint32_t w = input_u16(&in) % limit + 1, h = input_u16(&in) % limit + 1;
	struct fb fb;
	struct bus mmio;

	bus_init(&mmio, "mmio");
	if (fb_init(&fb, &mmio, w, h, opt & OPT_RAM) < 0)
		abort();
	while (in.pos < in.size) {
		uint8_t op = input_u8(&in), buf[8];
		uint64_t span = FB_REGS_SIZE + fb.aperture + 0x2000;
		uint64_t addr = FB_REGS_ADDR + input_u32(&in) % span;
		struct io_access a = { .data = buf,
				       .len = (op & OP_LEN) + 1,
				       .write = op & OP_WRITE,
				       .from_ring = !(op & OP_VCPU) };

		if (op & OP_SYNC) {
			uint64_t bitmap[1024] = { input_u64(&in) }; /* 4096 pages at most */

			fb_sync_pages(&fb, bitmap);
			continue;
		}
		for (uint32_t i = 0; i < a.len; i++)
			buf[i] = input_u8(&in);
		bus_dispatch(&mmio, addr, &a);
	}
	fb_destroy(&fb);
	return 0;
}
