/*
 * Spinlocks that mask interrupts and know their owner.
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
intr_push(void)
{
	uint64_t s = hal_intr_disable();
	struct cpu *ci = curcpu();

	if (ci->ci_spin_depth++ == 0)
		ci->ci_spin_intr = s;
}

void
intr_pop(void)
{
	struct cpu *ci = curcpu();

	KASSERT(ci->ci_spin_depth > 0, "intr_pop without intr_push");
	if (--ci->ci_spin_depth == 0)
		hal_intr_restore(ci->ci_spin_intr);
}

void
spin_init(struct spinlock *lk, const char *name)
{
	*lk = (struct spinlock)SPINLOCK_INIT(name);
}

static void
spin_acquire(struct spinlock *lk, bool nested)
{
	struct cpu *ci;

	intr_push();
	ci = curcpu();
	if (__predict_false(lk->owner == ci))
		panic("spin_lock: %s already held by this CPU (cpu%u)", lk->name,
		    ci->ci_id);
	if (witness_on)
		witness_acquire(lk, nested);
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0) {
		while (__atomic_load_n(&lk->locked, __ATOMIC_RELAXED) != 0) {
			ipi_poll();
			cpu_relax();
		}
	}
	lk->owner = ci;
}

void
spin_lock(struct spinlock *lk)
{
	spin_acquire(lk, false);
}

/* Another lock of the same class is held; the caller orders the two itself. */
void
spin_lock_nested(struct spinlock *lk)
{
	spin_acquire(lk, true);
}

bool
spin_trylock(struct spinlock *lk)
{
	intr_push();
	if (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0) {
		intr_pop();
		return (false);
	}
	lk->owner = curcpu();
	/* A try cannot deadlock: it is recorded as held, not as an order. */
	if (witness_on)
		witness_acquire(lk, true);
	return (true);
}

void
spin_unlock(struct spinlock *lk)
{
	KASSERT(lk->owner == curcpu(), lk->name);
	if (witness_on)
		witness_release(lk);
	lk->owner = NULL;
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	intr_pop();
}

bool
spin_held(const struct spinlock *lk)
{
	return (lk->locked && lk->owner == curcpu());
}
