#ifndef RING_H
#define RING_H

#include "vm/vm.h"

/* Replay, in order, every write KVM queued in the coalesced ring since the
 * last drain, through the same buses as exits. Call before handling any exit
 * and on every way out of the loop. Returns the number of entries. */
unsigned ring_drain(struct vm *vm);

#endif
