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

#define SLICE_TICKS	2	/* 20 ms */

#define SLEEPQ_HASH	512	/* power of two */

TAILQ_HEAD(lwpq, lwp);
static struct lwpq runq = { NULL, &runq.tqh_first };
/* Sleepers hashed by wait channel, so wakeup() looks at few of them. */
static struct lwpq sleepq[SLEEPQ_HASH];
/* Sleepers with a deadline, checked each tick. */
static LIST_HEAD(, lwp) timedq;
static struct lwp *deadlwp;	/* exited; its stack is freed once we are off it */
volatile uint64_t ticks;
static bool need_resched;

static int sleep_common(const void *chan, const char *wmesg, uint64_t timo,
    bool catch);

static inline struct lwpq *
sleepq_chain(const void *chan)
{
	uintptr_t h = (uintptr_t)chan;

	h ^= h >> 9 ^ h >> 17;
	return (&sleepq[h & (SLEEPQ_HASH - 1)]);
}

void
sched_init(void)
{
	for (unsigned i = 0; i < SLEEPQ_HASH; i++)
		TAILQ_INIT(&sleepq[i]);
	LIST_INIT(&timedq);
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
sched_lwp_start(void)
{
	sched_after_switch();
}

void
fork_return(struct lwp *l)
{
	KASSERT(l == curlwp, "fork_return on the wrong lwp");
	sched_after_switch();
	userret(l);
}

/*
 * p_estcpu, 4.4BSD's estimate of recent CPU use: a tick adds one (up to
 * ESTCPULIM), and once a second every process's estimate decays by 2/3
 * (the 4.4BSD filter at a load of one).  fork hands it to the child, so a
 * CPU-bound parent's children do not start out looking idle.  The
 * round-robin scheduler itself does not weigh it yet.
 */
#define ESTCPULIM	255

static void
estcpu_decay(void)
{
	extern LIST_HEAD(proclist, proc) allproc;
	struct proc *p;

	LIST_FOREACH(p, &allproc, p_list)
		p->p_estcpu = p->p_estcpu * 2 / 3;
}

void
sched_tick(void)
{
	struct lwp *l, *next;
	struct proc *p = curlwp->l_proc;

	ticks++;
	if (curlwp != &lwp0 && p->p_estcpu < ESTCPULIM)
		p->p_estcpu++;
	if (ticks % HZ == 0)
		estcpu_decay();
	if (curlwp != &lwp0 && curlwp->l_slice > 0 && --curlwp->l_slice == 0)
		need_resched = true;
	LIST_FOREACH_SAFE(l, &timedq, l_timed, next) {
		if (l->l_stat == LSSLEEP && l->l_deadline <= ticks) {
			l->l_timedout = true;
			sched_unsleep(l);
		}
	}
}

/* The last check before user mode: pending signals, then a due switch. */
void
userret(struct lwp *l)
{
	struct proc *p = l->l_proc;

	for (;;) {
		if ((p->p_flags & (P_WEXIT | P_SINGLE)) && l != p->p_singlelwp)
			lwp_exit_self(l);
		if (p->p_siglist != 0)
			psignal_deliver(l);
		if (!need_resched)
			break;
		sched_yield();
	}
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
	return (tsleep_timo(chan, wmesg, 0));
}

/*
 * As tsleep, but also wake after timo ticks (0: never), returning EAGAIN
 * (BSD's EWOULDBLOCK) then.
 */
int
tsleep_timo(const void *chan, const char *wmesg, uint64_t timo)
{
	if (sig_fatal_pending(curlwp->l_proc))
		return (EINTR);
	return (sleep_common(chan, wmesg, timo, true));
}

/*
 * A sleep no signal cuts short, for waits that must finish whatever
 * happens (an exiting leader waiting for its peers).  Spurious wake-ups
 * are possible: callers loop on their condition.
 */
void
tsleep_nosig(const void *chan, const char *wmesg)
{
	sleep_common(chan, wmesg, 0, false);
}

static int
sleep_common(const void *chan, const char *wmesg, uint64_t timo, bool catch)
{
	struct lwp *l = curlwp;

	KASSERT(l != &lwp0, "the idle lwp cannot sleep");
	l->l_nosig = !catch;
	l->l_stat = LSSLEEP;
	l->l_wchan = chan;
	l->l_wmesg = wmesg;
	l->l_timedout = false;
	TAILQ_INSERT_TAIL(sleepq_chain(chan), l, l_runq);
	if (timo != 0) {
		l->l_deadline = ticks + timo;
		LIST_INSERT_HEAD(&timedq, l, l_timed);
	}
	sched_switch();
	if (timo != 0 && !l->l_timedout)
		LIST_REMOVE(l, l_timed);
	l->l_nosig = false;
	if (catch && sig_fatal_pending(l->l_proc))
		return (EINTR);
	return (l->l_timedout ? EAGAIN : 0);
}

void
wakeup(const void *chan)
{
	struct lwpq *q = sleepq_chain(chan);
	struct lwp *l, *next;

	TAILQ_FOREACH_SAFE(l, q, l_runq, next) {
		if (l->l_wchan == chan) {
			TAILQ_REMOVE(q, l, l_runq);
			sched_setrun(l);
		}
	}
}

/*
 * Take l off its sleep queue early: a signal that ends its process (unless
 * it sleeps uninterruptibly) or a timeout.
 */
void
sched_unsleep(struct lwp *l)
{
	if (l->l_stat != LSSLEEP || (l->l_nosig && !l->l_timedout))
		return;
	TAILQ_REMOVE(sleepq_chain(l->l_wchan), l, l_runq);
	if (l->l_timedout)
		LIST_REMOVE(l, l_timed);
	sched_setrun(l);
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
