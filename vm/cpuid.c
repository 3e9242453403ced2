/* CPU models: the CPUID a guest sees, built from what KVM supports
 * (KVM_GET_SUPPORTED_CPUID) masked to a model, as QEMU's -cpu does on KVM.
 * Models, feature names and the defaults QEMU adds under KVM follow QEMU
 * 7.2's target/i386/cpu.c and kvm/kvm.c; the bits are the Intel SDM's
 * (vol. 2A, CPUID) and AMD's APM vol. 3 (E.4). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "vm/cpuid.h"

struct feature {
	const char *name;
	uint8_t word, bit;
};

/* The names QEMU accepts (and -cpu help lists), with their aliases. */
/* clang-format off */
static const struct feature features[] = {
	{ "fpu", W_1_EDX, 0 }, { "vme", W_1_EDX, 1 }, { "de", W_1_EDX, 2 }, { "pse", W_1_EDX, 3 },
	{ "tsc", W_1_EDX, 4 }, { "msr", W_1_EDX, 5 }, { "pae", W_1_EDX, 6 }, { "mce", W_1_EDX, 7 },
	{ "cx8", W_1_EDX, 8 }, { "apic", W_1_EDX, 9 }, { "sep", W_1_EDX, 11 }, { "mtrr", W_1_EDX, 12 },
	{ "pge", W_1_EDX, 13 }, { "mca", W_1_EDX, 14 }, { "cmov", W_1_EDX, 15 }, { "pat", W_1_EDX, 16 },
	{ "pse36", W_1_EDX, 17 }, { "pn", W_1_EDX, 18 }, { "clflush", W_1_EDX, 19 },
	{ "ds", W_1_EDX, 21 }, { "acpi", W_1_EDX, 22 }, { "mmx", W_1_EDX, 23 }, { "fxsr", W_1_EDX, 24 },
	{ "sse", W_1_EDX, 25 }, { "sse2", W_1_EDX, 26 }, { "ss", W_1_EDX, 27 }, { "ht", W_1_EDX, 28 },
	{ "tm", W_1_EDX, 29 }, { "ia64", W_1_EDX, 30 }, { "pbe", W_1_EDX, 31 },
	{ "pni", W_1_ECX, 0 }, { "sse3", W_1_ECX, 0 }, { "pclmulqdq", W_1_ECX, 1 },
	{ "dtes64", W_1_ECX, 2 }, { "monitor", W_1_ECX, 3 }, { "ds-cpl", W_1_ECX, 4 },
	{ "vmx", W_1_ECX, 5 }, { "smx", W_1_ECX, 6 }, { "est", W_1_ECX, 7 }, { "tm2", W_1_ECX, 8 },
	{ "ssse3", W_1_ECX, 9 }, { "cid", W_1_ECX, 10 }, { "fma", W_1_ECX, 12 },
	{ "cx16", W_1_ECX, 13 }, { "xtpr", W_1_ECX, 14 }, { "pdcm", W_1_ECX, 15 },
	{ "pcid", W_1_ECX, 17 }, { "dca", W_1_ECX, 18 }, { "sse4.1", W_1_ECX, 19 },
	{ "sse4-1", W_1_ECX, 19 }, { "sse4.2", W_1_ECX, 20 }, { "sse4-2", W_1_ECX, 20 },
	{ "x2apic", W_1_ECX, 21 }, { "movbe", W_1_ECX, 22 }, { "popcnt", W_1_ECX, 23 },
	{ "tsc-deadline", W_1_ECX, 24 }, { "aes", W_1_ECX, 25 }, { "xsave", W_1_ECX, 26 },
	{ "avx", W_1_ECX, 28 }, { "f16c", W_1_ECX, 29 }, { "rdrand", W_1_ECX, 30 },
	{ "hypervisor", W_1_ECX, 31 },
	{ "fsgsbase", W_7_EBX, 0 }, { "tsc-adjust", W_7_EBX, 1 }, { "sgx", W_7_EBX, 2 },
	{ "bmi1", W_7_EBX, 3 }, { "hle", W_7_EBX, 4 }, { "avx2", W_7_EBX, 5 }, { "smep", W_7_EBX, 7 },
	{ "bmi2", W_7_EBX, 8 }, { "erms", W_7_EBX, 9 }, { "invpcid", W_7_EBX, 10 },
	{ "rtm", W_7_EBX, 11 }, { "mpx", W_7_EBX, 14 }, { "avx512f", W_7_EBX, 16 },
	{ "avx512dq", W_7_EBX, 17 }, { "rdseed", W_7_EBX, 18 }, { "adx", W_7_EBX, 19 },
	{ "smap", W_7_EBX, 20 }, { "avx512ifma", W_7_EBX, 21 }, { "clflushopt", W_7_EBX, 23 },
	{ "clwb", W_7_EBX, 24 }, { "intel-pt", W_7_EBX, 25 }, { "avx512pf", W_7_EBX, 26 },
	{ "avx512er", W_7_EBX, 27 }, { "avx512cd", W_7_EBX, 28 }, { "sha-ni", W_7_EBX, 29 },
	{ "avx512bw", W_7_EBX, 30 }, { "avx512vl", W_7_EBX, 31 },
	{ "avx512vbmi", W_7_ECX, 1 }, { "umip", W_7_ECX, 2 }, { "pku", W_7_ECX, 3 },
	{ "waitpkg", W_7_ECX, 5 }, { "avx512vbmi2", W_7_ECX, 6 }, { "gfni", W_7_ECX, 8 },
	{ "vaes", W_7_ECX, 9 }, { "vpclmulqdq", W_7_ECX, 10 }, { "avx512vnni", W_7_ECX, 11 },
	{ "avx512bitalg", W_7_ECX, 12 }, { "avx512-vpopcntdq", W_7_ECX, 14 },
	{ "la57", W_7_ECX, 16 }, { "rdpid", W_7_ECX, 22 }, { "bus-lock-detect", W_7_ECX, 24 },
	{ "cldemote", W_7_ECX, 25 }, { "movdiri", W_7_ECX, 27 }, { "movdir64b", W_7_ECX, 28 },
	{ "pks", W_7_ECX, 31 },
	{ "avx512-4vnniw", W_7_EDX, 2 }, { "avx512-4fmaps", W_7_EDX, 3 }, { "fsrm", W_7_EDX, 4 },
	{ "md-clear", W_7_EDX, 10 }, { "serialize", W_7_EDX, 14 }, { "tsx-ldtrk", W_7_EDX, 16 },
	{ "arch-lbr", W_7_EDX, 19 }, { "avx512-fp16", W_7_EDX, 23 }, { "spec-ctrl", W_7_EDX, 26 },
	{ "stibp", W_7_EDX, 27 }, { "arch-capabilities", W_7_EDX, 29 },
	{ "core-capability", W_7_EDX, 30 }, { "ssbd", W_7_EDX, 31 },
	{ "xsaveopt", W_D1_EAX, 0 }, { "xsavec", W_D1_EAX, 1 }, { "xgetbv1", W_D1_EAX, 2 },
	{ "xsaves", W_D1_EAX, 3 },
	{ "syscall", W_81_EDX, 11 }, { "nx", W_81_EDX, 20 }, { "xd", W_81_EDX, 20 },
	{ "mmxext", W_81_EDX, 22 }, { "fxsr-opt", W_81_EDX, 25 }, { "pdpe1gb", W_81_EDX, 26 },
	{ "rdtscp", W_81_EDX, 27 }, { "lm", W_81_EDX, 29 }, { "i64", W_81_EDX, 29 },
	{ "3dnowext", W_81_EDX, 30 }, { "3dnow", W_81_EDX, 31 },
	{ "lahf-lm", W_81_ECX, 0 }, { "cmp-legacy", W_81_ECX, 1 }, { "svm", W_81_ECX, 2 },
	{ "extapic", W_81_ECX, 3 }, { "cr8legacy", W_81_ECX, 4 }, { "abm", W_81_ECX, 5 },
	{ "sse4a", W_81_ECX, 6 }, { "misalignsse", W_81_ECX, 7 }, { "3dnowprefetch", W_81_ECX, 8 },
	{ "osvw", W_81_ECX, 9 }, { "ibs", W_81_ECX, 10 }, { "xop", W_81_ECX, 11 },
	{ "skinit", W_81_ECX, 12 }, { "wdt", W_81_ECX, 13 }, { "lwp", W_81_ECX, 15 },
	{ "fma4", W_81_ECX, 16 }, { "tce", W_81_ECX, 17 }, { "nodeid-msr", W_81_ECX, 19 },
	{ "tbm", W_81_ECX, 21 }, { "topoext", W_81_ECX, 22 }, { "perfctr-core", W_81_ECX, 23 },
	{ "perfctr-nb", W_81_ECX, 24 },
	{ "invtsc", W_87_EDX, 8 },
	{ "clzero", W_88_EBX, 0 }, { "xsaveerptr", W_88_EBX, 2 }, { "wbnoinvd", W_88_EBX, 9 },
	{ "ibpb", W_88_EBX, 12 }, { "ibrs", W_88_EBX, 14 }, { "amd-stibp", W_88_EBX, 15 },
	{ "amd-ssbd", W_88_EBX, 24 }, { "virt-ssbd", W_88_EBX, 25 }, { "amd-no-ssb", W_88_EBX, 26 },
	{ "kvmclock", W_KVM_EAX, 0 }, { "kvm-nopiodelay", W_KVM_EAX, 1 }, { "kvm-mmu", W_KVM_EAX, 2 },
	{ "kvm-asyncpf", W_KVM_EAX, 4 }, { "kvm-steal-time", W_KVM_EAX, 5 },
	{ "kvm-pv-eoi", W_KVM_EAX, 6 }, { "kvm-pv-unhalt", W_KVM_EAX, 7 },
	{ "kvm-pv-tlb-flush", W_KVM_EAX, 9 }, { "kvm-asyncpf-vmexit", W_KVM_EAX, 10 },
	{ "kvm-pv-ipi", W_KVM_EAX, 11 }, { "kvm-poll-control", W_KVM_EAX, 12 },
	{ "kvm-pv-sched-yield", W_KVM_EAX, 13 }, { "kvm-asyncpf-int", W_KVM_EAX, 14 },
	{ "kvm-msi-ext-dest-id", W_KVM_EAX, 15 }, { "kvmclock-stable-bit", W_KVM_EAX, 24 },
};
/* clang-format on */
#define NR_FEATURES (sizeof(features) / sizeof(features[0]))

/* Where each word lives, and how QEMU names it in warnings. */
static const struct {
	uint32_t function, index;
	uint8_t reg; /* 0 EAX, 1 EBX, 2 ECX, 3 EDX */
} words[NR_CPUID_WORDS] = {
	[W_1_EDX] = { 1, 0, 3 },
	[W_1_ECX] = { 1, 0, 2 },
	[W_7_EBX] = { 7, 0, 1 },
	[W_7_ECX] = { 7, 0, 2 },
	[W_7_EDX] = { 7, 0, 3 },
	[W_D1_EAX] = { 0xd, 1, 0 },
	[W_81_EDX] = { 0x80000001, 0, 3 },
	[W_81_ECX] = { 0x80000001, 0, 2 },
	[W_87_EDX] = { 0x80000007, 0, 3 },
	[W_88_EBX] = { 0x80000008, 0, 1 },
	[W_KVM_EAX] = { 0x40000001, 0, 0 },
};

#define BIT(n) (1u << (n))
/* The P6 set every x86 model since the Pentium Pro has (QEMU's PPRO_FEATURES):
 * fpu de pse tsc msr pae mce cx8 apic sep pge cmov pat fxsr mmx sse sse2. */
#define PPRO_FEATURES 0x0781abfdu
#define F1EDX_64 (BIT(12) | BIT(19) | BIT(14) | BIT(17)) /* mtrr clflush mca pse36 */
#define LM_SYSCALL_NX (BIT(29) | BIT(11) | BIT(20))
/* 0x80000001 EDX bits that mirror leaf 1 EDX on AMD (QEMU's CPUID_EXT2_AMD_ALIASES). */
#define AMD_ALIASES 0x0183f3ffu
#define CPUID_HYPERVISOR BIT(31)
#define CPUID_TSC_DEADLINE BIT(24)
#define CPUID_XSAVE BIT(26)
/* What QEMU turns on for every model under KVM (kvm_default_props): x2apic
 * and the paravirtual clock, EOI, async page faults and steal time. */
#define KVM_DEFAULT_1_ECX BIT(21)
#define KVM_DEFAULT_PV (BIT(0) | BIT(1) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(24))

struct cpu_model_def {
	const char *name, *desc;
	bool host; /* everything KVM supports: host and max */
	uint32_t level, xlevel;
	const char *vendor;
	int family, model, stepping;
	uint32_t f[NR_CPUID_WORDS];
	const char *model_id;
};

/* QEMU 7.2's builtin_x86_defs for the models test configurations name. */
static const struct cpu_model_def models[] = {
	{ "host", "processor with all supported host features", true },
	{ "max", "Enables all features supported by the accelerator in the current host", true },
	{ "qemu64",
	  "QEMU Virtual CPU version 2.5+",
	  false,
	  0xd,
	  0x8000000a,
	  "AuthenticAMD",
	  15,
	  107,
	  1,
	  { [W_1_EDX] = PPRO_FEATURES | F1EDX_64,
	    [W_1_ECX] = BIT(0) | BIT(13),
	    [W_81_EDX] = LM_SYSCALL_NX,
	    [W_81_ECX] = BIT(0) },
	  "QEMU Virtual CPU version 2.5+" },
	{ "kvm64",
	  "Common KVM processor",
	  false,
	  0xd,
	  0x80000008,
	  "GenuineIntel",
	  15,
	  6,
	  1,
	  { [W_1_EDX] = PPRO_FEATURES | F1EDX_64 | BIT(1),
	    [W_1_ECX] = BIT(0) | BIT(13),
	    [W_81_EDX] = LM_SYSCALL_NX },
	  "Common KVM processor" },
	{ "qemu32",
	  "QEMU Virtual CPU version 2.5+",
	  false,
	  4,
	  0x80000004,
	  "GenuineIntel",
	  6,
	  6,
	  3,
	  { [W_1_EDX] = PPRO_FEATURES, [W_1_ECX] = BIT(0) },
	  "QEMU Virtual CPU version 2.5+" },
	{ "kvm32",
	  "Common 32-bit KVM processor",
	  false,
	  5,
	  0x80000008,
	  "GenuineIntel",
	  15,
	  6,
	  1,
	  { [W_1_EDX] = PPRO_FEATURES | F1EDX_64 | BIT(1), [W_1_ECX] = BIT(0) },
	  "Common 32-bit KVM processor" },
};
#define NR_MODELS (sizeof(models) / sizeof(models[0]))

static const struct feature *find_feature(const char *name, size_t len)
{
	char norm[32];

	if (len >= sizeof(norm))
		return NULL;
	/* QEMU spells features with '-' and accepts '_' for it. */
	for (size_t i = 0; i < len; i++)
		norm[i] = name[i] == '_' ? '-' : (char)tolower((unsigned char)name[i]);
	norm[len] = '\0';
	for (size_t i = 0; i < NR_FEATURES; i++)
		if (!strcmp(features[i].name, norm))
			return &features[i];
	return NULL;
}

static void set_feature(struct cpu_model *m, const struct feature *f, bool on)
{
	uint32_t bit = BIT(f->bit);

	m->plus[f->word] = on ? m->plus[f->word] | bit : m->plus[f->word] & ~bit;
	m->minus[f->word] = on ? m->minus[f->word] & ~bit : m->minus[f->word] | bit;
}

static int parse_int(const char *s, int max, int *out)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (!*s || *end || v < 0 || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* prop=value: the identity QEMU lets a -cpu change, and feat=on|off. */
static int parse_property(struct cpu_model *m, const char *item, size_t len, char *err,
			  size_t errlen)
{
	const char *eq = memchr(item, '=', len), *val = eq + 1;
	size_t klen = eq - item, vlen = len - klen - 1;
	const struct feature *f = find_feature(item, klen);
	char v[64];
	int bad = 0;

	if (vlen >= sizeof(v))
		return snprintf(err, errlen, "CPU property value too long in '%.*s'", (int)len,
				item),
		       -1;
	memcpy(v, val, vlen);
	v[vlen] = '\0';
	if (f && (!strcmp(v, "on") || !strcmp(v, "off")))
		set_feature(m, f, v[1] == 'n');
	else if (klen == 6 && !memcmp(item, "vendor", 6) && vlen == 12)
		memcpy(m->vendor, v, 13);
	else if (klen == 8 && !memcmp(item, "model-id", 8) && vlen < sizeof(m->model_id))
		memcpy(m->model_id, v, vlen + 1);
	else if (klen == 6 && !memcmp(item, "family", 6))
		bad = parse_int(v, 0xff + 0xf, &m->family);
	else if (klen == 5 && !memcmp(item, "model", 5))
		bad = parse_int(v, 0xff, &m->model);
	else if (klen == 8 && !memcmp(item, "stepping", 8))
		bad = parse_int(v, 0xf, &m->stepping);
	else
		return snprintf(err, errlen, "unknown CPU property or bad value '%.*s'", (int)len,
				item),
		       -1;
	if (bad)
		return snprintf(err, errlen, "bad value in CPU property '%.*s'", (int)len, item),
		       -1;
	return 0;
}

static int parse_item(struct cpu_model *m, const char *item, size_t len, char *err, size_t errlen)
{
	bool sign = len && (*item == '+' || *item == '-');
	const struct feature *f;

	if (memchr(item, '=', len))
		return parse_property(m, item, len, err, errlen);
	if ((len == 7 && !memcmp(item, "enforce", 7)) || (len == 5 && !memcmp(item, "check", 5))) {
		m->enforce = len == 7;
		return 0;
	}
	f = find_feature(item + sign, len - sign);
	if (!f)
		return snprintf(err, errlen, "unknown CPU feature '%.*s' (-cpu help lists them)",
				(int)(len - sign), item + sign),
		       -1;
	set_feature(m, f, !sign || *item == '+');
	return 0;
}

int cpu_model_parse(const char *spec, struct cpu_model *m, char *err, size_t errlen)
{
	size_t n = strcspn(spec, ",");

	memset(m, 0, sizeof(*m));
	m->family = m->model = m->stepping = -1;
	for (size_t i = 0; i < NR_MODELS && !m->def; i++)
		if (strlen(models[i].name) == n && !memcmp(spec, models[i].name, n))
			m->def = &models[i];
	if (!m->def)
		return snprintf(err, errlen, "unknown CPU model '%.*s' (-cpu help lists them)",
				(int)n, spec),
		       -1;
	for (const char *p = spec + n; *p == ',';) {
		size_t len = strcspn(++p, ",");

		if (len == 0)
			return snprintf(err, errlen, "empty CPU feature in '%s'", spec), -1;
		if (parse_item(m, p, len, err, errlen) < 0)
			return -1;
		p += len;
	}
	return 0;
}

void cpu_model_help(FILE *f)
{
	int col = 2;

	fputs("Available CPUs:\n", f);
	for (size_t i = 0; i < NR_MODELS; i++)
		fprintf(f, "x86 %-22s %s\n", models[i].name, models[i].desc);
	fputs("\nRecognized CPUID flags:\n ", f);
	for (size_t i = 0; i < NR_FEATURES; i++) {
		int len = (int)strlen(features[i].name) + 1;

		if (col + len > 78) {
			fputs("\n ", f);
			col = 2;
		}
		fprintf(f, " %s", features[i].name);
		col += len;
	}
	fputc('\n', f);
}

static uint32_t *reg(struct kvm_cpuid_entry2 *e, int r)
{
	uint32_t *regs[] = { &e->eax, &e->ebx, &e->ecx, &e->edx };

	return regs[r];
}

static struct kvm_cpuid_entry2 *entry(struct kvm_cpuid2 *c, uint32_t fn, uint32_t index)
{
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn && c->entries[i].index == index)
			return &c->entries[i];
	return NULL;
}

static void put_string(struct kvm_cpuid_entry2 *e, const char *s, const int *order, int nregs)
{
	for (int r = 0; r < nregs && e; r++)
		memcpy(reg(e, order[r]), s + 4 * r, 4);
}

/* Leaf 0's vendor (12 bytes) is EBX, EDX, ECX; the brand string EAX, EBX,
 * ECX, EDX in each of three leaves. */
static void set_vendor(struct kvm_cpuid2 *c, const char *vendor)
{
	static const int order[] = { 1, 3, 2 };

	put_string(entry(c, 0, 0), vendor, order, 3);
	put_string(entry(c, 0x80000000, 0), vendor, order, 3);
}

/* Family, model, stepping as leaf 1 EAX encodes them (extended fields
 * beyond 15). */
static uint32_t signature(int family, int model, int stepping)
{
	uint32_t eax = (stepping & 0xf) | (model & 0xf) << 4 | ((model >> 4) & 0xf) << 16;

	return eax | (family > 0xf ? 0xf << 8 | (family - 0xf) << 20 : family << 8);
}

static void set_brand(struct kvm_cpuid2 *c, const char *id)
{
	static const int order[] = { 0, 1, 2, 3 };
	char s[48] = { 0 };

	memcpy(s, id, strnlen(id, sizeof(s)));
	for (int i = 0; i < 3; i++)
		put_string(entry(c, 0x80000002 + i, 0), s + 16 * i, order, 4);
}

static void describe(char *out, size_t len, int w, int bit)
{
	static const char *const reg_names[] = { "EAX", "EBX", "ECX", "EDX" };
	const char *name = "";
	size_t used = strlen(out);

	for (size_t i = 0; i < NR_FEATURES && !*name; i++)
		if (features[i].word == w && features[i].bit == bit)
			name = features[i].name;
	snprintf(out + used, len - used,
		 "host doesn't support requested feature: CPUID.%02XH:%s.%s [bit %d]\n",
		 words[w].function, reg_names[words[w].reg], name, bit);
}

/* A model's leaves: its levels, identity, and nothing it does not name. */
static void shape_model(struct kvm_cpuid2 *c, const struct cpu_model *m, const uint32_t *final)
{
	const struct cpu_model_def *d = m->def;
	struct kvm_cpuid_entry2 *e0 = entry(c, 0, 0), *x0 = entry(c, 0x80000000, 0);
	uint32_t level = e0 && e0->eax < d->level ? e0->eax : d->level;
	uint32_t xlevel = x0 && x0->eax < d->xlevel ? x0->eax : d->xlevel;
	uint32_t n = 0;

	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];
		uint32_t fn = e->function;
		bool keep = fn <= level || (fn >= 0x40000000 && fn < 0x80000000) ||
			    (fn >= 0x80000000 && fn <= xlevel);

		/* Feature leaves the model does not have: power, PMU, MONITOR, the
		 * rest of leaf 7, XSAVE without xsave, SVM without svm. */
		if (fn == 5 || fn == 6 || fn == 0xa || (fn == 7 && e->index > 0) ||
		    (fn == 0xd && !(final[W_1_ECX] & CPUID_XSAVE)) ||
		    (fn == 0x8000000a && !(final[W_81_ECX] & BIT(2))) || fn == 0x80000007)
			e->eax = e->ebx = e->ecx = e->edx = 0;
		if (fn == 7 && e->index == 0)
			e->eax = 0;
		if (keep)
			c->entries[n++] = *e;
	}
	c->nent = n;
	if ((e0 = entry(c, 0, 0)))
		e0->eax = level;
	if ((x0 = entry(c, 0x80000000, 0)))
		x0->eax = xlevel;
}

/* Vendor, signature and brand: the model's, or the host's, unless -cpu
 * gave them. */
static void set_identity(struct kvm_cpuid2 *c, const struct cpu_model *m)
{
	const struct cpu_model_def *d = m->def;
	struct kvm_cpuid_entry2 *e1 = entry(c, 1, 0);
	uint32_t sig = e1 ? e1->eax : 0;
	int family = (sig >> 8 & 0xf) + ((sig >> 8 & 0xf) == 0xf ? (sig >> 20 & 0xff) : 0);
	int model = (sig >> 4 & 0xf) | (sig >> 12 & 0xf0), stepping = sig & 0xf;

	if (!d->host) {
		family = d->family;
		model = d->model;
		stepping = d->stepping;
	}
	if (e1)
		e1->eax = signature(m->family >= 0 ? m->family : family,
				    m->model >= 0 ? m->model : model,
				    m->stepping >= 0 ? m->stepping : stepping);
	if (m->model_id[0] || !d->host)
		set_brand(c, m->model_id[0] ? m->model_id : d->model_id);
	if (m->vendor[0] || !d->host)
		set_vendor(c, m->vendor[0] ? m->vendor : d->vendor);
}

void cpu_model_apply(const struct cpu_model *m, struct kvm_cpuid2 *c, bool tsc_deadline,
		     char *missing, size_t missing_len)
{
	const struct cpu_model_def *d = m->def;
	uint32_t have[NR_CPUID_WORDS], final[NR_CPUID_WORDS];

	missing[0] = '\0';
	for (int w = 0; w < NR_CPUID_WORDS; w++) {
		struct kvm_cpuid_entry2 *e = entry(c, words[w].function, words[w].index);
		uint32_t want = d->host ? 0 : d->f[w];

		have[w] = e ? *reg(e, words[w].reg) : 0;
		if (w == W_1_ECX) {
			have[w] |= CPUID_HYPERVISOR | (tsc_deadline ? CPUID_TSC_DEADLINE : 0);
			want |= CPUID_HYPERVISOR | (d->host ? 0 : KVM_DEFAULT_1_ECX);
		}
		if (w == W_KVM_EAX && !d->host)
			want |= KVM_DEFAULT_PV;
		want = ((d->host ? have[w] : want) | m->plus[w]) & ~m->minus[w];
		for (int bit = 0; bit < 32; bit++)
			if (want & ~have[w] & BIT(bit))
				describe(missing, missing_len, w, bit);
		final[w] = want & have[w];
	}
	if (!d->host)
		shape_model(c, m, final);
	set_identity(c, m);
	for (int w = 0; w < NR_CPUID_WORDS; w++) {
		struct kvm_cpuid_entry2 *e = entry(c, words[w].function, words[w].index);

		if (e)
			*reg(e, words[w].reg) = final[w];
	}
	/* AMD repeats leaf 1's EDX in 0x80000001 EDX, and QEMU does so for
	 * its AMD models. */
	if (!d->host && !strcmp(m->vendor[0] ? m->vendor : d->vendor, "AuthenticAMD") &&
	    entry(c, 0x80000001, 0))
		entry(c, 0x80000001, 0)->edx |= final[W_1_EDX] & AMD_ALIASES;
}
