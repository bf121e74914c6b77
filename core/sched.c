/*
 * The scheduler: one round-robin run queue of lwps, preempted by the
 * timer, and sleep/wakeup on wait channels.
 *
 * The kernel is not preemptible: a timer tick only marks the running lwp's
 * time slice used up, and the switch happens in userret() on the way back
 * to user mode.  lwp0 is the idle lwp and never sits on the run queue.
 */
#include "hal.h"
#include "pmap.h"
#include "proc.h"
#include "trap.h"
#include "vm.h"

#define HZ		100
#define SLICE_TICKS	2	/* 20 ms */

static TAILQ_HEAD(, lwp) runq = { NULL, &runq.tqh_first };
static TAILQ_HEAD(, lwp) sleepq = { NULL, &sleepq.tqh_first };
static struct lwp *deadlwp;	/* exited; its stack is freed once we are off it */
volatile uint64_t ticks;
static bool need_resched;

void
sched_init(void)
{
	hal_timer_start(HZ);
}

void
sched_setrun(struct lwp *l)
{
	KASSERT(l != &lwp0, "lwp0 on the run queue");
	l->l_stat = LSRUN;
	l->l_wchan = NULL;
	TAILQ_INSERT_TAIL(&runq, l, l_runq);
}

/* Every path onto a new stack comes through here: reap the lwp we left. */
static void
sched_after_switch(void)
{
	struct lwp *dead = deadlwp;

	if (dead != NULL && dead != curlwp) {
		deadlwp = NULL;
		lwp_free(dead);
	}
}

/*
 * Give the CPU to the next runnable lwp, or to the idle lwp when there is
 * none.  The caller has already put curlwp where it belongs (run queue,
 * sleep queue or nowhere for a zombie).
 */
void
sched_switch(void)
{
	struct lwp *from = curlwp, *to;

	to = TAILQ_FIRST(&runq);
	if (to != NULL)
		TAILQ_REMOVE(&runq, to, l_runq);
	else
		to = &lwp0;
	need_resched = false;
	to->l_slice = SLICE_TICKS;
	if (to == from)
		return;
	pmap_activate(to->l_proc->p_vmspace != NULL ?
	    to->l_proc->p_vmspace->pmap : NULL);
	curlwp = to;
	cpu_switch(from, to);
	sched_after_switch();
}

void
sched_yield(void)
{
	if (curlwp != &lwp0)
		TAILQ_INSERT_TAIL(&runq, curlwp, l_runq);
	sched_switch();
}

__noreturn void
sched_exit(void)
{
	KASSERT(deadlwp == NULL, "two dead lwps");
	curlwp->l_stat = LSZOMB;
	deadlwp = curlwp;
	sched_switch();
	panic("sched_exit: a dead lwp was resumed");
}

void
fork_return(struct lwp *l)
{
	KASSERT(l == curlwp, "fork_return on the wrong lwp");
	sched_after_switch();
	userret(l);
}

void
sched_tick(void)
{
	ticks++;
	if (curlwp != &lwp0 && curlwp->l_slice > 0 && --curlwp->l_slice == 0)
		need_resched = true;
}

/* The last check before user mode: pending signals, then a due switch. */
void
userret(struct lwp *l)
{
	struct proc *p = l->l_proc;

	if (p->p_siglist != 0)
		psignal_deliver(l);
	if (need_resched)
		sched_yield();
}

/*
 * Sleep on chan until wakeup(chan).  Interrupts are off in the kernel, so
 * nothing can slip between the caller's test and the sleep.  Returns EINTR
 * when a signal that ends the process is pending (before or during the
 * sleep): the caller unwinds and userret() ends the process.
 */
int
tsleep(const void *chan, const char *wmesg)
{
	struct lwp *l = curlwp;

	KASSERT(l != &lwp0, "the idle lwp cannot sleep");
	if (sig_fatal_pending(l->l_proc))
		return (EINTR);
	l->l_stat = LSSLEEP;
	l->l_wchan = chan;
	l->l_wmesg = wmesg;
	TAILQ_INSERT_TAIL(&sleepq, l, l_runq);
	sched_switch();
	return (sig_fatal_pending(l->l_proc) ? EINTR : 0);
}

void
wakeup(const void *chan)
{
	struct lwp *l, *next;

	TAILQ_FOREACH_SAFE(l, &sleepq, l_runq, next) {
		if (l->l_wchan == chan) {
			TAILQ_REMOVE(&sleepq, l, l_runq);
			sched_setrun(l);
		}
	}
}

/* Take l off the sleep queue early (a signal that ends its process). */
void
sched_unsleep(struct lwp *l)
{
	if (l->l_stat == LSSLEEP) {
		TAILQ_REMOVE(&sleepq, l, l_runq);
		sched_setrun(l);
	}
}

/* lwp0, once kmain is done: wait for work, run it, repeat. */
__noreturn void
sched_idle_loop(void)
{
	for (;;) {
		if (TAILQ_EMPTY(&runq))
			hal_idle();
		else
			sched_switch();
	}
}
