/*
 * The C library's own lock, for state its lwps share (malloc's lists,
 * the output buffer): lwps really run at the same time on several CPUs.
 * A waiter yields rather than spins, since the holder may be preempted.
 * fork copies the lock as it is: a child forked while another lwp held
 * it would find it held forever, so the library takes every lock around
 * fork in the forking lwp (fork_locked in syscalls.c).
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

static inline void
libc_lock(struct libc_lock *lk)
{
	if (!__libc_threaded)
		return;
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0)
		sched_yield();
}

static inline void
libc_unlock(struct libc_lock *lk)
{
	if (!__libc_threaded)
		return;
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
}

#endif
