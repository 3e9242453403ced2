/* CPU models and feature names, as QEMU 7.2's -cpu knows them
 * (target/i386/cpu.c): the models test configurations name, the names
 * of the feature bits (Intel SDM vol. 2A, CPUID; AMD APM vol. 3, E.4), the
 * parser for MODEL[,+feat,-feat,feat=on|off,prop=value] and -cpu help. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "vm/cpu_models.h"

#define BIT(n) CPU_BIT(n)

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

/* The P6 set every x86 model since the Pentium Pro has (QEMU's PPRO_FEATURES):
 * fpu de pse tsc msr pae mce cx8 apic sep pge cmov pat fxsr mmx sse sse2. */
#define PPRO_FEATURES 0x0781abfdu
#define F1EDX_64 (BIT(12) | BIT(19) | BIT(14) | BIT(17)) /* mtrr clflush mca pse36 */
#define LM_SYSCALL_NX (BIT(29) | BIT(11) | BIT(20))

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

/* A boolean as QEMU's qapi_bool_parse reads one: 1, 0, or -1. */
static int parse_bool(const char *v)
{
	static const char *const words[] = { "off", "no", "false", "n", "on", "yes", "true", "y" };

	for (int i = 0; i < 8; i++)
		if (!strcmp(v, words[i]))
			return i >= 4;
	return -1;
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
	/* host and max are every feature KVM supports (QEMU's migratable=no),
	 * with the host's physical address width (host-phys-bits=on). */
	if (m->def->host &&
	    ((klen == 10 && !memcmp(item, "migratable", 10) && parse_bool(v) == 0) ||
	     (klen == 14 && !memcmp(item, "host-phys-bits", 14) && parse_bool(v) == 1)))
		return 0;
	if (f && parse_bool(v) >= 0)
		set_feature(m, f, parse_bool(v));
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

/* One item of the list. +feat and -feat go to signs (QEMU keeps them apart
 * from feat=on|off, and applies them last). */
static int parse_item(struct cpu_model *m, struct cpu_model *signs, const char *item, size_t len,
		      char *err, size_t errlen)
{
	bool sign = len && (*item == '+' || *item == '-');
	const struct feature *f;

	if (memchr(item, '=', len))
		return parse_property(m, item, len, err, errlen);
	if (len == 14 && !memcmp(item, "host-phys-bits", 14)) /* a bare property is =on */
		return parse_property(m, "host-phys-bits=on", 17, err, errlen);
	if ((len == 7 && !memcmp(item, "enforce", 7)) || (len == 5 && !memcmp(item, "check", 5))) {
		m->enforce = len == 7;
		return 0;
	}
	f = find_feature(item + sign, len - sign);
	if (!f)
		return snprintf(err, errlen, "unknown CPU feature '%.*s' (-cpu help lists them)",
				(int)(len - sign), item + sign),
		       -1;
	if (!sign)
		set_feature(m, f, true); /* a bare name is feat=on */
	else
		(*item == '+' ? signs->plus : signs->minus)[f->word] |= BIT(f->bit);
	return 0;
}

/* QEMU 7.2 (x86_cpu_expand_features) sets feat=on|off in the order given,
 * then every +feat, then every -feat: -feat wins whatever the order, so
 * "-pcid,+pcid" has no pcid. */
int cpu_model_parse(const char *spec, struct cpu_model *m, char *err, size_t errlen)
{
	size_t n = strcspn(spec, ",");
	struct cpu_model signs = { 0 };

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
		if (parse_item(m, &signs, p, len, err, errlen) < 0)
			return -1;
		p += len;
	}
	for (int w = 0; w < NR_CPUID_WORDS; w++) {
		m->plus[w] = (m->plus[w] | signs.plus[w]) & ~signs.minus[w];
		m->minus[w] = (m->minus[w] & ~signs.plus[w]) | signs.minus[w];
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

const char *cpu_feature_name(int word, int bit)
{
	for (size_t i = 0; i < NR_FEATURES; i++)
		if (features[i].word == word && features[i].bit == bit)
			return features[i].name;
	return "";
}
