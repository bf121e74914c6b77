/*
 * Interval timers: setitimer(2) and getitimer(2), FreeBSD's kern_time.c.
 *
 * ITIMER_REAL counts real time whatever the process does: its deadline is
 * a callout (callout.h) that posts SIGALRM and, with an interval, re-arms
 * itself one interval after the previous deadline, so that the period
 * does not drift (periods a late tick missed are skipped, not bunched).
 *
 * ITIMER_VIRTUAL (user time, SIGVTALRM) and ITIMER_PROF (user and system
 * time, SIGPROF) are charged a tick each time the timer tick lands on one
 * of the process's lwps, as FreeBSD's hardclock does: a tick from user
 * mode for VIRTUAL, any for PROF.  The kernel masks interrupts, so a tick
 * that comes due during a system call is taken on the way out to user
 * mode, on the same lwp: PROF sees it, and VIRTUAL counts it too.
 *
 * A fork child starts with every timer disarmed (proc_alloc zeroes them,
 * as POSIX asks); exec keeps them; exit stops ITIMER_REAL's callout and
 * waits out a call in progress before the process can be reaped.
 */
#include "hal.h"
#include "itimer.h"
#include "proc.h"
#include "sched.h"
#include "signalvar.h"
#include "syscall.h"
#include "vm.h"

#define TICK_NS		(1000000000ull / HZ)
#define NS_MAX		(UINT64_MAX / 4)	/* "forever", with room to add to */

/* What a timer's signal says in its siginfo_t. */
static const struct ksiginfo timer_ksi = { .ksi_code = SI_TIMER };

static bool
timeval_valid(const struct timeval *tv)
{
	return (tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000);
}

static uint64_t
timeval_to_ns(const struct timeval *tv)
{
	if ((uint64_t)tv->tv_sec >= NS_MAX / 1000000000u)
		return (NS_MAX);
	return ((uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_usec * 1000u);
}

/* Rounded up: a timer reported as 0 is disarmed, a live one never reads 0. */
static void
ns_to_timeval(uint64_t ns, struct timeval *tv)
{
	ns += 999;
	tv->tv_sec = (time_t)(ns / 1000000000u);
	tv->tv_usec = (suseconds_t)(ns % 1000000000u / 1000u);
}

static void
itimer_real_fire(void *arg)
{
	struct proc *p = arg;
	struct itimer *it = &p->p_itimer[ITIMER_REAL];
	uint64_t now = hal_time_ns(), next;

	spin_lock(&p->p_lock);
	/*
	 * Disarmed, or re-armed for later, while this call was on its way:
	 * a stale call.  An exiting process is not re-armed (itimer_exit).
	 */
	if (it->it_value == 0 || it->it_value > now || (p->p_flags & P_WEXIT)) {
		spin_unlock(&p->p_lock);
		return;
	}
	if (it->it_interval != 0) {
		next = it->it_value + it->it_interval;
		if (next <= now)
			next += ((now - next) / it->it_interval + 1) * it->it_interval;
		it->it_value = next;
		callout_reset(&p->p_itcallout, next, itimer_real_fire, p);
	} else
		it->it_value = 0;
	spin_unlock(&p->p_lock);
	psignal_info(p, TID_ANY, SIGALRM, &timer_ksi);
}

/* Charge a tick to a CPU-time timer; true when it expires.  p_lock held. */
static bool
itimer_decr(struct itimer *it)
{
	uint64_t over;

	if (it->it_value == 0)
		return (false);
	if (it->it_value > TICK_NS) {
		it->it_value -= TICK_NS;
		return (false);
	}
	/* The part of the tick past expiry counts against the next period. */
	over = TICK_NS - it->it_value;
	it->it_value = it->it_interval == 0 ? 0 :
	    it->it_interval > over ? it->it_interval - over : 1;
	return (true);
}

static void
itimer_cpu_update(struct proc *p)
{
	__atomic_store_n(&p->p_itimer_cpu, p->p_itimer[ITIMER_VIRTUAL].it_value != 0 ||
	    p->p_itimer[ITIMER_PROF].it_value != 0, __ATOMIC_RELAXED);
}

/* A tick on l's CPU (hardclock: no lock held), l not idle. */
void
itimer_tick(struct lwp *l, bool from_user)
{
	struct proc *p = l->l_proc;
	bool vt, prof;

	if (__atomic_load_n(&p->p_itimer_cpu, __ATOMIC_RELAXED) == 0)
		return;
	spin_lock(&p->p_lock);
	vt = from_user && itimer_decr(&p->p_itimer[ITIMER_VIRTUAL]);
	prof = itimer_decr(&p->p_itimer[ITIMER_PROF]);
	itimer_cpu_update(p);
	spin_unlock(&p->p_lock);
	if (vt)
		psignal_info(p, TID_ANY, SIGVTALRM, &timer_ksi);
	if (prof)
		psignal_info(p, TID_ANY, SIGPROF, &timer_ksi);
}

/*
 * The exiting process (P_WEXIT set, its other lwps gone, no lock held):
 * disarm ITIMER_REAL, and wait for a callout call in progress, which may
 * still be using p, before p can be reaped.  The CPU-time timers need
 * nothing: no tick lands in the kernel, and the lwp leaves it for good.
 */
void
itimer_exit(struct proc *p)
{
	/*
	 * Only the process's own lwps arm its callout, and they are gone:
	 * one never set (most processes) cannot be set now, nor be running.
	 */
	if (p->p_itcallout.c_func == NULL)
		return;
	spin_lock(&p->p_lock);
	memset(p->p_itimer, 0, sizeof(p->p_itimer));
	itimer_cpu_update(p);
	spin_unlock(&p->p_lock);
	callout_drain(&p->p_itcallout);
}

/* p's timer `which' as it stands at now; p_lock held. */
static void
itimer_get(struct proc *p, int which, uint64_t now, struct itimerval *itv)
{
	const struct itimer *it = &p->p_itimer[which];
	uint64_t left = it->it_value;

	/* A deadline already past is reported as 0 (FreeBSD), even before its callout runs. */
	if (which == ITIMER_REAL)
		left = left > now ? left - now : 0;
	ns_to_timeval(it->it_interval, &itv->it_interval);
	if (left == 0)
		itv->it_value.tv_sec = itv->it_value.tv_usec = 0;
	else
		ns_to_timeval(left, &itv->it_value);
}

int
sys_getitimer(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p = l->l_proc;
	int which = (int)args[0];
	struct itimerval itv;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return (EINVAL);
	spin_lock(&p->p_lock);
	itimer_get(p, which, hal_time_ns(), &itv);
	spin_unlock(&p->p_lock);
	return (copyout(p->p_vmspace, &itv, args[1], sizeof(itv)));
}

/*
 * setitimer(which, itv, oitv): a zero it_value disarms; a zero
 * it_interval makes a one-shot timer.  The old setting goes to oitv if
 * it is not NULL; a NULL itv only reads it (FreeBSD).
 */
int
sys_setitimer(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p = l->l_proc;
	int which = (int)args[0];
	struct itimerval itv, oitv;
	struct itimer *it;
	uint64_t now, value;
	int error;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return (EINVAL);
	if (args[1] != 0) {
		if ((error = copyin(p->p_vmspace, args[1], &itv, sizeof(itv))) != 0)
			return (error);
		if (!timeval_valid(&itv.it_value) || !timeval_valid(&itv.it_interval))
			return (EINVAL);
	}
	it = &p->p_itimer[which];
	spin_lock(&p->p_lock);
	now = hal_time_ns();
	itimer_get(p, which, now, &oitv);
	if (args[1] != 0) {
		value = timeval_to_ns(&itv.it_value);
		it->it_interval = value != 0 ? timeval_to_ns(&itv.it_interval) : 0;
		if (which != ITIMER_REAL) {
			it->it_value = value;
			itimer_cpu_update(p);
		} else if (value != 0) {
			it->it_value = now + value;
			callout_reset(&p->p_itcallout, it->it_value, itimer_real_fire, p);
		} else {
			it->it_value = 0;
			callout_stop(&p->p_itcallout);
		}
	}
	spin_unlock(&p->p_lock);
	if (args[2] != 0)
		return (copyout(p->p_vmspace, &oitv, args[2], sizeof(oitv)));
	return (0);
}
