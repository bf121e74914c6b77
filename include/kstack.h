/*
 * Kernel stacks with a guard page under each (core/kstack.c), as the
 * platforms' kernel-mode fault paths see them.
 */
#ifndef _KSTACK_H_
#define _KSTACK_H_

#include "types.h"

/* True if va is in the guard page under some kernel stack. */
bool	kstack_is_guard(vaddr_t va);

/*
 * A kernel-mode fault at fault_va, in a guard page: panic, naming the lwp
 * and saying "kernel stack overflow".  Runs on the CPU's fault stack.
 */
__noreturn void kstack_overflow(vaddr_t fault_va);

#endif /* !_KSTACK_H_ */
