/*
 * <forkrt.h>: everything a forkrt program uses, in one include.  The
 * standard headers below give the POSIX and BSD names with their usual
 * meaning (a failed call returns -1, MAP_FAILED for mmap, and sets
 * errno); this file adds what is forkrt's or DragonFly's own.  Numbers
 * and structures are in <forkrt/abi.h>, shared with the kernel.
 */
#ifndef _FORKRT_H_
#define _FORKRT_H_

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/cpuset.h>
#include <sys/event.h>
#include <sys/mman.h>
#include <sys/procctl.h>
#include <sys/procdesc.h>
#include <sys/resource.h>
#include <sys/sysctl.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* FreeBSD's: the child runs func(arg) on stack, then exits with its return value. */
pid_t	rfork_thread(int flags, void *stack, int (*func)(void *), void *arg);

/* lightweight processes (DragonFly) */
int	lwp_create(struct lwp_params *params);
lwpid_t	lwp_gettid(void);
_Noreturn void lwp_exit(void);
int	lwp_kill(pid_t pid, lwpid_t tid, int sig);

/*
 * DragonFly's wait primitive: sleep while *ptr == value (timeout_us 0:
 * no timeout); EBUSY if it already differs, EAGAIN on timeout, EINTR on
 * a signal.  umtx_wakeup wakes up to count sleepers on ptr (0: all).
 */
int	umtx_sleep(const volatile int *ptr, int value, int timeout_us);
int	umtx_wakeup(const volatile int *ptr, int count);

/* The platform's cycle counter (rdcycle, rdtsc). */
uint64_t forkrt_cycles(void);

/* Stop the machine with a status (init only; others get EPERM). */
int	forkrt_poweroff(int status);

#endif /* !_FORKRT_H_ */
