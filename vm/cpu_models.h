#ifndef CPU_MODELS_H
#define CPU_MODELS_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/cpuid.h"

/* The CPU models (QEMU 7.2's builtin_x86_defs for those test
 * configurations name) and the feature names QEMU's -cpu takes: the data
 * vm/cpuid.c shapes KVM's CPUID with. */

#define CPU_BIT(n) (1u << (n))

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

/* QEMU's name for bit of word (the first, where there are aliases), or "". */
const char *cpu_feature_name(int word, int bit);

#endif
