/*
 * Spinlocks that mask interrupts.  On one CPU the lock is never contended;
 * finding it held means the holder re-entered, which is a bug worth a panic.
 */
#include "hal.h"
#include "kernel.h"

void
spin_lock(struct spinlock *lk)
{
	uint64_t s = hal_intr_disable();

	if (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0)
		panic("spin_lock: %s already held", lk->name);
	lk->saved_intr = s;
}

void
spin_unlock(struct spinlock *lk)
{
	uint64_t s = lk->saved_intr;

	KASSERT(lk->locked, lk->name);
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	hal_intr_restore(s);
}

bool
spin_held(const struct spinlock *lk)
{
	return (lk->locked != 0);
}
