#ifndef DUMP_H
#define DUMP_H

#include "vm/vcpu.h"

/* Explain why the run cannot go on: the exit (internal error suberror,
 * failed-entry reason), the registers, and the instruction bytes at RIP,
 * from KVM when it gives them, else read from guest memory. why may be NULL
 * to describe the exit reason itself. */
void dump_fatal(struct vcpu *v, const char *why);

#endif
