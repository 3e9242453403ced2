/* The CPUID a guest sees, built from what KVM supports
 * (KVM_GET_SUPPORTED_CPUID) masked to a model (vm/cpu_models.c), as QEMU's
 * -cpu does on KVM, with the defaults QEMU adds under KVM (QEMU 7.2's
 * target/i386/cpu.c and kvm/kvm.c). */
#include <string.h>

#include "vm/cpu_models.h"
#include "vm/cpuid.h"

#define BIT(n) CPU_BIT(n)

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

/* 0x80000001 EDX bits that mirror leaf 1 EDX on AMD (QEMU's CPUID_EXT2_AMD_ALIASES). */
#define AMD_ALIASES 0x0183f3ffu
#define CPUID_HYPERVISOR BIT(31)
#define CPUID_TSC_DEADLINE BIT(24)
#define CPUID_XSAVE BIT(26)
/* What QEMU turns on for every model under KVM (kvm_default_props): x2apic
 * and the paravirtual clock, EOI, async page faults and steal time. */
#define KVM_DEFAULT_1_ECX BIT(21)
#define KVM_DEFAULT_PV (BIT(0) | BIT(1) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(24))

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

/* A missing feature, in QEMU's words. */
static void describe(char *out, size_t len, int w, int bit)
{
	static const char *const reg_names[] = { "EAX", "EBX", "ECX", "EDX" };
	size_t used = strlen(out);

	snprintf(out + used, len - used,
		 "host doesn't support requested feature: CPUID.%02XH:%s.%s [bit %d]\n",
		 words[w].function, reg_names[words[w].reg], cpu_feature_name(w, bit), bit);
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
