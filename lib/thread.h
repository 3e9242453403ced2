#ifndef THREAD_H
#define THREAD_H

#include <pthread.h>

/* Every thread vmm starts gets this much stack, whatever `ulimit -s` says:
 * glibc sizes a new thread's stack by RLIMIT_STACK, so a small limit gave
 * vCPU and gdb threads less than their deepest path (a warning, a gdb
 * monitor command) and they crashed. */
#define THREAD_STACK_SIZE (1u << 20)

/* pthread_create with THREAD_STACK_SIZE; returns 0 or an errno value. */
int thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
