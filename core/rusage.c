/*
 * CPU-time accounting and getrusage(2).
 *
 * An lwp's time on a CPU is measured, not sampled: each context switch
 * charges the lwp leaving the CPU from l_swtime (rk_runtime), and the
 * part of it spent in user mode is measured too, from the moment the lwp
 * leaves for user mode (the end of userret) to the moment it comes back
 * into the kernel (a system call, a page fault, a tick).  FreeBSD splits
 * runtime by sampling the mode at each statclock tick instead; here the
 * kernel runs with interrupts masked, so no tick can land in it: one that
 * comes due during a system call is taken on the way back to user mode
 * and would read as user time, and a syscall-bound process would show no
 * system time at all.  Entries from user mode this does not see (an IPI,
 * an exception that is not a page fault) charge their few instructions as
 * user time, up to the next switch or return to user mode.
 *
 * Times are kept in counts of the raw counter under hal_time_ns()
 * (hal_timecount(), one instruction: the hooks of every system call and
 * switch are inline, in rusage.h) and converted to nanoseconds when
 * reported.
 *
 * A running lwp's runtime is brought up to date at each tick of its CPU,
 * so the process's other lwps read it with at most a tick's lag; the
 * caller's own is read up to now.  The counters of an lwp are written
 * only by the lwp or the CPU running it, and read racily by the others
 * (relaxed atomics).  An exiting lwp's usage is folded into its process
 * (p_ru) in the same p_lock section that takes it off the lwp tree, so a
 * sum over both never counts it twice or misses it; a reaped child's, with
 * its own children's, goes into its parent's p_cru under proctree_lock,
 * which the reaper holds already.  A fork child starts
 * at zero: proc_alloc and lwp_alloc zero everything.
 */
#include "hal.h"
#include "lwp.h"
#include "proc.h"
#include "rusage.h"
#include "syscall.h"
#include "vm.h"

#define RK_LOAD(f)	__atomic_load_n(&(f), __ATOMIC_RELAXED)

/* A tick on l's CPU, l not idle. */
void
rusage_tick(struct lwp *l, bool from_user)
{
	uint64_t now = hal_timecount();

	if (from_user)
		rusage_user_stop(l, now);
	rusage_runtime_update(l, now);
}

void
rusage_fault(struct lwp *l)
{
	rusage_kenter(l);
	RK_ADD(l->l_ru.rk_minflt, 1);
}

static void
rk_add(struct rusage_kern *to, const struct rusage_kern *from)
{
	to->rk_runtime += from->rk_runtime;
	to->rk_utime += from->rk_utime;
	to->rk_minflt += from->rk_minflt;
	to->rk_nvcsw += from->rk_nvcsw;
	to->rk_nivcsw += from->rk_nivcsw;
}

/*
 * Add l's usage to rk, read racily unless l is the caller; a racy read
 * may see a user interval closed after the last runtime update, hence
 * the clamp.
 */
static void
rk_add_lwp(struct rusage_kern *rk, struct lwp *l)
{
	struct rusage_kern lr;

	lr.rk_runtime = RK_LOAD(l->l_ru.rk_runtime);
	if (l == curlwp)
		lr.rk_runtime += hal_timecount() - l->l_swtime;
	lr.rk_utime = MIN(RK_LOAD(l->l_ru.rk_utime), lr.rk_runtime);
	lr.rk_minflt = RK_LOAD(l->l_ru.rk_minflt);
	lr.rk_nvcsw = RK_LOAD(l->l_ru.rk_nvcsw);
	lr.rk_nivcsw = RK_LOAD(l->l_ru.rk_nivcsw);
	rk_add(rk, &lr);
}

/* The exiting lwp l (curlwp) leaves its usage to p; p_lock held. */
void
rusage_lwp_exit(struct proc *p, struct lwp *l)
{
	uint64_t now = hal_timecount();

	KASSERT(spin_held(&p->p_lock), "rusage_lwp_exit without p_lock");
	KASSERT(l == curlwp, "rusage_lwp_exit of another lwp");
	rusage_user_stop(l, now);
	rusage_runtime_update(l, now);
	rk_add(&p->p_ru, &l->l_ru);
}

uint64_t
rusage_lwp_runtime(struct lwp *l)
{
	KASSERT(l == curlwp, "rusage_lwp_runtime of another lwp");
	return (hal_timecount_ns(l->l_ru.rk_runtime + (hal_timecount() - l->l_swtime)));
}

/* p's usage: its exited lwps' and its live ones'. */
static void
rusage_proc(struct proc *p, struct rusage_kern *rk)
{
	struct lwp *l;

	spin_lock(&p->p_lock);
	*rk = p->p_ru;
	FOREACH_LWP_IN_PROC(l, p)
		rk_add_lwp(rk, l);
	spin_unlock(&p->p_lock);
}

uint64_t
rusage_proc_runtime(struct proc *p)
{
	struct rusage_kern rk;

	rusage_proc(p, &rk);
	return (hal_timecount_ns(rk.rk_runtime));
}

static void
ns_to_timeval(uint64_t ns, struct timeval *tv)
{
	tv->tv_sec = (time_t)(ns / 1000000000u);
	tv->tv_usec = (suseconds_t)(ns % 1000000000u / 1000u);
}

/* calcru: runtime split into user and system time. */
static void
rk_to_rusage(const struct rusage_kern *rk, struct rusage *ru)
{
	uint64_t ut = MIN(rk->rk_utime, rk->rk_runtime);

	memset(ru, 0, sizeof(*ru));
	ns_to_timeval(hal_timecount_ns(ut), &ru->ru_utime);
	ns_to_timeval(hal_timecount_ns(rk->rk_runtime - ut), &ru->ru_stime);
	ru->ru_minflt = rk->rk_minflt;
	ru->ru_nvcsw = rk->rk_nvcsw;
	ru->ru_nivcsw = rk->rk_nivcsw;
}

/*
 * child, a zombie no longer on any list, is being reaped by parent:
 * proctree_lock held, which is p_cru's lock.  child's fields are final
 * (its last lwp folded them in in exit1), so they are read without its lock.
 */
void
rusage_reap(struct proc *parent, struct proc *child, struct __wrusage *wru)
{
	KASSERT(spin_held(&proctree_lock), "rusage_reap without proctree_lock");
	KASSERT(child->p_stat == SZOMB, "rusage_reap of a live process");
	if (wru != NULL) {
		rk_to_rusage(&child->p_ru, &wru->wru_self);
		rk_to_rusage(&child->p_cru, &wru->wru_children);
	}
	rk_add(&parent->p_cru, &child->p_ru);
	rk_add(&parent->p_cru, &child->p_cru);
}

/* getrusage(who, ru): RUSAGE_SELF, RUSAGE_CHILDREN, RUSAGE_THREAD. */
int
sys_getrusage(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p = l->l_proc;
	struct rusage_kern rk;
	struct rusage ru;

	switch ((int)args[0]) {
	case RUSAGE_SELF:
		rusage_proc(p, &rk);
		break;
	case RUSAGE_CHILDREN:
		spin_lock(&proctree_lock);
		rk = p->p_cru;
		spin_unlock(&proctree_lock);
		break;
	case RUSAGE_THREAD:
		rk = l->l_ru;
		rk.rk_runtime += hal_timecount() - l->l_swtime;
		break;
	default:
		return (EINVAL);
	}
	rk_to_rusage(&rk, &ru);
	return (copyout(p->p_vmspace, &ru, args[1], sizeof(ru)));
}
