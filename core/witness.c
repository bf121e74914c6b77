/*
 * A small WITNESS: the lock-order checker.
 *
 * Locks are grouped in classes by name ("proc", "vmspace", ...).  The
 * first time a CPU takes a lock of class B while holding one of class A,
 * the order A -> B is recorded.  Taking them the other way round later,
 * directly or through a chain of recorded orders, is a potential deadlock
 * between two CPUs even if this run never hit it: the checker panics and
 * names both locks and where the first order was seen.
 *
 * The graph is an adjacency matrix over at most WITNESS_CLASSES classes;
 * checking a known pair costs one bit test, a new pair a depth-first
 * search that runs once per pair for the life of the system.
 */
#include "hal.h"
#include "kernel.h"
#include "smp.h"
#include "sysctl.h"

#define WITNESS_CLASSES	64

bool witness_on = true;
SYSCTL_INT("debug.witness.enabled", witness_on);

static const char *class_name[WITNESS_CLASSES];
static uint64_t class_after[WITNESS_CLASSES];	/* bit b of [a]: a then b seen */
static unsigned nclasses, norders;
/* Guards the tables while they grow; a raw flag, since it is below every spinlock. */
static volatile int witness_mtx;

static void
witness_enter(void)
{
	while (__atomic_exchange_n(&witness_mtx, 1, __ATOMIC_ACQUIRE) != 0)
		cpu_relax();
}

static void
witness_exit(void)
{
	__atomic_store_n(&witness_mtx, 0, __ATOMIC_RELEASE);
}

/* The class index of lk, registering its name on first sight. */
static unsigned
class_of(const struct spinlock *lk)
{
	unsigned c, cls = __atomic_load_n(&lk->class, __ATOMIC_RELAXED);

	if (cls != 0)
		return (cls - 1);
	witness_enter();
	for (c = 0; c < nclasses; c++)
		if (class_name[c] == lk->name || strcmp(class_name[c], lk->name) == 0)
			break;
	if (c == nclasses) {
		if (nclasses == WITNESS_CLASSES) {
			witness_exit();
			panic("witness: more than %d lock classes", WITNESS_CLASSES);
		}
		class_name[nclasses++] = lk->name;
	}
	witness_exit();
	/* Every CPU computes the same value: a racy store is harmless. */
	((struct spinlock *)lk)->class = c + 1;
	return (c);
}

/* Is `to` reachable from `from` through recorded orders? */
static bool
reaches(unsigned from, unsigned to)
{
	uint64_t seen = 0, frontier = CPUSET_BIT(from);

	while (frontier != 0) {
		unsigned c = (unsigned)__builtin_ctzll(frontier);

		frontier &= frontier - 1;
		if (c == to)
			return (true);
		if (seen & CPUSET_BIT(c))
			continue;
		seen |= CPUSET_BIT(c);
		frontier |= class_after[c] & ~seen;
	}
	return (false);
}

void
witness_acquire(const struct spinlock *lk)
{
	struct cpu *ci = curcpu();
	unsigned b = class_of(lk);

	for (unsigned i = 0; i < ci->ci_nheld; i++) {
		const struct spinlock *held = ci->ci_held[i];
		unsigned a = class_of(held);

		if (a == b)
			panic("witness: %s (%p) taken while holding %s (%p) "
			    "of the same class", lk->name, (const void *)lk,
			    held->name, (const void *)held);
		if (__atomic_load_n(&class_after[a], __ATOMIC_RELAXED) & CPUSET_BIT(b))
			continue;
		witness_enter();
		if (reaches(b, a)) {
			witness_exit();
			panic("witness: lock order reversal: %s then %s here, "
			    "but %s then %s before", held->name, lk->name,
			    lk->name, held->name);
		}
		class_after[a] |= CPUSET_BIT(b);
		norders++;
		witness_exit();
	}
	if (ci->ci_nheld == WITNESS_DEPTH)
		panic("witness: more than %d locks held", WITNESS_DEPTH);
	ci->ci_held[ci->ci_nheld++] = lk;
}

void
witness_release(const struct spinlock *lk)
{
	struct cpu *ci = curcpu();

	for (unsigned i = ci->ci_nheld; i-- > 0;) {
		if (ci->ci_held[i] == lk) {
			for (; i + 1 < ci->ci_nheld; i++)
				ci->ci_held[i] = ci->ci_held[i + 1];
			ci->ci_nheld--;
			return;
		}
	}
}

unsigned
witness_classes(void)
{
	return (nclasses);
}

unsigned
witness_orders(void)
{
	return (norders);
}
SYSCTL_PROC("debug.witness.classes", witness_classes);
SYSCTL_PROC("debug.witness.orders", witness_orders);
