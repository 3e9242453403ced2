/*
 * cpumodel.c - the CPU model a kernel sees through CPUID: vendor,
 * signature, brand string, the highest leaves, and which of a list of
 * features it has (QEMU's names). The command line (-append) names the
 * features to check: "+x2apic" must be there, "-pcid" must not.
 */
#include "guests/mblib.h"

struct feature {
	const char *name;
	uint32_t leaf;
	uint8_t reg; /* 0 EAX, 1 EBX, 2 ECX, 3 EDX */
	uint8_t bit;
};

static const struct feature features[] = {
	{ "fpu", 1, 3, 0 },
	{ "vme", 1, 3, 1 },
	{ "pse", 1, 3, 3 },
	{ "tsc", 1, 3, 4 },
	{ "msr", 1, 3, 5 },
	{ "pae", 1, 3, 6 },
	{ "cx8", 1, 3, 8 },
	{ "apic", 1, 3, 9 },
	{ "sep", 1, 3, 11 },
	{ "mtrr", 1, 3, 12 },
	{ "pge", 1, 3, 13 },
	{ "cmov", 1, 3, 15 },
	{ "pat", 1, 3, 16 },
	{ "pse36", 1, 3, 17 },
	{ "clflush", 1, 3, 19 },
	{ "mmx", 1, 3, 23 },
	{ "fxsr", 1, 3, 24 },
	{ "sse", 1, 3, 25 },
	{ "sse2", 1, 3, 26 },
	{ "pni", 1, 2, 0 },
	{ "vmx", 1, 2, 5 },
	{ "ssse3", 1, 2, 9 },
	{ "cx16", 1, 2, 13 },
	{ "pcid", 1, 2, 17 },
	{ "sse4.1", 1, 2, 19 },
	{ "x2apic", 1, 2, 21 },
	{ "popcnt", 1, 2, 23 },
	{ "tsc-deadline", 1, 2, 24 },
	{ "xsave", 1, 2, 26 },
	{ "avx", 1, 2, 28 },
	{ "hypervisor", 1, 2, 31 },
	{ "fsgsbase", 7, 1, 0 },
	{ "smep", 7, 1, 7 },
	{ "invpcid", 7, 1, 10 },
	{ "smap", 7, 1, 20 },
	{ "umip", 7, 2, 2 },
	{ "pku", 7, 2, 3 },
	{ "la57", 7, 2, 16 },
	{ "syscall", 0x80000001, 3, 11 },
	{ "nx", 0x80000001, 3, 20 },
	{ "rdtscp", 0x80000001, 3, 27 },
	{ "lm", 0x80000001, 3, 29 },
	{ "lahf-lm", 0x80000001, 2, 0 },
	{ "svm", 0x80000001, 2, 2 },
};
#define NR_FEATURES (sizeof(features) / sizeof(features[0]))

static uint32_t max_leaf, max_ext;

static bool has(const struct feature *f)
{
	uint32_t r[4];

	if (f->leaf > (f->leaf >= 0x80000000 ? max_ext : max_leaf))
		return false;
	cpuid(f->leaf, 0, r);
	return r[f->reg] >> f->bit & 1;
}

static const struct feature *find(const char *name, int len)
{
	for (unsigned i = 0; i < NR_FEATURES; i++) {
		const char *n = features[i].name;
		int j = 0;

		while (j < len && n[j] == name[j])
			j++;
		if (j == len && !n[j])
			return &features[i];
	}
	return 0;
}

static void identity(void)
{
	uint32_t r[4], brand[13] = { 0 };
	char vendor[13];

	cpuid(0, 0, r);
	max_leaf = r[0];
	*(uint32_t *)vendor = r[1];
	*(uint32_t *)(vendor + 4) = r[3];
	*(uint32_t *)(vendor + 8) = r[2];
	vendor[12] = 0;
	cpuid(0x80000000, 0, r);
	max_ext = r[0];
	for (uint32_t i = 0; i < 3 && max_ext >= 0x80000004; i++)
		cpuid(0x80000002 + i, 0, brand + 4 * i);
	cpuid(1, 0, r);
	printf("vendor %s\n", vendor);
	printf("signature %08x: family %u model %u stepping %u\n", r[0],
	       (r[0] >> 8 & 0xf) + ((r[0] >> 8 & 0xf) == 0xf ? (r[0] >> 20 & 0xff) : 0),
	       (r[0] >> 4 & 0xf) | (r[0] >> 12 & 0xf0), r[0] & 0xf);
	printf("brand '%s'\n", (const char *)brand);
	printf("max leaf %x, max extended leaf %x\n", max_leaf, max_ext);
}

int main(void)
{
	const char *args = mb_args();

	identity();
	puts("features:");
	for (unsigned i = 0; i < NR_FEATURES; i++)
		if (has(&features[i]))
			printf(" %s", features[i].name);
	putc('\n');
	/* "+name" / "-name": the model must (not) have it. */
	while (*args) {
		int len = 0;
		const struct feature *f;

		while (*args == ' ')
			args++;
		while (args[len] && args[len] != ' ')
			len++;
		if (len > 1 && (*args == '+' || *args == '-')) {
			f = find(args + 1, len - 1);
			if (!f)
				report(false, "unknown feature '%s'", args);
			else
				report(has(f) == (*args == '+'), "%s %s", f->name,
				       *args == '+' ? "present" : "absent");
		}
		args += len;
	}
	return report_summary();
}
