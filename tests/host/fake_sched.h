/*
 * The fake scheduler and machine-dependent lwp hooks of fake_sched.c:
 * what a host test of fork1, exit1 and wait steers and looks at.
 */
#ifndef _FAKE_SCHED_H_
#define _FAKE_SCHED_H_

#include "types.h"

struct lwp;

/* Run as l from now on (curlwp). */
void	fake_become(struct lwp *l);
/* Did a wakeup (or wakeup_exiting) reach chan since the last clear? */
bool	fake_woken(const void *chan);
void	fake_woken_clear(void);

/* lwps made runnable, and cpu_fork calls, so far. */
extern int fake_setrun_count, fake_cpu_fork_count;
/*
 * What happens "meanwhile" in the next interruptible sleep without a
 * timeout (a wait for a child: the child exits), run once with arg.
 */
extern void (*fake_sleep_hook)(void *);
extern void *fake_sleep_arg;
/* Where sched_exit longjmps to: a host_jmp_buf the test set with setjmp. */
extern void *fake_exit_env;

#endif
