/*
 * <sched.h>: giving up the CPU, and which CPU the caller runs on.
 */
#ifndef _SCHED_H_
#define _SCHED_H_

#include <sys/types.h>

int	sched_yield(void);
int	sched_getcpu(void);

#endif /* !_SCHED_H_ */
