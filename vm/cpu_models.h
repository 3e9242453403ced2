#ifndef CPU_MODELS_H
#define CPU_MODELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The CPU models (QEMU 7.2's builtin_x86_defs for those test
 * configurations name), the feature names QEMU's -cpu takes, and the
 * parser of --cpu: the data vm/cpuid.c shapes KVM's CPUID with. */

#define CPU_BIT(n) (1u << (n))

/* The CPUID registers that hold feature flags, as QEMU's FeatureWord. */
enum cpuid_word {
	W_1_EDX,   /* leaf 1 */
	W_1_ECX,   /* leaf 1 */
	W_7_EBX,   /* leaf 7, subleaf 0 */
	W_7_ECX,   /* leaf 7, subleaf 0 */
	W_7_EDX,   /* leaf 7, subleaf 0 */
	W_D1_EAX,  /* leaf 0xd, subleaf 1: XSAVE extensions */
	W_81_EDX,  /* leaf 0x80000001 */
	W_81_ECX,  /* leaf 0x80000001 */
	W_87_EDX,  /* leaf 0x80000007: invariant TSC */
	W_88_EBX,  /* leaf 0x80000008: AMD speculation controls */
	W_KVM_EAX, /* leaf 0x40000001: KVM's paravirtual features */
	NR_CPUID_WORDS
};

/* A model: host and max take everything KVM supports; the others their
 * levels, identity and feature words. */
struct cpu_model_def {
	const char *name, *desc;
	bool host; /* everything KVM supports: host and max */
	uint32_t level, xlevel;
	const char *vendor;
	int family, model, stepping;
	uint32_t f[NR_CPUID_WORDS];
	const char *model_id;
};

/* What --cpu (or QEMU's -cpu) asked for: a model, the features added and
 * removed, and the identity properties QEMU's -cpu takes. */
struct cpu_model {
	const struct cpu_model_def *def;
	uint32_t plus[NR_CPUID_WORDS], minus[NR_CPUID_WORDS];
	char vendor[13];             /* "": the model's (host: the host's) */
	int family, model, stepping; /* -1: the model's */
	char model_id[49];           /* "": the model's */
	bool enforce;                /* a feature the host lacks is an error, not a warning */
};

#define CPU_MODEL_DEFAULT "host"
#define CPU_MODEL_ERR_LEN 256

/* Parse "MODEL[,+feat|-feat|feat=on|feat=off|prop=value...]". Pure: no
 * I/O; -1 with err filled for an unknown model, feature or property. */
int cpu_model_parse(const char *spec, struct cpu_model *m, char *err, size_t errlen);
/* The models and the feature names, as QEMU's -cpu help lists them. */
void cpu_model_help(FILE *f);
/* QEMU's name for bit of word (the first, where there are aliases), or "". */
const char *cpu_feature_name(int word, int bit);

#endif
