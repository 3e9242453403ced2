/* CPU models (vm/cpuid.c) without KVM: cpu_model_apply over a table of
 * supported CPUID as KVM_GET_SUPPORTED_CPUID gives it (a Xeon's, cut
 * down), and cpu_model_parse's refusals. On the development machines the
 * guest does not see every bit vmm sets (their KVM emulates CPUID with the
 * host's leaf 1 and 7 features), so what vmm sets is checked here.
 * Prints one line per failed check and "N passed, N failed"; exits 1 if
 * any failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "vm/cpu_models.h"
#include "vm/cpuid.h"

#define BIT(n) (1u << (n))

/* The supported table: Intel, leaf 0xd max, pcid and x2apic but no pku. */
static const struct kvm_cpuid_entry2 host[] = {
	{ .function = 0, .eax = 0x1c, .ebx = 0x756e6547, .ecx = 0x6c65746e, .edx = 0x49656e69 },
	{ .function = 1,
	  .eax = 0x000c06f2,
	  .ebx = 0x00020800,
	  .ecx = 0x7ffafbff,
	  .edx = 0x0f8bfbff },
	{ .function = 5, .eax = 0x40 },
	{ .function = 6, .eax = 0x4 },
	{ .function = 7, .index = 0, .flags = 1, .ebx = 0x01802fab, .ecx = 0x00010104 },
	{ .function = 7, .index = 1, .flags = 1, .eax = 0x10 },
	{ .function = 0xd, .index = 0, .flags = 1, .eax = 0xe7, .ebx = 0xa80 },
	{ .function = 0xd, .index = 1, .flags = 1, .eax = 0xf },
	{ .function = 0x14, .flags = 1, .eax = 1 },
	{ .function = 0x80000000, .eax = 0x80000021 },
	{ .function = 0x80000001, .ecx = 0x121, .edx = 0x2c100800 },
	{ .function = 0x80000002, .eax = 0x65746e49 },
	{ .function = 0x80000003 },
	{ .function = 0x80000004 },
	{ .function = 0x80000007, .edx = 0x100 },
	{ .function = 0x80000008, .eax = 0x3930, .ebx = 0x1000 },
	{ .function = 0x8000000a, .eax = 1 },
	{ .function = 0x40000000, .eax = 0x40000001 },
	{ .function = 0x40000001, .eax = 0x01007efb },
};
#define NR_HOST (sizeof(host) / sizeof(host[0]))

static struct kvm_cpuid2 *cpuid;
static char missing[1024];

static struct kvm_cpuid_entry2 *get(uint32_t fn, uint32_t index)
{
	for (uint32_t i = 0; i < cpuid->nent; i++)
		if (cpuid->entries[i].function == fn && cpuid->entries[i].index == index)
			return &cpuid->entries[i];
	return NULL;
}

static uint32_t reg(uint32_t fn, uint32_t index, int r)
{
	struct kvm_cpuid_entry2 *e = get(fn, index);
	uint32_t v[4] = { 0 };

	if (e) {
		v[0] = e->eax;
		v[1] = e->ebx;
		v[2] = e->ecx;
		v[3] = e->edx;
	}
	return v[r];
}

/* Apply spec to a fresh copy of the table; false if it does not parse. */
static int apply(const char *spec)
{
	struct cpu_model m;
	char err[CPU_MODEL_ERR_LEN];

	if (cpu_model_parse(spec, &m, err, sizeof(err)) < 0) {
		CHECK(0, "'%s' does not parse: %s", spec, err);
		return 0;
	}
	cpuid->nent = NR_HOST;
	memcpy(cpuid->entries, host, sizeof(host));
	cpu_model_apply(&m, cpuid, true, missing, sizeof(missing));
	return 1;
}

static int refused(const char *spec, const char *why)
{
	struct cpu_model m;
	char err[CPU_MODEL_ERR_LEN];

	return cpu_model_parse(spec, &m, err, sizeof(err)) < 0 && strstr(err, why);
}

static void check_host(void)
{
	if (!apply("host"))
		return;
	CHECK(reg(1, 0, 2) == (0x7ffafbff | BIT(24) | BIT(31)),
	      "host: leaf 1 ECX is KVM's with tsc-deadline and hypervisor: %08x", reg(1, 0, 2));
	CHECK(reg(7, 0, 1) == 0x01802fab, "host: leaf 7 as supported");
	CHECK(reg(0, 0, 0) == 0x1c && get(0x14, 0), "host: every leaf kept");
	CHECK(!missing[0], "host: nothing missing: %s", missing);
	if (apply("host,-x2apic,+pku,-invpcid,vendor=AuthenticAMD")) {
		CHECK(!(reg(1, 0, 2) & BIT(21)), "host,-x2apic: x2apic cleared");
		CHECK(!(reg(7, 0, 1) & BIT(10)), "host,-invpcid: invpcid cleared");
		CHECK(!(reg(7, 0, 2) & BIT(3)), "host,+pku: not given without the host's");
		CHECK(strstr(missing, "host doesn't support requested feature: CPUID.07H:ECX.pku "
				      "[bit 3]"),
		      "host,+pku: warned in QEMU's words: '%s'", missing);
		CHECK(reg(0, 0, 1) == 0x68747541, "vendor=AuthenticAMD in leaf 0");
	}
}

static void check_qemu64(void)
{
	if (!apply("qemu64"))
		return;
	CHECK(reg(0, 0, 0) == 0xd && reg(0, 0, 1) == 0x68747541 && reg(0, 0, 3) == 0x69746e65,
	      "qemu64: level 0xd, AuthenticAMD");
	CHECK(reg(1, 0, 0) == 0x00060fb1, "qemu64: family 15 model 107 stepping 1: %08x",
	      reg(1, 0, 0));
	CHECK(reg(1, 0, 3) == 0x078bfbfd, "qemu64: leaf 1 EDX as QEMU's: %08x", reg(1, 0, 3));
	CHECK(reg(1, 0, 2) == (BIT(0) | BIT(13) | BIT(21) | BIT(31)),
	      "qemu64: pni cx16, and x2apic and hypervisor as QEMU on KVM: %08x", reg(1, 0, 2));
	CHECK(reg(7, 0, 1) == 0 && reg(7, 0, 2) == 0, "qemu64: no leaf 7 features");
	CHECK(reg(0x80000000, 0, 0) == 0x8000000a, "qemu64: xlevel 0x8000000a");
	CHECK(reg(0x80000001, 0, 3) == (0x20100800 | (0x078bfbfd & 0x0183f3ff)),
	      "qemu64: lm syscall nx, and AMD's copies of leaf 1 EDX: %08x", reg(0x80000001, 0, 3));
	CHECK(reg(0x80000001, 0, 2) == 1, "qemu64: lahf-lm, no svm");
	CHECK(!get(0x14, 0) && !get(0x80000021, 0), "qemu64: leaves past its levels gone");
	CHECK(reg(0xd, 0, 0) == 0 && reg(5, 0, 0) == 0 && reg(6, 0, 0) == 0,
	      "qemu64: no XSAVE, MONITOR or power leaves");
	CHECK(reg(0x80000007, 0, 3) == 0, "qemu64: no invtsc");
	CHECK(reg(0x40000001, 0, 0) == 0x0100007b, "qemu64: QEMU's KVM PV defaults: %08x",
	      reg(0x40000001, 0, 0));
	CHECK(reg(0x80000002, 0, 0) == 0x554d4551, "qemu64: brand 'QEMU Virtual CPU ...'");
	CHECK(!missing[0], "qemu64: everything supported here: %s", missing);
	if (apply("qemu64,+pcid,-x2apic,+pku,+la57,-nx,family=6,model=0x3a,stepping=9")) {
		CHECK(reg(1, 0, 2) & BIT(17), "+pcid");
		CHECK(!(reg(1, 0, 2) & BIT(21)), "-x2apic");
		CHECK(reg(7, 0, 2) == BIT(16), "+la57 given, +pku not: %08x", reg(7, 0, 2));
		CHECK(!(reg(0x80000001, 0, 3) & BIT(20)), "-nx");
		CHECK(reg(1, 0, 0) == 0x000306a9, "family 6 model 0x3a stepping 9: %08x",
		      reg(1, 0, 0));
		CHECK(strstr(missing, "CPUID.07H:ECX.pku [bit 3]") && !strstr(missing, "la57"),
		      "only pku missing: '%s'", missing);
	}
	if (apply("qemu64,x2apic=off,tsc_deadline=on,sse4_1"))
		CHECK((reg(1, 0, 2) & (BIT(21) | BIT(24) | BIT(19))) == (BIT(24) | BIT(19)),
		      "feat=on|off, '_' for '-', a bare name turns it on: %08x", reg(1, 0, 2));
	/* QEMU's order: feat=on|off as given, then every +feat, then every
	 * -feat, wherever they stand in the list. */
	if (apply("qemu64,-pcid,+pcid,+popcnt,-popcnt"))
		CHECK(!(reg(1, 0, 2) & (BIT(17) | BIT(23))),
		      "-feat wins over +feat, before or after");
	if (apply("qemu64,+pcid,pcid=off,-x2apic,x2apic=on"))
		CHECK((reg(1, 0, 2) & (BIT(17) | BIT(21))) == BIT(17),
		      "+feat wins over feat=off, -feat over feat=on: %08x", reg(1, 0, 2));
	if (apply("qemu64,pcid=yes,tsc-deadline=true,x2apic=n,popcnt=y"))
		CHECK((reg(1, 0, 2) & (BIT(17) | BIT(21) | BIT(23) | BIT(24))) ==
			      (BIT(17) | BIT(23) | BIT(24)),
		      "QEMU's other booleans: yes, true, y, n: %08x", reg(1, 0, 2));
	CHECK(refused("qemu64,pcid=maybe", "unknown CPU property or bad value 'pcid=maybe'"),
	      "a feature's bad boolean");
	if (apply("qemu64,pcid=on,pcid=off,x2apic=off,x2apic"))
		CHECK((reg(1, 0, 2) & (BIT(17) | BIT(21))) == BIT(21),
		      "feat=on|off: the last wins: %08x", reg(1, 0, 2));
}

static void check_others(void)
{
	if (apply("kvm64"))
		CHECK(reg(1, 0, 0) == 0x00000f61 && reg(0, 0, 1) == 0x756e6547 &&
			      (reg(1, 0, 3) & BIT(1)) && reg(0x80000000, 0, 0) == 0x80000008,
		      "kvm64: GenuineIntel, family 15 model 6, vme, xlevel 0x80000008");
	if (apply("qemu32"))
		CHECK(!(reg(0x80000001, 0, 3) & BIT(29)) && reg(0, 0, 0) == 4,
		      "qemu32: no lm, level 4");
	if (apply("max"))
		CHECK(reg(1, 0, 2) == (0x7ffafbff | BIT(24) | BIT(31)), "max: as host");
	CHECK(!refused("max,host-phys-bits,+vmx", "") && !refused("host,host-phys-bits=on", ""),
	      "max,host-phys-bits (kvm-unit-tests' ept): what vmm's max is");
	CHECK(refused("qemu64,host-phys-bits", "unknown CPU property") &&
		      refused("max,host-phys-bits=off", "unknown CPU property"),
	      "host-phys-bits: on, for host and max only");
	if (apply("host,migratable=no"))
		CHECK(reg(1, 0, 2) == (0x7ffafbff | BIT(24) | BIT(31)),
		      "host,migratable=no (kvm-unit-tests' pmu_lbr): vmm's host");
	CHECK(refused("host,migratable=yes", "unknown CPU property or bad value"),
	      "migratable=yes: vmm's host keeps the features QEMU would drop");
	CHECK(refused("qemu64,migratable=off", "unknown CPU property"),
	      "migratable: a property of host and max only");
	CHECK(refused("Skylake-Server", "unknown CPU model 'Skylake-Server'"), "unknown model");
	CHECK(refused("qemu64,+nosuch", "unknown CPU feature 'nosuch'"), "unknown feature");
	CHECK(refused("qemu64,phys-bits=36", "unknown CPU property"), "unknown property");
	CHECK(refused("qemu64,,+pcid", "empty CPU feature"), "empty item");
	CHECK(refused("qemu64,family=x", "bad value"), "bad family");
	CHECK(refused("qemu64,vendor=Short", "unknown CPU property"), "vendor not 12 characters");
}

int main(void)
{
	cpuid = calloc(1, sizeof(*cpuid) + 64 * sizeof(struct kvm_cpuid_entry2));
	if (!cpuid)
		return 2;
	check_host();
	check_qemu64();
	check_others();
	return check_done();
}
