/*
 * Callouts (see callout.h): one queue sorted by deadline, looked at by
 * the boot CPU on each tick.  A process has at most one armed (its
 * ITIMER_REAL), so the queue is short and a sorted insert is cheap; a
 * tick with nothing due costs one racy look at the queue's head.
 *
 * A callout is taken off the queue before its function runs, with
 * callout_running pointing at it, so that callout_drain() on another CPU
 * can wait for the call to finish before the callout's owner goes away.
 */
#include "callout.h"
#include "hal.h"
#include "kernel.h"
#include "smp.h"

static struct spinlock callout_lock = SPINLOCK_INIT("callout");
static TAILQ_HEAD(, callout) callout_queue =		/* (callout_lock) */
    { NULL, &callout_queue.tqh_first };
static struct callout *volatile callout_running;	/* (callout_lock) */

void
callout_reset(struct callout *c, uint64_t when, void (*func)(void *), void *arg)
{
	struct callout *at;

	spin_lock(&callout_lock);
	if (c->c_pending)
		TAILQ_REMOVE(&callout_queue, c, c_link);
	c->c_time = when;
	c->c_func = func;
	c->c_arg = arg;
	c->c_pending = true;
	TAILQ_FOREACH(at, &callout_queue, c_link)
		if (at->c_time > when)
			break;
	if (at != NULL)
		TAILQ_INSERT_BEFORE(at, c, c_link);
	else
		TAILQ_INSERT_TAIL(&callout_queue, c, c_link);
	spin_unlock(&callout_lock);
}

bool
callout_stop(struct callout *c)
{
	bool was;

	spin_lock(&callout_lock);
	if ((was = c->c_pending)) {
		TAILQ_REMOVE(&callout_queue, c, c_link);
		c->c_pending = false;
	}
	spin_unlock(&callout_lock);
	return (was);
}

/*
 * The call runs on the boot CPU with interrupts off, so a drainer there
 * can never find it running; elsewhere it spins, answering IPIs (the
 * call may be waiting on one of ours).
 */
void
callout_drain(struct callout *c)
{
	callout_stop(c);
	while (__atomic_load_n(&callout_running, __ATOMIC_ACQUIRE) == c) {
		ipi_poll();
		cpu_relax();
	}
}

void
callout_tick(void)
{
	struct callout *c;
	uint64_t now;

	if (__atomic_load_n(&callout_queue.tqh_first, __ATOMIC_RELAXED) == NULL)
		return;
	now = hal_time_ns();
	spin_lock(&callout_lock);
	while ((c = TAILQ_FIRST(&callout_queue)) != NULL && c->c_time <= now) {
		TAILQ_REMOVE(&callout_queue, c, c_link);
		c->c_pending = false;
		__atomic_store_n(&callout_running, c, __ATOMIC_RELAXED);
		spin_unlock(&callout_lock);
		c->c_func(c->c_arg);
		spin_lock(&callout_lock);
		__atomic_store_n(&callout_running, NULL, __ATOMIC_RELEASE);
	}
	spin_unlock(&callout_lock);
}
