/*
 * The lock-order checker (core/witness.c) and the spinlock checks
 * (core/spinlock.c): orders that agree pass; a reversal, direct or through
 * a chain, two locks of one class, and taking a held lock panic, naming the
 * locks.  Each bad case runs in a child process (a panic ends the program)
 * whose output the parent reads from a pipe.
 */
#include "host_libc.h"
#include "smp.h"
#include "tap.h"

#include "child_output.h"

static struct spinlock a = SPINLOCK_INIT("alpha");
static struct spinlock b = SPINLOCK_INIT("beta");
static struct spinlock c = SPINLOCK_INIT("gamma");
static struct spinlock a2 = SPINLOCK_INIT("alpha");

static void
pair(struct spinlock *outer, struct spinlock *inner)
{
	spin_lock(outer);
	spin_lock(inner);
	spin_unlock(inner);
	spin_unlock(outer);
}

static void (*panicking)(void);

static bool
run_panicking(void)
{
	panicking();
	return (true);
}

/* Run fn in a child: did it panic with a message containing `want`? */
static bool
panics_with(void (*fn)(void), const char *want)
{
	char out[1024];

	panicking = fn;
	if (child_output(run_panicking, out, sizeof(out)) == -1)
		return (false);
	return (strstr(out, "panic") != NULL && strstr(out, want) != NULL);
}

static void
reversal(void)
{
	pair(&a, &b);
	pair(&b, &a);
}

static void
chain(void)
{
	pair(&a, &b);
	pair(&b, &c);
	pair(&c, &a);
}

static void
same_class(void)
{
	pair(&a, &a2);
}

static void
recursion(void)
{
	spin_lock(&a);
	spin_lock(&a);
}

static void
unlock_unheld(void)
{
	spin_unlock(&b);
}

int
main(void)
{
	unsigned orders;

	pair(&a, &b);
	pair(&a, &b);
	pair(&b, &c);
	pair(&a, &c);
	orders = witness_orders();
	ok(orders == 3, "three orders among three classes are recorded once each (%u)",
	    orders);
	ok(witness_classes() == 3, "locks are classed by name (%u classes)",
	    witness_classes());
	ok(curcpu()->ci_spin_depth == 0 && curcpu()->ci_nheld == 0,
	    "every lock taken was released: no depth, nothing held");
	ok(panics_with(reversal, "lock order reversal: beta then alpha"),
	    "taking beta then alpha after alpha then beta panics, naming both");
	ok(panics_with(chain, "lock order reversal: gamma then alpha"),
	    "a reversal through a chain (alpha, beta, gamma, then gamma, alpha) panics");
	ok(panics_with(same_class, "of the same class"),
	    "two locks of one class at once panic");
	ok(panics_with(recursion, "already held by this CPU"),
	    "taking a lock this CPU holds panics instead of spinning for ever");
	ok(panics_with(unlock_unheld, "not held by this CPU"),
	    "releasing a lock this CPU does not hold panics");
	witness_on = false;
	pair(&b, &a);
	ok(witness_orders() == orders, "with the checker off nothing is recorded");
	return (done());
}
