/*
 * The C library's own lock, for state its lwps share (malloc's lists,
 * the output buffer): lwps really run at the same time on several CPUs.
 * A waiter spins briefly, then sleeps in the kernel (umtx_sleep) until
 * the holder's unlock wakes it (thr_umtx.c; the lock word is Drepper's
 * three-state mutex: 0 free, 1 held, 2 held with sleepers).
 * fork copies the lock as it is: a child forked while another lwp held
 * it would find it held forever, so the library takes every lock around
 * fork in the forking lwp (atfork.c, after the pthread_atfork prepare
 * handlers, so that those may still use malloc and printf).
 *
 * Until a process makes a second lwp or shares its memory (RFMEM), no
 * other thread can hold them, and the locks cost nothing: no write, so a
 * fork's child and parent do not copy the page they live in on their
 * first unlock (FreeBSD's __isthreaded).
 */
#ifndef _LIBC_LOCK_H_
#define _LIBC_LOCK_H_

#include <forkrt.h>

struct libc_lock {
	volatile int	locked;
};

/* Set for good once the process has another thread of control. */
extern volatile int __libc_threaded;

/* thr_umtx.c: the slow paths, out of line. */
void	__thr_lock_wait(volatile int *lk);
void	__thr_unlock_wake(volatile int *lk);

static inline void
libc_lock(struct libc_lock *lk)
{
	int z = 0;

	if (!__libc_threaded)
		return;
	if (!__atomic_compare_exchange_n(&lk->locked, &z, 1, false,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		__thr_lock_wait(&lk->locked);
}

static inline void
libc_unlock(struct libc_lock *lk)
{
	if (!__libc_threaded)
		return;
	if (__atomic_exchange_n(&lk->locked, 0, __ATOMIC_RELEASE) == 2)
		__thr_unlock_wake(&lk->locked);
}

#endif
