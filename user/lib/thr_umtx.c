/*
 * umtx_sleep/umtx_wakeup (DragonFly's calls, core/umtx.c) and the lock
 * built on them that every mutex of the C library is: Drepper's
 * "Futexes Are Tricky" mutex 2.  The word is 0 (free), 1 (held) or 2
 * (held, and someone may sleep on it); only an unlock that finds 2 makes
 * a system call.  The internal calls return the error number rather than
 * setting errno: pthread functions leave errno alone.
 */
#include "thr_private.h"

/* Spins before sleeping: a holder on another CPU often lets go that soon. */
#define LOCK_SPINS	100

int
umtx_sleep(const volatile int *ptr, int value, int timeout_us)
{
	int error = __thr_umtx_sleep((volatile int *)ptr, value, timeout_us);

	if (error != 0) {
		errno = error;
		return (-1);
	}
	return (0);
}

int
umtx_wakeup(const volatile int *ptr, int count)
{
	long r = __syscall6(SYS_umtx_wakeup, (long)ptr, count, 0, 0, 0, 0);

	if (r < 0) {
		errno = (int)-r;
		return (-1);
	}
	return (0);
}

int
__thr_umtx_sleep(volatile int *p, int v, int timeout_us)
{
	return ((int)-__syscall6(SYS_umtx_sleep, (long)p, v, timeout_us, 0, 0, 0));
}

void
__thr_umtx_wake(volatile int *p, int count)
{
	__syscall6(SYS_umtx_wakeup, (long)p, count, 0, 0, 0, 0);
}

static inline void
cpu_relax(void)
{
#if defined(__x86_64__)
	__asm__ volatile("pause");
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	__asm__ volatile("" ::: "memory");
#endif
}

/*
 * The lock was taken: spin a little, then mark it contended (2) and sleep
 * while it stays so.  Taking it with 2 rather than 1 after a sleep keeps
 * the mark for the sleepers that may remain, at the price of one extra
 * wakeup call at most.
 */
void
__thr_lock_wait(volatile int *lk)
{
	int c;

	for (int i = 0; i < LOCK_SPINS; i++) {
		c = 0;
		if (__atomic_load_n(lk, __ATOMIC_RELAXED) == 0 &&
		    __atomic_compare_exchange_n(lk, &c, 1, false,
		    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		cpu_relax();
	}
	while (__atomic_exchange_n(lk, 2, __ATOMIC_ACQUIRE) != 0)
		__thr_umtx_sleep(lk, 2, 0);
}

void
__thr_unlock_wake(volatile int *lk)
{
	__thr_umtx_wake(lk, 1);
}
