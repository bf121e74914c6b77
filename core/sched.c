/*
 * The scheduler: a round-robin run queue per CPU, preempted by each CPU's
 * timer, with idle CPUs stealing from busy ones; and sleep/wakeup on wait
 * channels with an interlock (msleep).
 *
 * The kernel is not preemptible: a timer tick only marks the running
 * lwp's time slice used up, and the switch happens in userret() on the
 * way back to user mode.  Each CPU has an idle lwp (lwp0 on the boot CPU)
 * that never sits on a run queue.
 *
 * An lwp may be made runnable before the CPU it ran on has finished
 * switching away from it: l_running says its stack is still in use, and
 * no CPU takes it off a run queue until that clears.  So no lock is held
 * across cpu_switch(), and a sleeper can let go of the sleep queue before
 * it switches.
 *
 * Locks: sleepq_lock covers the sleep queues, the timed-sleep list and the
 * sleep/run state of every lwp; each CPU's run queue has its own lock,
 * taken after sleepq_lock.  Stealing holds one run-queue lock at a time.
 */
#include "hal.h"
#include "itimer.h"
#include "lwp.h"
#include "pmap.h"
#include "proc.h"
#include "rusage.h"
#include "sched.h"
#include "session.h"
#include "signalvar.h"
#include "sysctl.h"
#include "trap.h"
#include "vm.h"

#define SLICE_TICKS	2	/* 20 ms */

#define SLEEPQ_HASH	512	/* power of two */

struct spinlock sleepq_lock = SPINLOCK_INIT("sleepq");
/* Sleepers hashed by wait channel, so wakeup() looks at few of them. */
static struct lwpq sleepq[SLEEPQ_HASH];			/* (s) */
/* Sleepers with a deadline, checked each tick of the boot CPU. */
static LIST_HEAD(, lwp) timedq;				/* (s) */
static struct spinlock runq_locks[MAXCPU];
volatile uint64_t ticks;	/* the boot CPU's ticks since the scheduler started */

static inline struct lwpq *
sleepq_chain(const void *chan)
{
	uintptr_t h = (uintptr_t)chan;

	h ^= h >> 9 ^ h >> 17;
	return (&sleepq[h & (SLEEPQ_HASH - 1)]);
}

static inline bool
is_idle(const struct lwp *l)
{
	return ((l->l_flags & LW_IDLE) != 0);
}

void
sched_init(void)
{
	for (unsigned i = 0; i < SLEEPQ_HASH; i++)
		TAILQ_INIT(&sleepq[i]);
	LIST_INIT(&timedq);
	for (unsigned i = 0; i < MAXCPU; i++) {
		spin_init(&runq_locks[i], "runq");
		cpus[i].ci_runq_lock = &runq_locks[i];
	}
	hal_timer_start(HZ);
}

static bool
cpu_allowed(const struct lwp *l, const struct cpu *ci)
{
	return (ci->ci_online &&
	    (__atomic_load_n(&l->l_affinity, __ATOMIC_RELAXED) &
	    CPUSET_BIT(ci->ci_id)) != 0);
}

/*
 * Where l should run: where it last ran if it may and that CPU is not
 * busy, else an idle CPU it may use, else the one it last ran on (or the
 * first it may use).  The idle flags are hints; stealing evens out a bad
 * guess.
 */
static struct cpu *
sched_pick_cpu(const struct lwp *l)
{
	struct cpu *home = l->l_cpu, *ci;

	if (home == NULL || !cpu_allowed(l, home))
		home = NULL;
	if (home != NULL && home->ci_idle)
		return (home);
	for (unsigned i = 0; i < ncpus; i++) {
		ci = &cpus[i];
		if (ci->ci_idle && cpu_allowed(l, ci))
			return (ci);
	}
	if (home != NULL)
		return (home);
	for (unsigned i = 0; i < ncpus; i++)
		if (cpu_allowed(l, &cpus[i]))
			return (&cpus[i]);
	return (curcpu());
}

/*
 * Queue l on ci, and wake ci if it idles.  The length goes up and the
 * idle flag is read with sequentially consistent operations, as the idle
 * loop raises its flag and then reads the lengths: at least one of the
 * two sees the other's write (without that, a store-to-load reordering
 * lets both miss, and the work waits for ci's next tick).
 */
static void
runq_insert(struct cpu *ci, struct lwp *l)
{
	spin_lock(ci->ci_runq_lock);
	l->l_cpu = ci;
	TAILQ_INSERT_TAIL(&ci->ci_runq, l, l_runq);
	__atomic_add_fetch(&ci->ci_runq_len, 1, __ATOMIC_SEQ_CST);
	spin_unlock(ci->ci_runq_lock);
	if (ci != curcpu() && __atomic_load_n(&ci->ci_idle, __ATOMIC_SEQ_CST))
		ipi_send(ci, IPI_RESCHED);
}

/*
 * Make l runnable on some CPU; sleepq_lock held.  `here': the caller is
 * about to stop running (it exits), so l takes this CPU if it may, instead
 * of an idle one that would have to be woken (Linux's WF_SYNC).
 */
static void
setrun_locked(struct lwp *l, bool here)
{
	KASSERT(spin_held(&sleepq_lock), "setrun without sleepq_lock");
	KASSERT(!is_idle(l), "an idle lwp on a run queue");
	l->l_stat = LSRUN;
	l->l_wchan = NULL;
	runq_insert(here && cpu_allowed(l, curcpu()) ? curcpu() : sched_pick_cpu(l), l);
}

void
sched_setrun(struct lwp *l)
{
	spin_lock(&sleepq_lock);
	setrun_locked(l, false);
	spin_unlock(&sleepq_lock);
}

/*
 * A forked child's first run: on this CPU, unless work is already queued
 * here (DragonFly's choice).  A parent so often waits for its child at
 * once, or execs it and waits, that sending the child to an idle CPU
 * would mostly buy a wake-up IPI there and another back; forkers that do
 * run in parallel spread as soon as one CPU has a queue, and idle CPUs
 * steal the rest.
 */
void
sched_setrun_forked(struct lwp *l)
{
	struct cpu *ci = curcpu();

	spin_lock(&sleepq_lock);
	setrun_locked(l, __atomic_load_n(&ci->ci_runq_len, __ATOMIC_RELAXED) == 0);
	spin_unlock(&sleepq_lock);
}

/*
 * The first lwp of ci's queue that `on` may run now, taken off it; or
 * NULL.  An lwp still on another CPU's stack (it queued itself, or was
 * woken, and that CPU has not finished switching away) is passed over:
 * waiting for it here could wait for a CPU that is itself waiting for
 * one of ours.  The running lwp may take itself back (a yield with
 * nothing better to run).
 */
static struct lwp *
runq_take(struct cpu *ci, struct cpu *on)
{
	struct lwp *l;

	if (__atomic_load_n(&ci->ci_runq_len, __ATOMIC_RELAXED) == 0)
		return (NULL);
	spin_lock(ci->ci_runq_lock);
	TAILQ_FOREACH(l, &ci->ci_runq, l_runq)
		if ((ci == on || cpu_allowed(l, on)) && (l == on->ci_curlwp ||
		    !__atomic_load_n(&l->l_running, __ATOMIC_ACQUIRE)))
			break;
	if (l != NULL) {
		TAILQ_REMOVE(&ci->ci_runq, l, l_runq);
		__atomic_sub_fetch(&ci->ci_runq_len, 1, __ATOMIC_RELAXED);
		l->l_cpu = on;
	}
	spin_unlock(ci->ci_runq_lock);
	return (l);
}

/* Our own queue first, then the longest other queue we may take from. */
static struct lwp *
sched_choose(struct cpu *ci)
{
	struct lwp *l;

	if ((l = runq_take(ci, ci)) != NULL)
		return (l);
	for (unsigned tries = 0; tries < 2; tries++) {
		struct cpu *victim = NULL;
		unsigned most = 0;

		for (unsigned i = 0; i < ncpus; i++) {
			unsigned n = __atomic_load_n(&cpus[i].ci_runq_len,
			    __ATOMIC_RELAXED);

			if (&cpus[i] != ci && n > most) {
				most = n;
				victim = &cpus[i];
			}
		}
		if (victim == NULL)
			return (NULL);
		if ((l = runq_take(victim, ci)) != NULL) {
			ci->ci_steals++;
			return (l);
		}
	}
	return (NULL);
}

/*
 * Every path onto a new stack comes through here: the lwp we left is off
 * its stack now, so another CPU may run it, or, if it exited, it goes.
 */
static void
sched_after_switch(struct lwp *prev)
{
	struct cpu *ci = curcpu();

	__atomic_store_n(&prev->l_running, false, __ATOMIC_RELEASE);
	if (ci->ci_deadlwp != NULL && ci->ci_deadlwp != ci->ci_curlwp) {
		struct lwp *dead = ci->ci_deadlwp;
		struct proc *p = dead->l_proc;

		ci->ci_deadlwp = NULL;
		lwp_free(dead);
		/* Its process waits for this before it may exit or exec (proc_single_lwp). */
		spin_lock(&p->p_lock);
		if (--p->p_ndying == 0)
			wakeup(&p->p_nthreads);
		spin_unlock(&p->p_lock);
	}
}

/*
 * Switch this CPU from `from` to `to`.  Returns on from's stack when
 * something switches back to it, perhaps much later and on another CPU.
 */
static void
switch_to(struct cpu *ci, struct lwp *from, struct lwp *to)
{
	KASSERT(!to->l_running, "switch to an lwp still on a CPU");
	to->l_running = true;
	to->l_cpu = ci;
	ci->ci_curlwp = to;
	ci->ci_prevlwp = from;
	ci->ci_switches++;
	rusage_switch(from, to);
	pmap_activate(to->l_proc->p_vmspace != NULL ?
	    to->l_proc->p_vmspace->pmap : NULL);
	KASSERT(ci->ci_spin_depth == 0, "context switch holding a spinlock");
	cpu_switch(from, to);
}

/*
 * Give the CPU to the next runnable lwp, or to the idle lwp when there is
 * none.  The caller has already put curlwp where it belongs (a run queue,
 * the sleep queue, or nowhere for a zombie) and holds no spinlock.
 */
void
sched_switch(void)
{
	struct cpu *ci = curcpu();
	struct lwp *from = ci->ci_curlwp, *to;

	to = sched_choose(ci);
	if (to == NULL)
		to = ci->ci_idlelwp;
	ci->ci_need_resched = false;
	to->l_slice = SLICE_TICKS;
	if (to == from) {
		from->l_cpu = ci;
		return;
	}
	switch_to(ci, from, to);
	sched_after_switch(curcpu()->ci_prevlwp);
}

void
sched_yield(void)
{
	struct lwp *l = curlwp;

	if (!is_idle(l)) {
		spin_lock(&sleepq_lock);
		setrun_locked(l, false);
		spin_unlock(&sleepq_lock);
	}
	sched_switch();
}

__noreturn void
sched_exit(bool reaped)
{
	struct cpu *ci = curcpu();

	KASSERT(ci->ci_deadlwp == NULL, "two dead lwps");
	spin_lock(&sleepq_lock);
	ci->ci_curlwp->l_stat = LSZOMB;
	spin_unlock(&sleepq_lock);
	if (!reaped)
		ci->ci_deadlwp = ci->ci_curlwp;
	sched_switch();
	panic("sched_exit: a dead lwp was resumed");
}

/* Wait until the CPU l ran on has switched off its stack (a reaper, before freeing it). */
void
lwp_wait_off_cpu(struct lwp *l)
{
	while (__atomic_load_n(&l->l_running, __ATOMIC_ACQUIRE)) {
		ipi_poll();
		cpu_relax();
	}
}

void
sched_lwp_start(void)
{
	sched_after_switch(curcpu()->ci_prevlwp);
}

void
sched_kick(struct lwp *l)
{
	struct cpu *ci = l->l_cpu;

	if (__atomic_load_n(&l->l_running, __ATOMIC_ACQUIRE) && ci != NULL &&
	    ci != curcpu())
		ipi_send(ci, IPI_AST);
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
	struct proc *p;

	spin_lock(&proctree_lock);
	LIST_FOREACH(p, &allproc, p_list)
		p->p_estcpu = p->p_estcpu * 2 / 3;
	spin_unlock(&proctree_lock);
}

/* Wake the timed sleepers whose deadline has come. */
static void
timedq_expire(void)
{
	struct lwp *l, *next;

	spin_lock(&sleepq_lock);
	LIST_FOREACH_SAFE(l, &timedq, l_timed, next) {
		if (l->l_stat == LSSLEEP && l->l_deadline <= ticks) {
			LIST_REMOVE(l, l_timed);
			l->l_timedout = true;
			TAILQ_REMOVE(sleepq_chain(l->l_wchan), l, l_runq);
			setrun_locked(l, false);
		}
	}
	spin_unlock(&sleepq_lock);
}

/*
 * The scheduler's share of each CPU's tick (hardclock): the running lwp's
 * time slice and CPU estimate; on the boot CPU also the clock (ticks),
 * the estimate decay and the timed sleeps.  This CPU holds no lock.
 */
void
sched_clock(void)
{
	struct cpu *ci = curcpu();
	struct lwp *l = ci->ci_curlwp;
	struct proc *p = l->l_proc;

	ci->ci_ticks++;
	if (!is_idle(l) && p->p_estcpu < ESTCPULIM)
		p->p_estcpu++;
	if (!is_idle(l) && l->l_slice > 0 && --l->l_slice == 0)
		ci->ci_need_resched = true;
	if (ci != &cpus[0])
		return;
	ticks++;
	if (ticks % HZ == 0)
		estcpu_decay();
	if (!LIST_EMPTY(&timedq))
		timedq_expire();
}

/*
 * Must l give up its CPU before user mode: its slice is used up (or a
 * higher need), or this is no CPU it may run on any more?  (userret)
 */
bool
sched_must_yield(const struct lwp *l)
{
	struct cpu *ci = curcpu();

	return (ci->ci_need_resched || !cpu_allowed(l, ci));
}

/*
 * Must this sleep end now for a signal or an exit?  0, or the error
 * msleep returns: EINTR, or ERESTART for a signal whose handler has
 * SA_RESTART.
 */
static int
sleep_interrupted(const struct lwp *l, int flags)
{
	const struct proc *p = l->l_proc;

	if (!(flags & (PCATCH | PCATCHKILL)))
		return (0);
	if ((__atomic_load_n(&p->p_flags, __ATOMIC_ACQUIRE) & (P_WEXIT | P_SINGLE)) &&
	    l != p->p_singlelwp)
		return (EINTR);
	if (__atomic_load_n(&p->p_siglist, __ATOMIC_ACQUIRE) & SIGMASK(SIGKILL))
		return (EINTR);
	if (flags & PCATCH)
		return (sig_sleep_check(l));
	return (0);
}

int
msleep(const void *chan, struct spinlock *interlock, int flags,
    const char *wmesg, uint64_t timo)
{
	struct lwp *l = curlwp;
	int error = 0;

	KASSERT(!is_idle(l), "an idle lwp cannot sleep");
	KASSERT(interlock == NULL || spin_held(interlock), "msleep: interlock");
	spin_lock(&sleepq_lock);
	if ((error = sleep_interrupted(l, flags)) != 0) {
		spin_unlock(&sleepq_lock);
		if (interlock != NULL && (flags & PDROP))
			spin_unlock(interlock);
		return (error);
	}
	l->l_sleepflags = flags & (PCATCH | PCATCHKILL);
	l->l_stat = LSSLEEP;
	l->l_wchan = chan;
	l->l_wmesg = wmesg;
	l->l_timedout = false;
	TAILQ_INSERT_TAIL(sleepq_chain(chan), l, l_runq);
	if (timo != 0) {
		/* The tick under way is partly gone: a whole timo must pass (BSD's +1). */
		l->l_deadline = ticks + timo + 1;
		LIST_INSERT_HEAD(&timedq, l, l_timed);
	}
	/* On the queue: a wakeup from here on finds us. */
	if (interlock != NULL)
		spin_unlock(interlock);
	spin_unlock(&sleepq_lock);
	l->l_ru.rk_nvcsw++;
	sched_switch();

	spin_lock(&sleepq_lock);
	if (timo != 0 && !l->l_timedout)
		LIST_REMOVE(l, l_timed);
	if (l->l_timedout)
		error = EAGAIN;
	l->l_sleepflags = 0;
	spin_unlock(&sleepq_lock);
	if (error == 0)
		error = sleep_interrupted(l, flags);
	if (interlock != NULL && !(flags & PDROP))
		spin_lock(interlock);
	return (error);
}

int
pause(const char *wmesg, uint64_t timo)
{
	static char pause_chan;
	int error;

	KASSERT(timo != 0, "pause forever");
	error = msleep(&pause_chan, NULL, PCATCH, wmesg, timo);
	return (error == EAGAIN ? 0 : error);
}

static void
wakeup_common(const void *chan, bool here)
{
	struct lwpq *q = sleepq_chain(chan);
	struct lwp *l, *next;

	spin_lock(&sleepq_lock);
	TAILQ_FOREACH_SAFE(l, q, l_runq, next) {
		if (l->l_wchan == chan) {
			TAILQ_REMOVE(q, l, l_runq);
			setrun_locked(l, here);
		}
	}
	spin_unlock(&sleepq_lock);
}

void
wakeup(const void *chan)
{
	wakeup_common(chan, false);
}

/* wakeup() by an lwp about to exit: the sleepers may have its CPU. */
void
wakeup_exiting(const void *chan)
{
	wakeup_common(chan, true);
}

/*
 * A signal or an exit concerns l: take it off its sleep queue if its
 * sleep can be interrupted by that now, or make it pass through userret()
 * if it is running in user mode on another CPU.
 */
void
sched_unsleep(struct lwp *l)
{
	spin_lock(&sleepq_lock);
	if (l->l_stat == LSSLEEP && sleep_interrupted(l, l->l_sleepflags) != 0) {
		TAILQ_REMOVE(sleepq_chain(l->l_wchan), l, l_runq);
		setrun_locked(l, false);
	}
	spin_unlock(&sleepq_lock);
	sched_kick(l);
}

/*
 * Is there anything ci could run?  Its own queue (an lwp there still
 * switching away elsewhere is a moment from runnable), or an lwp on
 * another queue that ci may run and that is off its CPU.
 */
static bool
sched_has_work(struct cpu *ci)
{
	struct lwp *l;
	bool found = false;

	if (__atomic_load_n(&ci->ci_runq_len, __ATOMIC_SEQ_CST) != 0)
		return (true);
	for (unsigned i = 0; i < ncpus && !found; i++) {
		struct cpu *other = &cpus[i];

		if (other == ci ||
		    __atomic_load_n(&other->ci_runq_len, __ATOMIC_SEQ_CST) == 0)
			continue;
		spin_lock(other->ci_runq_lock);
		TAILQ_FOREACH(l, &other->ci_runq, l_runq) {
			if (cpu_allowed(l, ci) &&
			    !__atomic_load_n(&l->l_running, __ATOMIC_ACQUIRE)) {
				found = true;
				break;
			}
		}
		spin_unlock(other->ci_runq_lock);
	}
	return (found);
}

/*
 * A CPU's idle lwp, once the CPU is up: wait for work, run it, repeat.
 * The idle flag goes up before the queues are looked at, so that whoever
 * queues work after the look also sees the flag and sends the IPI that
 * ends hal_idle().
 */
__noreturn void
sched_idle_loop(void)
{
	struct cpu *ci = curcpu();

	for (;;) {
		__atomic_store_n(&ci->ci_idle, true, __ATOMIC_SEQ_CST);
		if (!sched_has_work(ci))
			hal_idle();
		ipi_poll();
		__atomic_store_n(&ci->ci_idle, false, __ATOMIC_SEQ_CST);
		sched_switch();
	}
}

/* A per-CPU scheduler count summed over the CPUs (each read racily: a statistic). */
static int
sched_count(size_t off)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < ncpus; i++)
		n += __atomic_load_n((uint64_t *)((char *)&cpus[i] + off), __ATOMIC_RELAXED);
	return ((int)n);
}

static int
sched_switches(void)
{
	return (sched_count(offsetof(struct cpu, ci_switches)));
}

static int
sched_steals(void)
{
	return (sched_count(offsetof(struct cpu, ci_steals)));
}

SYSCTL_PROC("kern.sched.switches", sched_switches);
SYSCTL_PROC("kern.sched.steals", sched_steals);

/*
 * debug.ps: root writes 1 to have every process and lwp listed on the
 * console with its state and what it sleeps on (DDB's ps, for a test
 * that finds something stuck).
 */
static int
debug_ps_set(int v)
{
	struct proc *p;
	struct lwp *l;

	if (v != 1)
		return (EINVAL);
	spin_lock(&proctree_lock);
	for (int z = 0; z < 2; z++) {
		LIST_FOREACH(p, z == 0 ? &allproc : &zombproc, p_list) {
			printf("ps: pid %d ppid %d pgid %d stat %d flags %#x sig %#x "
			    "lwps %d %s\n", p->p_pid, p->p_pptr != NULL ?
			    p->p_pptr->p_pid : -1, p->p_pgrp != NULL ?
			    p->p_pgrp->pg_id : -1, p->p_stat, p->p_flags,
			    p->p_siglist, p->p_nthreads, p->p_comm);
			spin_lock(&p->p_lock);
			FOREACH_LWP_IN_PROC(l, p)
				printf("ps:   tid %d stat %d wmesg %s cpu %d running %d\n",
				    l->l_tid, l->l_stat, l->l_stat == LSSLEEP &&
				    l->l_wmesg != NULL ? l->l_wmesg : "-",
				    l->l_cpu != NULL ? (int)l->l_cpu->ci_id : -1,
				    (int)l->l_running);
			spin_unlock(&p->p_lock);
		}
	}
	spin_unlock(&proctree_lock);
	for (unsigned i = 0; i < ncpus; i++) {
		spin_lock(cpus[i].ci_runq_lock);
		printf("ps: cpu%u runs pid %d tid %d; %u queued:", i,
		    cpus[i].ci_curlwp->l_proc->p_pid, cpus[i].ci_curlwp->l_tid,
		    cpus[i].ci_runq_len);
		TAILQ_FOREACH(l, &cpus[i].ci_runq, l_runq)
			printf(" %d.%d", l->l_proc->p_pid, l->l_tid);
		printf("\n");
		spin_unlock(cpus[i].ci_runq_lock);
	}
	return (0);
}
SYSCTL_ACTION("debug.ps", debug_ps_set);
