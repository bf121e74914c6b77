/*
 * Signals: posting, delivery and job control, FreeBSD's model cut to
 * forkrt's size.  The system calls are in sys_signal.c.
 *
 * A signal is posted to a process (kill: any of its lwps that does not
 * mask it may take it) or to one lwp (lwp_kill, a trap), and taken by an
 * lwp in userret() on its way back to user mode: a handler gets a frame
 * on the user stack (cpu_sendsig), a default action ends the process,
 * stops it or does nothing.  A sleep with PCATCH ends for a signal the
 * sleeper could take: msleep returns EINTR, or ERESTART when the handler
 * asked for SA_RESTART, and the system call then runs again after it.
 *
 * Stop and continue act when posted, not when taken, so that a process
 * asleep in the kernel stops at once and its parent hears of it: sleeping
 * lwps stay asleep (their sleep does not end for a stop), and any lwp
 * that runs or wakes stops in userret().  Stops and continues are told to
 * the parent, which needs proctree_lock: psignal takes it for them when
 * its caller does not hold it.
 */
#include "exit.h"
#include "lwp.h"
#include "pmap.h"
#include "proc.h"
#include "procdesc.h"
#include "sched.h"
#include "session.h"
#include "signalvar.h"
#include "syscall.h"
#include "trap.h"
#include "vm.h"

static bool
sig_valid(int sig)
{
	return (sig > 0 && sig < NSIG);
}

/*
 * A process that never set a disposition has no table (p_sigacts NULL:
 * every signal SIG_DFL, no flags), so that fork, which copies the table,
 * pays for it only in processes that use signals.  A table, once made,
 * stays until the process is reaped (or exec gives up a shared one).
 */
static struct sigacts *
sigacts_alloc(void)
{
	struct sigacts *ps;

	if ((ps = kzalloc(sizeof(*ps))) == NULL)
		return (NULL);
	spin_init(&ps->ps_lock, "sigacts");
	ps->ps_refcnt = 1;
	return (ps);
}

/* p's table, made now if it has none.  NULL when out of memory. */
struct sigacts *
sigacts_get(struct proc *p)
{
	struct sigacts *ps, *nps;

	if ((ps = __atomic_load_n(&p->p_sigacts, __ATOMIC_ACQUIRE)) != NULL)
		return (ps);
	if ((nps = sigacts_alloc()) == NULL)
		return (NULL);
	spin_lock(&p->p_lock);
	if ((ps = p->p_sigacts) == NULL)
		__atomic_store_n(&p->p_sigacts, ps = nps, __ATOMIC_RELEASE);
	spin_unlock(&p->p_lock);
	if (ps != nps)
		sigacts_drop(nps);
	return (ps);
}

/* A private copy of ps (fork, exec of a sharer), or NULL. */
static struct sigacts *
sigacts_copy(struct sigacts *ps)
{
	struct sigacts *nps;

	if ((nps = kmalloc(sizeof(*nps))) == NULL)
		return (NULL);
	spin_lock(&ps->ps_lock);
	*nps = *ps;
	spin_unlock(&ps->ps_lock);
	spin_init(&nps->ps_lock, "sigacts");
	nps->ps_refcnt = 1;
	return (nps);
}

/* Caught signals back to SIG_DFL; those whose default is to ignore go from pending.  ps_lock held. */
static uint32_t
sigacts_reset_caught(struct sigacts *ps)
{
	uint32_t caught = ps->ps_sigcatch;
	int sig;

	for (sig = 1; sig < NSIG; sig++) {
		if (caught & SIGMASK(sig)) {
			ps->ps_handler[sig] = (vaddr_t)SIG_DFL;
			ps->ps_tramp[sig] = 0;
			ps->ps_catchmask[sig] = 0;
		}
	}
	ps->ps_sigcatch = 0;
	ps->ps_sigonstack = ps->ps_sigrestart = ps->ps_sigreset = 0;
	ps->ps_siginfo = ps->ps_signodefer = 0;
	return (caught);
}

int
sigacts_fork(struct proc *p1, struct proc *p2, int flags)
{
	struct sigacts *ps;

	if (flags & RFSIGSHARE) {
		/* Sharing needs a table both see change. */
		if ((ps = sigacts_get(p1)) == NULL)
			return (ENOMEM);
		__atomic_add_fetch(&ps->ps_refcnt, 1, __ATOMIC_RELAXED);
		p2->p_sigacts = ps;
		return (0);
	}
	if ((ps = __atomic_load_n(&p1->p_sigacts, __ATOMIC_ACQUIRE)) == NULL)
		return (0);
	if ((p2->p_sigacts = sigacts_copy(ps)) == NULL)
		return (ENOMEM);
	/*
	 * RFSPAWN: the child runs in the parent's memory until it execs,
	 * where the parent's handlers must not run (FreeBSD's
	 * FR2_DROPSIG_CAUGHT).  p2 is nobody else's yet: no lock needed.
	 */
	if (flags & RFSPAWNDFL)
		sigacts_reset_caught(p2->p_sigacts);
	return (0);
}

void
sigacts_drop(struct sigacts *ps)
{
	if (ps != NULL && __atomic_sub_fetch(&ps->ps_refcnt, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(ps);
}

void
sigacts_free(struct proc *p)
{
	struct sigacts *ps = p->p_sigacts;

	if (ps == NULL)
		return;
	p->p_sigacts = NULL;
	sigacts_drop(ps);
}

int
sigacts_exec_prepare(struct proc *p, struct sigacts **fresh)
{
	*fresh = NULL;
	if (p->p_sigacts == NULL ||
	    __atomic_load_n(&p->p_sigacts->ps_refcnt, __ATOMIC_ACQUIRE) == 1)
		return (0);
	return ((*fresh = sigacts_copy(p->p_sigacts)) == NULL ? ENOMEM : 0);
}

/*
 * exec, past its point of no return: a table shared with RFSIGSHARE
 * peers is left to them for fresh, a copy made before.  Handlers are
 * gone with the old image, so caught signals go back to SIG_DFL; ignored
 * ones, the mask and pending signals stay (POSIX); the alternate stack
 * went with the old image too.
 */
void
sigacts_exec(struct proc *p, struct lwp *l, struct sigacts *fresh)
{
	struct sigacts *ps, *old = NULL;
	uint32_t caught;

	l->l_sigstk = (stack_t){ .ss_flags = SS_DISABLE };
	l->l_hasoldmask = false;
	/* Others read a process's table under proctree_lock (its children's exits). */
	spin_lock(&proctree_lock);
	spin_lock(&p->p_lock);
	if (fresh != NULL) {
		old = p->p_sigacts;
		p->p_sigacts = fresh;
	}
	spin_unlock(&proctree_lock);
	if ((ps = p->p_sigacts) == NULL) {
		spin_unlock(&p->p_lock);
		return;
	}
	spin_lock(&ps->ps_lock);
	caught = sigacts_reset_caught(ps);
	/* Solaris and FreeBSD: SA_NOCLDWAIT does not survive exec, SIG_IGN does. */
	if (!(ps->ps_sigignore & SIGMASK(SIGCHLD)))
		ps->ps_flag &= ~PS_NOCLDWAIT;
	spin_unlock(&ps->ps_lock);
	/* Caught signals now take their default action; those that ignore go. */
	p->p_siglist &= ~(caught & SIGS_DFL_IGNORE);
	l->l_siglist &= ~(caught & SIGS_DFL_IGNORE);
	spin_unlock(&p->p_lock);
	sigacts_drop(old);
}

/* Stands for a process's missing table where a lock must be taken. */
static struct sigacts sigacts_default = { .ps_lock = SPINLOCK_INIT("sigacts") };

/* A table's ps_flag: 0 without one.  A racy read: whoever needs it exact holds proctree_lock. */
int
sigacts_flags(const struct proc *p)
{
	const struct sigacts *ps = __atomic_load_n(&p->p_sigacts, __ATOMIC_ACQUIRE);

	return (ps != NULL ? __atomic_load_n(&ps->ps_flag, __ATOMIC_RELAXED) : 0);
}

/* What l takes for sig now.  ps_lock held, or a racy read re-checked later. */
enum sigaction_kind { SIGACT_DEFAULT, SIGACT_IGNORE, SIGACT_CATCH };

static enum sigaction_kind
sig_action(const struct sigacts *ps, int sig)
{
	uint32_t m = SIGMASK(sig);

	if (ps == NULL)
		return (SIGACT_DEFAULT);
	if (__atomic_load_n(&ps->ps_sigcatch, __ATOMIC_RELAXED) & m)
		return (SIGACT_CATCH);
	if (__atomic_load_n(&ps->ps_sigignore, __ATOMIC_RELAXED) & m)
		return (SIGACT_IGNORE);
	return (SIGACT_DEFAULT);
}

/*
 * Is the signal in m blocked for l, or for every lwp of p when l is NULL?
 * A blocked signal stays pending even when ignored, so that sigwait can
 * take it (POSIX leaves it to us; FreeBSD does the same), and so does one
 * an lwp waits for in sigtimedwait.  p_lock held.
 */
static bool
sig_blocked(struct proc *p, struct lwp *l, uint32_t m)
{
	struct lwp *l2;
	bool blocked = true;

	if (l != NULL)
		return (((l->l_sigmask | l->l_sigwait) & m) != 0);
	FOREACH_LWP_IN_PROC(l2, p) {
		if (l2->l_sigwait & m)
			return (true);
		if (!(l2->l_sigmask & m))
			blocked = false;
	}
	return (blocked);
}

void
sig_unpend(struct proc *p, uint32_t m)
{
	struct lwp *l;

	__atomic_and_fetch(&p->p_siglist, ~m, __ATOMIC_RELEASE);
	FOREACH_LWP_IN_PROC(l, p)
		__atomic_and_fetch(&l->l_siglist, ~m, __ATOMIC_RELEASE);
}

/* Stop p for sig: running lwps stop in userret, sleeping ones when they wake.  p_lock held. */
static void
proc_stop(struct proc *p, int sig)
{
	struct lwp *l;

	__atomic_or_fetch(&p->p_flags, P_STOPPED, __ATOMIC_RELEASE);
	__atomic_and_fetch(&p->p_flags, ~(P_WAITED | P_CONTINUED), __ATOMIC_RELEASE);
	p->p_xsig = sig;
	FOREACH_LWP_IN_PROC(l, p)
		sched_kick(l);
}

/* End p's stop; continued says whether wait should report it.  p_lock held. */
static void
proc_continue(struct proc *p, bool continued)
{
	struct lwp *l;

	__atomic_and_fetch(&p->p_flags, ~(P_STOPPED | P_WAITED), __ATOMIC_RELEASE);
	if (continued)
		__atomic_or_fetch(&p->p_flags, P_CONTINUED, __ATOMIC_RELEASE);
	wakeup(&p->p_xsig);
	/* A signal posted while stopped did not end their sleeps: it may now. */
	FOREACH_LWP_IN_PROC(l, p)
		sched_unsleep(l);
}

/*
 * Tell p's parent that p stopped or continued (code CLD_STOPPED or
 * CLD_CONTINUED): SIGCHLD unless it asked for SA_NOCLDSTOP, and a wakeup
 * for its wait (and a pdwait on p's descriptor).  proctree_lock held, so the parent cannot go meanwhile.
 */
static void
sig_tell_parent(struct proc *p, int code, int status)
{
	struct proc *parent = p->p_pptr;
	struct ksiginfo ksi = { .ksi_code = code, .ksi_pid = p->p_pid,
	    .ksi_uid = p->p_uid, .ksi_status = status };

	KASSERT(spin_held(&proctree_lock), "sig_tell_parent without proctree_lock");
	if (parent == NULL)
		return;
	if (!(sigacts_flags(parent) & PS_NOCLDSTOP))
		psignal_info(parent, TID_ANY, SIGCHLD, &ksi);
	wakeup(parent);
	procdesc_jobstate(p);
}

/*
 * The siginfo of pending signals, one per signal (they do not queue), in
 * a table made when the first is posted: most processes never get one,
 * and fork should not pay for it.  Out of memory, the signal still comes,
 * with si_code SI_NOINFO.  p_lock held.
 */
static void
siginfo_store(struct ksiginfo **tab, int sig, const struct ksiginfo *ksi)
{
	if (*tab == NULL && (*tab = kzalloc(NSIG * sizeof(**tab))) == NULL)
		return;
	(*tab)[sig] = *ksi;
}

/* Take sig off *list, with its siginfo into *ksi.  p_lock held. */
static void
siginfo_take(uint32_t *list, struct ksiginfo *tab, int sig, struct ksiginfo *ksi)
{
	*ksi = tab != NULL ? tab[sig] : (struct ksiginfo){ .ksi_code = SI_NOINFO };
	__atomic_and_fetch(list, ~SIGMASK(sig), __ATOMIC_RELEASE);
}

void
psignal_take(struct lwp *l, int sig, struct ksiginfo *ksi)
{
	struct proc *p = l->l_proc;

	KASSERT(spin_held(&p->p_lock), "psignal_take without p_lock");
	/* A signal for this lwp goes before the same one for the process. */
	if (l->l_siglist & SIGMASK(sig))
		siginfo_take(&l->l_siglist, l->l_siginfo, sig, ksi);
	else
		siginfo_take(&p->p_siglist, p->p_siginfo, sig, ksi);
}

void
psignal_info(struct proc *p, lwpid_t tid, int sig, const struct ksiginfo *ksi)
{
	uint32_t m = SIGMASK(sig);
	enum sigaction_kind act;
	struct lwp *l = NULL, *l2;
	bool tree = false;
	int tell = 0, status = 0;

	KASSERT(sig_valid(sig), "signal number");
	if ((m & (SIGS_STOP | SIGMASK(SIGCONT))) && !spin_held(&proctree_lock)) {
		spin_lock(&proctree_lock);
		tree = true;
	}
	spin_lock(&p->p_lock);
	/* A child fork1 is still building (SIDL) takes it when it first runs. */
	if (p->p_stat == SZOMB || (p->p_flags & (P_SYSTEM | P_WEXIT)))
		goto out;
	/* An lwp gone meanwhile takes nothing more (FreeBSD's thr_kill: ESRCH). */
	if (tid != TID_ANY && (l = lwp_find(p, tid)) == NULL)
		goto out;
	act = sig_action(p->p_sigacts, sig);
	/* Init takes no default actions (FreeBSD's issignal): nobody can end the machine so. */
	if (p == initproc && act != SIGACT_CATCH)
		goto out;
	if (m & SIGS_STOP)
		sig_unpend(p, SIGMASK(SIGCONT));
	if (sig == SIGCONT) {
		sig_unpend(p, SIGS_STOP);
		if (p->p_flags & P_STOPPED) {
			proc_continue(p, true);
			tell = CLD_CONTINUED;
			status = SIGCONT;
		}
	} else if (sig == SIGKILL && (p->p_flags & P_STOPPED))
		proc_continue(p, false);
	if ((act == SIGACT_IGNORE || (act == SIGACT_DEFAULT && (m & SIGS_DFL_IGNORE))) &&
	    !sig_blocked(p, l, m))
		goto out;
	if ((m & SIGS_STOP) && act == SIGACT_DEFAULT && !sig_blocked(p, l, m)) {
		/* A terminal's stop to an orphaned group would stop it for good (POSIX). */
		if (!(m & SIGS_TTYSTOP) || !pgrp_orphaned(p->p_pgrp)) {
			proc_stop(p, sig);
			tell = CLD_STOPPED;
			status = sig;
		}
		goto out;
	}
	if (l != NULL) {
		siginfo_store(&l->l_siginfo, sig, ksi);
		__atomic_or_fetch(&l->l_siglist, m, __ATOMIC_RELEASE);
		sched_unsleep(l);
	} else {
		siginfo_store(&p->p_siginfo, sig, ksi);
		__atomic_or_fetch(&p->p_siglist, m, __ATOMIC_RELEASE);
		/* Every lwp that could take it looks; the first one gets it. */
		FOREACH_LWP_IN_PROC(l2, p)
			if (!(l2->l_sigmask & m) || (l2->l_sigwait & m))
				sched_unsleep(l2);
	}
out:
	spin_unlock(&p->p_lock);
	if (tell != 0)
		sig_tell_parent(p, tell, status);
	if (tree)
		spin_unlock(&proctree_lock);
}

void
psignal(struct proc *p, int sig)
{
	struct ksiginfo ksi = { .ksi_code = SI_KERNEL };

	psignal_info(p, TID_ANY, sig, &ksi);
}

void
sig_setmask(struct lwp *l, uint32_t mask)
{
	KASSERT(spin_held(&l->l_proc->p_lock), "sig_setmask without p_lock");
	__atomic_store_n(&l->l_sigmask, mask & SIGS_ALL & ~SIGS_CANTMASK, __ATOMIC_RELEASE);
}

/* Is sp on l's alternate signal stack? */
static bool
sig_onstack(const struct lwp *l, vaddr_t sp)
{
	const stack_t *ss = &l->l_sigstk;

	return (!(ss->ss_flags & SS_DISABLE) && ss->ss_size != 0 &&
	    sp - (vaddr_t)ss->ss_sp < ss->ss_size);
}

/*
 * Run sig's handler: a frame on the user stack, the handler's mask on l.
 * 0, or SIGSEGV when the frame cannot be written: the process must end
 * so.  p_lock and ps_lock held, both given up.
 */
static int
sig_sendsig(struct lwp *l, int sig, const struct ksiginfo *ksi)
{
	struct proc *p = l->l_proc;
	struct sigacts *ps = p->p_sigacts;
	uint32_t m = SIGMASK(sig), newmask;
	struct sigdeliver sd = { 0 };
	bool onstack;

	sd.sd_handler = ps->ps_handler[sig];
	sd.sd_tramp = ps->ps_tramp[sig];
	newmask = l->l_sigmask | ps->ps_catchmask[sig];
	onstack = sig_onstack(l, cpu_user_sp(l));
	if ((ps->ps_sigonstack & m) && !onstack && !(l->l_sigstk.ss_flags & SS_DISABLE) &&
	    l->l_sigstk.ss_size != 0)
		sd.sd_altsp = (vaddr_t)l->l_sigstk.ss_sp + l->l_sigstk.ss_size;
	if (ps->ps_sigreset & m) {
		/* SA_RESETHAND: this once, then the default (SIGILL and SIGTRAP too, as FreeBSD). */
		ps->ps_handler[sig] = (vaddr_t)SIG_DFL;
		ps->ps_sigcatch &= ~m;
		ps->ps_sigonstack &= ~m;
		ps->ps_sigrestart &= ~m;
		ps->ps_sigreset &= ~m;
		ps->ps_siginfo &= ~m;
		ps->ps_signodefer &= ~m;
	}
	spin_unlock(&ps->ps_lock);
	sd.sd_info = (siginfo_t){
		.si_signo = sig,
		.si_code = ksi->ksi_code,
		.si_pid = ksi->ksi_pid,
		.si_uid = ksi->ksi_uid,
		.si_status = ksi->ksi_status,
		.si_addr = (void *)ksi->ksi_addr,
	};
	sd.sd_oldmask.__bits[0] = l->l_hasoldmask ? l->l_oldmask : l->l_sigmask;
	sd.sd_oldstack = l->l_sigstk;
	if (l->l_sigstk.ss_size == 0)
		sd.sd_oldstack.ss_flags |= SS_DISABLE;
	if (onstack)
		sd.sd_oldstack.ss_flags |= SS_ONSTACK;
	l->l_hasoldmask = false;
	sig_setmask(l, newmask);
	spin_unlock(&p->p_lock);
	if (cpu_sendsig(l, &sd) != 0) {
		printf("forkrt: pid %d (%s): cannot write the frame for signal %d at sp %#lx:"
		    " killed by signal %d\n", p->p_pid, p->p_comm, sig,
		    (unsigned long)(sd.sd_altsp != 0 ? sd.sd_altsp : cpu_user_sp(l)), SIGSEGV);
		return (SIGSEGV);
	}
	return (0);
}

/*
 * Take the lowest signal l can take and act on it.  false when there was
 * none.  *fatal: 0, or the signal whose action is to end the process,
 * which the caller does (sigexit).
 */
static bool
sig_take(struct lwp *l, int *fatal)
{
	struct proc *p = l->l_proc;
	struct sigacts *ps;
	struct ksiginfo ksi;
	uint32_t m;
	int sig;

	spin_lock(&p->p_lock);
	if ((p->p_flags & P_STOPPED) || (sig = sig_deliverable(l)) == 0) {
		spin_unlock(&p->p_lock);
		return (false);
	}
	m = SIGMASK(sig);
	psignal_take(l, sig, &ksi);
	/* Without a table every action is the default: ps_lock is not needed. */
	if ((ps = p->p_sigacts) == NULL)
		ps = &sigacts_default;
	spin_lock(&ps->ps_lock);
	switch (sig_action(ps, sig)) {
	case SIGACT_CATCH:
		*fatal = sig_sendsig(l, sig, &ksi);
		return (true);
	case SIGACT_IGNORE:
		break;
	case SIGACT_DEFAULT:
		if (p == initproc || (m & SIGS_DFL_IGNORE))
			break;
		if (m & SIGS_STOP) {
			/*
			 * Masked when it came, unmasked now: it stops the
			 * process now (the orphaned-group rule applied when
			 * it was sent).
			 */
			proc_stop(p, sig);
			spin_unlock(&ps->ps_lock);
			spin_unlock(&p->p_lock);
			spin_lock(&proctree_lock);
			sig_tell_parent(p, CLD_STOPPED, sig);
			spin_unlock(&proctree_lock);
			return (true);
		}
		spin_unlock(&ps->ps_lock);
		spin_unlock(&p->p_lock);
		*fatal = sig;
		return (true);
	}
	spin_unlock(&ps->ps_lock);
	spin_unlock(&p->p_lock);
	return (true);
}

int
sig_deliver(struct lwp *l)
{
	int fatal = 0;

	while (fatal == 0 && sig_take(l, &fatal))
		continue;
	if (fatal != 0)
		return (fatal);
	/* sigsuspend ended for a signal that ran no handler: its mask goes now. */
	if (l->l_hasoldmask) {
		spin_lock(&l->l_proc->p_lock);
		sig_setmask(l, l->l_oldmask);
		l->l_hasoldmask = false;
		spin_unlock(&l->l_proc->p_lock);
	}
	return (0);
}

void
sig_stopped_wait(struct lwp *l)
{
	struct proc *p = l->l_proc;

	spin_lock(&p->p_lock);
	while ((p->p_flags & P_STOPPED) && !(p->p_siglist & SIGMASK(SIGKILL)) &&
	    !((p->p_flags & (P_WEXIT | P_SINGLE)) && l != p->p_singlelwp))
		msleep(&p->p_xsig, &p->p_lock, PCATCHKILL, "stopped", 0);
	spin_unlock(&p->p_lock);
}

/*
 * A trap's signal (FreeBSD's trapsignal), with its siginfo code and
 * address.  A handler l does not mask runs when the trap returns; a
 * masked, ignored or default one ends the process, `what` naming the
 * cause on the console: returning to the faulting instruction would fault
 * forever.  0 when the handler is to run, else sig: the caller ends the
 * process (sigexit).
 */
int
trapsignal(struct lwp *l, int sig, int code, const char *what, vaddr_t addr)
{
	struct proc *p = l->l_proc;
	struct ksiginfo ksi = { .ksi_code = code, .ksi_pid = p->p_pid,
	    .ksi_uid = p->p_uid, .ksi_addr = addr };
	bool caught;

	spin_lock(&p->p_lock);
	caught = sig != SIGKILL && sig_action(p->p_sigacts, sig) == SIGACT_CATCH &&
	    !(l->l_sigmask & SIGMASK(sig));
	spin_unlock(&p->p_lock);
	if (caught) {
		psignal_info(p, l->l_tid, sig, &ksi);
		return (0);
	}
	printf("forkrt: pid %d (%s): %s at pc %#lx addr %#lx: killed by signal %d\n",
	    p->p_pid, p->p_comm, what, (unsigned long)cpu_user_pc(l),
	    (unsigned long)addr, sig);
	return (sig);
}
