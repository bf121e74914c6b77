/*
 * The C library's own lock, for state its lwps share (malloc's lists,
 * the output buffer): lwps really run at the same time on several CPUs.
 * A waiter yields rather than spins, since the holder may be preempted.
 * fork copies the lock as it is: a child forked while another lwp held
 * it would find it held forever, so the library takes every lock around
 * fork in the forking lwp (libc_fork_prepare/libc_fork_done).
 */
#ifndef _LIBC_LOCK_H_
#define _LIBC_LOCK_H_

#include <forkrt.h>

struct libc_lock {
	volatile int	locked;
};

static inline void
libc_lock(struct libc_lock *lk)
{
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0)
		sched_yield();
}

static inline void
libc_unlock(struct libc_lock *lk)
{
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
}

#endif
