/*
 * What an lwp has pending, read without locks: the signal it would take
 * next, and whether that ends a sleep.  Kept below the scheduler, which
 * asks it for every interruptible sleep (msleep with PCATCH), and apart
 * from signal.c, which posts and takes signals and calls the scheduler:
 * so the sleep queue needs nothing above it (FreeBSD checks the same
 * from subr_sleepqueue.c through kern_sig.c's cursig).
 */
#include "proc.h"
#include "signalvar.h"

int
sig_deliverable(const struct lwp *l)
{
	uint32_t pend;

	pend = (__atomic_load_n(&l->l_proc->p_siglist, __ATOMIC_ACQUIRE) |
	    __atomic_load_n(&l->l_siglist, __ATOMIC_ACQUIRE)) &
	    ~__atomic_load_n(&l->l_sigmask, __ATOMIC_ACQUIRE);
	return (pend == 0 ? 0 : __builtin_ctz(pend) + 1);
}

/*
 * Called by msleep under sleepq_lock, so without p_lock or ps_lock: the
 * racy reads are re-checked by sig_deliver, and at worst a system call
 * returns EINTR where it could have restarted.
 */
int
sig_sleep_check(const struct lwp *l)
{
	const struct proc *p = l->l_proc;
	const struct sigacts *ps;
	uint32_t restart;
	int sig;

	if (__atomic_load_n(&p->p_siglist, __ATOMIC_ACQUIRE) & SIGMASK(SIGKILL))
		return (EINTR);
	/* A stopped process's sleeps go on: they end when it continues. */
	if (__atomic_load_n(&p->p_flags, __ATOMIC_ACQUIRE) & P_STOPPED)
		return (0);
	/* sigtimedwait: one of the signals it waits for came. */
	if ((__atomic_load_n(&p->p_siglist, __ATOMIC_ACQUIRE) |
	    __atomic_load_n(&l->l_siglist, __ATOMIC_ACQUIRE)) &
	    __atomic_load_n(&l->l_sigwait, __ATOMIC_ACQUIRE))
		return (EINTR);
	if ((sig = sig_deliverable(l)) == 0)
		return (0);
	ps = __atomic_load_n(&p->p_sigacts, __ATOMIC_ACQUIRE);
	restart = ps != NULL ? __atomic_load_n(&ps->ps_sigrestart, __ATOMIC_RELAXED) : 0;
	return ((restart & SIGMASK(sig)) ? ERESTART : EINTR);
}
