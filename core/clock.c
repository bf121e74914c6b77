/*
 * The clocks of clock_gettime(2) and clock_getres(2), and nanosleep(2),
 * which sleeps on the monotonic one.
 *
 * CLOCK_MONOTONIC is hal_time_ns(), the time since boot.  CLOCK_REALTIME
 * adds the wall-clock time of boot, read once, at its first use, from the
 * platform's real-time clock (hal_rtc_ns); on a machine without one it
 * counts from the epoch (1970-01-01) at boot.  Nothing sets it, so it
 * never steps.  The CPU-time clocks are core/rusage.c's measured runtime
 * of the caller (CLOCK_THREAD_CPUTIME_ID) or of its whole process
 * (CLOCK_PROCESS_CPUTIME_ID), user and system time together.
 *
 * And the tick that drives them all (hardclock), which hands out its
 * parts: to the running lwp's usage and CPU-time timers, to the
 * scheduler, and to the callouts.
 */
#include "callout.h"
#include "hal.h"
#include "itimer.h"
#include "proc.h"
#include "rusage.h"
#include "sched.h"
#include "smp.h"
#include "syscall.h"
#include "trap.h"
#include "vm.h"

#define NSEC_PER_SEC	1000000000ull
#define TICK_NS		(NSEC_PER_SEC / HZ)

/* The wall-clock time at hal_time_ns() 0, plus one: 0 until first read. */
static uint64_t boottime_plus1;	/* (a) */

/*
 * Each CPU's timer (FreeBSD's hardclock): the CPU time of the lwp it
 * runs and its CPU-time timers, the scheduler's slice and clock, and on
 * the boot CPU the callouts.  Called from the trap handler with
 * interrupts off, either from user mode or from the idle loop, so this
 * CPU holds no lock.  The itimers' signals are why this is not the
 * scheduler's: posting one calls into the scheduler.
 */
void
hardclock(bool from_user)
{
	struct cpu *ci = curcpu();
	struct lwp *l = ci->ci_curlwp;

	if (!(l->l_flags & LW_IDLE)) {
		rusage_tick(l, from_user);
		itimer_tick(l, from_user);
	}
	sched_clock();
	if (ci == &cpus[0])
		callout_tick();
}

/* The first caller reads the RTC; racing first callers agree on the winner's value. */
static uint64_t
boottime(void)
{
	uint64_t v = __atomic_load_n(&boottime_plus1, __ATOMIC_ACQUIRE), rtc, up;
	uint64_t unset = 0;

	if (v == 0) {
		rtc = hal_rtc_ns();
		up = hal_time_ns();
		v = (rtc > up ? rtc - up : 0) + 1;
		if (!__atomic_compare_exchange_n(&boottime_plus1, &unset, v, false,
		    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			v = unset;
	}
	return (v - 1);
}

static void
ns_to_timespec(uint64_t ns, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
}

/*
 * clock_getres(clock, res): every clock reads the platform's one counter
 * (hal_timecount), so they share its resolution: the nanoseconds one
 * count makes, rounded up, at least 1.  res may be NULL (POSIX): the
 * call then only says whether the clock exists.
 */
int
sys_clock_getres(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct timespec ts;

	switch ((int)args[0]) {
	case CLOCK_MONOTONIC:
	case CLOCK_REALTIME:
	case CLOCK_THREAD_CPUTIME_ID:
	case CLOCK_PROCESS_CPUTIME_ID:
		break;
	default:
		return (EINVAL);
	}
	if (args[1] == 0)
		return (0);
	/* A million counts: the per-count figure without hal_timecount_ns's truncation. */
	ns_to_timespec(MAX((hal_timecount_ns(1000000) + 999999) / 1000000, 1), &ts);
	return (copyout(l->l_proc->p_vmspace, &ts, args[1], sizeof(ts)));
}

int
sys_clock_gettime(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct timespec ts;
	uint64_t ns;

	switch ((int)args[0]) {
	case CLOCK_MONOTONIC:
		ns = hal_time_ns();
		break;
	case CLOCK_REALTIME:
		ns = boottime() + hal_time_ns();
		break;
	case CLOCK_THREAD_CPUTIME_ID:
		ns = rusage_lwp_runtime(l);
		break;
	case CLOCK_PROCESS_CPUTIME_ID:
		ns = rusage_proc_runtime(l->l_proc);
		break;
	default:
		return (EINVAL);
	}
	ns_to_timespec(ns, &ts);
	return (copyout(l->l_proc->p_vmspace, &ts, args[1], sizeof(ts)));
}

/*
 * nanosleep(req, rem): sleep at least *req on the monotonic clock.  The
 * ticks msleep counts are re-checked against the clock, so the sleep never
 * ends early however the two drift.  A signal ends it with EINTR and the
 * time left in *rem (if rem is not NULL); it is never restarted, even
 * for an SA_RESTART handler (POSIX).
 */
int
sys_nanosleep(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	static char nanowait;
	struct vmspace *vm = l->l_proc->p_vmspace;
	struct timespec req, rem;
	uint64_t now, deadline;
	int error;

	if ((error = copyin(vm, args[0], &req, sizeof(req))) != 0)
		return (error);
	if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= (long)NSEC_PER_SEC)
		return (EINVAL);
	now = hal_time_ns();
	/* Past ~290 years from boot: as good as forever. */
	if ((uint64_t)req.tv_sec >= (UINT64_MAX / 2 - now) / NSEC_PER_SEC)
		deadline = UINT64_MAX / 2;
	else
		deadline = now + (uint64_t)req.tv_sec * NSEC_PER_SEC +
		    (uint64_t)req.tv_nsec;
	while (now < deadline) {
		error = msleep(&nanowait, NULL, PCATCH, "nanslp",
		    (deadline - now + TICK_NS - 1) / TICK_NS);
		now = hal_time_ns();
		if (error == EINTR || error == ERESTART) {
			if (args[1] != 0) {
				ns_to_timespec(deadline > now ? deadline - now : 0,
				    &rem);
				if ((error = copyout(vm, &rem, args[1],
				    sizeof(rem))) != 0)
					return (error);
			}
			return (EINTR);
		}
	}
	return (0);
}
