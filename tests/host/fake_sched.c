/*
 * A scheduler that never switches, and the machine-dependent lwp hooks
 * (include/cpu.h), for host tests of fork1, exit1 and wait.
 *
 * The test program is the one CPU and runs as whichever lwp it puts in
 * curlwp (fake_become).  Nothing runs unless the test runs it, so:
 * - a new lwp made runnable is only marked so (LSRUN, counted);
 * - wakeup() records its channel, for a test to check who was told;
 * - msleep() cannot wait for anyone: a timed sleep times out at once
 *   (EAGAIN, as pause and fork's throttle expect); an interruptible one
 *   first runs the test's fake_sleep_hook, the "meanwhile" (a child
 *   exits), and then returns 0 if something woke its channel meanwhile,
 *   else EINTR, as a signal would end it; any other sleep would be
 *   forever, which panics;
 * - sched_exit() marks curlwp dead and off its CPU (freeing it, as the
 *   next switch would, when nobody reaps it) and longjmps to the test's
 *   fake_exit_env: exit1 "returns" there.
 */
#include "cpu.h"
#include "fake_sched.h"
#include "hal.h"
#include "host_libc.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"

struct spinlock sleepq_lock = SPINLOCK_INIT("sleepq");
volatile uint64_t ticks;

int fake_setrun_count, fake_cpu_fork_count;
void (*fake_sleep_hook)(void *);
void *fake_sleep_arg;
void *fake_exit_env;

#define WOKEN_MAX	64
static const void *woken[WOKEN_MAX];
static int nwoken;

void
fake_become(struct lwp *l)
{
	struct lwp *old = curcpu()->ci_curlwp;

	if (old != NULL && old != l && old != &lwp0)
		__atomic_store_n(&old->l_running, false, __ATOMIC_RELEASE);
	curcpu()->ci_curlwp = l;
	l->l_running = true;
	l->l_cpu = curcpu();
}

void
fake_woken_clear(void)
{
	nwoken = 0;
}

bool
fake_woken(const void *chan)
{
	for (int i = 0; i < nwoken; i++)
		if (woken[i] == chan)
			return (true);
	return (false);
}

void
wakeup(const void *chan)
{
	if (nwoken < WOKEN_MAX)
		woken[nwoken++] = chan;
}

void
wakeup_exiting(const void *chan)
{
	wakeup(chan);
}

int
msleep(const void *chan, struct spinlock *interlock, int flags,
    const char *wmesg, uint64_t timo)
{
	void (*hook)(void *) = fake_sleep_hook;
	bool was_woken;

	KASSERT(interlock == NULL || spin_held(interlock), "msleep: interlock");
	if (timo != 0) {
		if (interlock != NULL && (flags & PDROP))
			spin_unlock(interlock);
		return (EAGAIN);
	}
	if (!(flags & PCATCH) || hook == NULL)
		panic("fake msleep: \"%s\" would sleep forever", wmesg);
	fake_sleep_hook = NULL;
	if (interlock != NULL)
		spin_unlock(interlock);
	fake_woken_clear();
	hook(fake_sleep_arg);
	was_woken = fake_woken(chan);
	if (interlock != NULL && !(flags & PDROP))
		spin_lock(interlock);
	return (was_woken ? 0 : EINTR);
}

int
pause(const char *wmesg, uint64_t timo)
{
	static char pause_chan;

	KASSERT(timo != 0, "pause forever");
	return (msleep(&pause_chan, NULL, PCATCH, wmesg, timo) == EAGAIN ? 0 : EINTR);
}

void
sched_setrun(struct lwp *l)
{
	l->l_stat = LSRUN;
	fake_setrun_count++;
}

void
sched_setrun_forked(struct lwp *l)
{
	sched_setrun(l);
}

void
sched_unsleep(struct lwp *l __unused)
{
}

void
sched_kick(struct lwp *l __unused)
{
}

__noreturn void
sched_exit(bool reaped)
{
	struct lwp *l = curlwp;
	struct proc *p = l->l_proc;

	KASSERT(fake_exit_env != NULL, "sched_exit outside fake_exit");
	KASSERT(curcpu()->ci_spin_depth == 0, "sched_exit holding a spinlock");
	l->l_stat = LSZOMB;
	curcpu()->ci_curlwp = &lwp0;
	__atomic_store_n(&l->l_running, false, __ATOMIC_RELEASE);
	if (!reaped) {
		/* sched_after_switch's part: nobody reaps a lone lwp. */
		lwp_free(l);
		spin_lock(&p->p_lock);
		if (--p->p_ndying == 0)
			wakeup(&p->p_nthreads);
		spin_unlock(&p->p_lock);
	}
	longjmp(fake_exit_env, 1);
}

void
lwp_wait_off_cpu(struct lwp *l)
{
	KASSERT(!l->l_running, "lwp_wait_off_cpu: the fake CPU still runs it");
}

void
smp_halt_others(void)
{
}

/* The lwp's user registers: only whether fork copied them is of interest. */
void
cpu_fork(struct lwp *parent __unused, struct lwp *child __unused)
{
	fake_cpu_fork_count++;
}

vaddr_t
cpu_user_pc(struct lwp *l __unused)
{
	return (0);
}

vaddr_t
cpu_user_sp(struct lwp *l __unused)
{
	return (0);
}

int
cpu_sendsig(struct lwp *l __unused, const struct sigdeliver *sd __unused)
{
	return (EFAULT);
}

void
console_puts(const char *s, size_t len)
{
	printf("# %.*s", (int)len, s);
}

uint64_t
hal_timecount_ns(uint64_t count)
{
	return (count);
}

__noreturn void
hal_poweroff(int status)
{
	printf("Bail out! poweroff, status %d\n", status);
	exit(3);
}

size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size != 0) {
		size_t m = n < size - 1 ? n : size - 1;

		memcpy(dst, src, m);
		dst[m] = '\0';
	}
	return (n);
}
