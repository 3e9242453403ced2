#ifndef CPUID_H
#define CPUID_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>

#include "vm/cpu_models.h"

/* Shape KVM_GET_SUPPORTED_CPUID's entries into the model, in place (nent
 * may shrink). tsc_deadline: KVM_CAP_TSC_DEADLINE_TIMER, a bit KVM emulates
 * without listing it. Each feature asked for that the host cannot give is
 * written, one per line in QEMU's words, into missing. */
void cpu_model_apply(const struct cpu_model *m, struct kvm_cpuid2 *c, bool tsc_deadline,
		     char *missing, size_t missing_len);

#endif
