/*
 * Spinlocks that mask interrupts and know their owner: the slow paths of
 * the inline spin_lock and spin_unlock (kernel.h).
 *
 * The kernel is not preemptible and runs with interrupts masked except in
 * the idle loop, so a spinlock's job is to keep CPUs apart, and to keep a
 * CPU from taking an interrupt that wants a lock it holds.  A CPU that
 * spins keeps answering cross-calls (ipi_poll): the holder may be waiting
 * for this very CPU to flush its TLB.
 */
#include "hal.h"
#include "kernel.h"
#include "smp.h"

void
spin_init(struct spinlock *lk, const char *name)
{
	*lk = (struct spinlock)SPINLOCK_INIT(name);
}

/*
 * Interrupts are masked (spin_lock did it).  With the checker on, the
 * order is checked before the lock is tried, so that a reversal is caught
 * even when this run would not deadlock.
 */
void
spin_lock_slow(struct spinlock *lk)
{
	struct cpu *ci = curcpu();

	if (__predict_false(lk->owner == ci))
		panic("spin_lock: %s already held by this CPU (cpu%u)", lk->name,
		    ci->ci_id);
	if (witness_on) {
		witness_acquire(lk);
		if (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) == 0)
			return;
	}
	do {
		while (__atomic_load_n(&lk->locked, __ATOMIC_RELAXED) != 0) {
			ipi_poll();
			cpu_relax();
		}
	} while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0);
}

__noreturn void
spin_unlock_bad(const struct spinlock *lk)
{
	panic("spin_unlock: %s not held by this CPU (cpu%u)", lk->name,
	    curcpu()->ci_id);
}

bool
spin_held(const struct spinlock *lk)
{
	return (lk->locked && lk->owner == curcpu());
}
