#ifndef CAPS_H
#define CAPS_H

#include <stdbool.h>
#include <stdio.h>

#include "vm/vm.h"

/* --caps: the API version and the capabilities vmm's mechanisms rest on. */
void caps_print(struct vm *vm, FILE *f);
/* Exit with a message naming each capability this run needs and lacks. */
void caps_require(struct vm *vm, bool sync_regs, bool coalesce);

#endif
