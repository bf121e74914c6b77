/*
 * errno, one per thread (POSIX), and the system-call wrapper that sets it.
 *
 * Until the first pthread call there is one thread and one errno.  After
 * it every lwp has a thread pointer (thr_private.h) and its struct
 * pthread says where its errno is: the main thread keeps the one it had.
 * lwps started with lwp_create rather than pthread_create share one of
 * their own (__thr_raw, syscalls.c); one started before the first
 * pthread call has no thread pointer and must leave errno alone once
 * pthreads exist.
 */
#include <forkrt.h>

#include "sys.h"
#include "thr_private.h"

volatile int __thr_inited;
static int main_errno;

int *
__error(void)
{
	struct pthread *t;

	if (!__atomic_load_n(&__thr_inited, __ATOMIC_ACQUIRE) || (t = thr_tp()) == NULL)
		return (&main_errno);
	return (t->errnop);
}

long
__sys(long num, long a0, long a1, long a2, long a3, long a4, long a5)
{
	long r = __syscall6(num, a0, a1, a2, a3, a4, a5);

	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return (-1);
	}
	return (r);
}
