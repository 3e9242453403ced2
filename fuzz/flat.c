/* The flat loader, then the CPU state it plans (boot/cpu.c writes the GDT
 * and page tables). Input: 1 byte of options, the load address and entry
 * point (8 bytes each, used when the options say so), then the image. */
#include <stdlib.h>

#include "boot/cpu.h"
#include "boot/flat.h"
#include "fuzz/fuzz.h"

#define OPT_MODE 0x03  /* real, protected, long (and 0: long) */
#define OPT_LOAD 0x04  /* --load from the input */
#define OPT_ENTRY 0x08 /* --entry from the input */
#define OPT_NEAR 0x10  /* addresses taken modulo 2 MiB: near RAM */
#define HEADER_LEN 18

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	uint8_t opt = input_u8(&in), mem_choice = input_u8(&in);
	uint64_t load = input_u64(&in), entry = input_u64(&in);
	static const enum cpu_mode modes[] = { CPU_MODE_LONG, CPU_MODE_REAL, CPU_MODE_PROTECTED,
					       CPU_MODE_LONG };
	struct flat_request req = { modes[opt & OPT_MODE], opt & OPT_LOAD, opt & OPT_ENTRY, load,
				    entry };
	struct guest_mem m;
	struct boot_plan plan;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	char err[BOOT_ERR_LEN];

	if (size <= HEADER_LEN)
		return 0; /* vmm refuses empty images before any loader runs */
	if (opt & OPT_NEAR) {
		req.load %= 2 << 20;
		req.entry %= 2 << 20;
	}
	fuzz_mem_alloc(&m, mem_choice);
	err[0] = '\0';
	if (flat_load(data + HEADER_LEN, size - HEADER_LEN, &req, &m, &plan, err, sizeof(err)) < 0)
		fuzz_assert_message(err);
	else if (!mem_ptr(&m, plan.entry, 1))
		abort(); /* a plan must start inside RAM */
	else if (cpu_setup(&plan, &m, &regs, &sregs, err, sizeof(err)) < 0)
		fuzz_assert_message(err);
	fuzz_mem_free(&m);
	return 0;
}
