/*
 * Kernel threads: processes with no user space (core/kthread.c).
 */
#ifndef _KTHREAD_H_
#define _KTHREAD_H_

#include "proc.h"

int	kthread_create(void (*func)(void *), void *arg, struct proc **pp,
	    const char *name);
__noreturn void kthread_exit(void);

#endif /* !_KTHREAD_H_ */
