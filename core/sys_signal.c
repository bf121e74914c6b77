/*
 * The signal system calls: kill, sigaction, sigprocmask, sigpending,
 * sigsuspend, sigtimedwait, sigaltstack and sigreturn.  Posting and
 * delivery are in signal.c.
 */
#include "proc.h"
#include "sched.h"
#include "session.h"
#include "signalvar.h"
#include "syscall.h"
#include "trap.h"
#include "vm.h"
#include "vmparam.h"

#define SA_KNOWN	(SA_ONSTACK | SA_RESTART | SA_RESETHAND | SA_NOCLDSTOP | \
			 SA_NODEFER | SA_NOCLDWAIT | SA_SIGINFO)

static bool
user_text(vaddr_t va)
{
	return (va >= VM_MIN_USER && va < VM_MAX_USER);
}

/* May cur signal p?  Root may signal anyone, others their own uid's. */
bool
p_cansignal(const struct proc *cur, const struct proc *p)
{
	return (cur->p_uid == 0 || cur->p_uid == p->p_uid);
}

/* One process of a group kill: counted if it can be a target, signalled if allowed. */
static void
kill_one(struct proc *cur, struct proc *p, int sig, const struct ksiginfo *ksi,
    int *found, int *sent)
{
	if (p->p_stat == SZOMB || (p->p_flags & P_SYSTEM))
		return;
	(*found)++;
	if (!p_cansignal(cur, p))
		return;
	(*sent)++;
	if (sig != 0)
		psignal_info(p, TID_ANY, sig, ksi);
}

/*
 * kill(pid, sig): pid > 0 one process, 0 the caller's group, -1 every
 * process the caller may signal but itself, init and system processes
 * (FreeBSD's killpg1), < -1 the group -pid.  sig 0 only checks.  ESRCH
 * when nothing matched, EPERM when something matched but none could be
 * signalled.
 */
int
sys_kill(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *cur = l->l_proc, *p;
	pid_t pid = (pid_t)args[0];
	int sig = (int)args[1], found = 0, sent = 0, error = 0;
	struct ksiginfo ksi = { .ksi_code = SI_USER, .ksi_pid = cur->p_pid,
	    .ksi_uid = cur->p_uid };
	struct pgrp *pg;

	if (sig < 0 || sig >= NSIG)
		return (EINVAL);
	/*
	 * The whole walk is under proctree_lock, which fork1 also takes to
	 * add a child to the tree: a fork either finishes before the kill,
	 * and its child is signalled, or sees the parent signalled and
	 * restarts after taking the signal (RFPGLOCK).
	 */
	spin_lock(&proctree_lock);
	if (pid > 0) {
		if ((p = pfind(pid)) == NULL || p->p_stat == SZOMB ||
		    (p->p_flags & P_SYSTEM))
			error = ESRCH;
		else if (!p_cansignal(cur, p))
			error = EPERM;
		else if (sig != 0)
			psignal_info(p, TID_ANY, sig, &ksi);
		spin_unlock(&proctree_lock);
		return (error);
	}
	if (pid == -1) {
		LIST_FOREACH(p, &allproc, p_list)
			if (p != initproc && p != cur)
				kill_one(cur, p, sig, &ksi, &found, &sent);
	} else if ((pg = pid == 0 ? cur->p_pgrp : pgfind(-pid)) != NULL) {
		LIST_FOREACH(p, &pg->pg_members, p_pglist)
			kill_one(cur, p, sig, &ksi, &found, &sent);
	}
	spin_unlock(&proctree_lock);
	if (found == 0)
		return (ESRCH);
	return (sent == 0 ? EPERM : 0);
}

/* The sigaction of sig as p's table has it.  ps_lock held. */
static void
sigaction_get(const struct sigacts *ps, int sig, struct sigaction *sa)
{
	uint32_t m = SIGMASK(sig);

	*sa = (struct sigaction){ 0 };
	sa->sa_handler = (void (*)(int))ps->ps_handler[sig];
	sa->sa_mask.__bits[0] = ps->ps_catchmask[sig] & ~((ps->ps_signodefer & m) ? 0 : m);
	sa->sa_flags = ((ps->ps_sigonstack & m) ? SA_ONSTACK : 0) |
	    ((ps->ps_sigrestart & m) ? SA_RESTART : 0) |
	    ((ps->ps_sigreset & m) ? SA_RESETHAND : 0) |
	    ((ps->ps_siginfo & m) ? SA_SIGINFO : 0) |
	    ((ps->ps_signodefer & m) ? SA_NODEFER : 0);
	if (sig == SIGCHLD)
		sa->sa_flags |= ((ps->ps_flag & PS_NOCLDSTOP) ? SA_NOCLDSTOP : 0) |
		    ((ps->ps_flag & PS_NOCLDWAIT) && !(ps->ps_sigignore & m) ?
		    SA_NOCLDWAIT : 0);
}

static void
setbit(uint32_t *word, uint32_t m, bool on)
{
	__atomic_store_n(word, on ? *word | m : *word & ~m, __ATOMIC_RELAXED);
}

/* Install sa for sig.  p_lock and ps_lock held. */
static void
sigaction_set(struct proc *p, struct sigacts *ps, int sig, const struct sigaction *sa,
    vaddr_t tramp)
{
	vaddr_t h = (vaddr_t)sa->sa_handler;
	uint32_t m = SIGMASK(sig);
	int f = sa->sa_flags;

	ps->ps_handler[sig] = h;
	ps->ps_tramp[sig] = tramp;
	ps->ps_catchmask[sig] = (sa->sa_mask.__bits[0] & SIGS_ALL & ~SIGS_CANTMASK) |
	    ((f & SA_NODEFER) ? 0 : m);
	setbit(&ps->ps_sigonstack, m, f & SA_ONSTACK);
	setbit(&ps->ps_sigrestart, m, f & SA_RESTART);
	setbit(&ps->ps_sigreset, m, f & SA_RESETHAND);
	setbit(&ps->ps_siginfo, m, f & SA_SIGINFO);
	setbit(&ps->ps_signodefer, m, f & SA_NODEFER);
	setbit(&ps->ps_sigcatch, m, h != (vaddr_t)SIG_DFL && h != (vaddr_t)SIG_IGN);
	setbit(&ps->ps_sigignore, m, h == (vaddr_t)SIG_IGN);
	if (sig == SIGCHLD) {
		int flag = ps->ps_flag & ~(PS_NOCLDSTOP | PS_NOCLDWAIT);

		if (f & SA_NOCLDSTOP)
			flag |= PS_NOCLDSTOP;
		/* Either asks for no zombies (POSIX); init reaps regardless. */
		if (((f & SA_NOCLDWAIT) || h == (vaddr_t)SIG_IGN) && p != initproc)
			flag |= PS_NOCLDWAIT;
		__atomic_store_n(&ps->ps_flag, flag, __ATOMIC_RELAXED);
	}
	/* Pending ones that would now be ignored go (FreeBSD: this process's only). */
	if (h == (vaddr_t)SIG_IGN || (h == (vaddr_t)SIG_DFL && (m & SIGS_DFL_IGNORE)))
		sig_unpend(p, m);
}

/*
 * sigaction(sig, act, oact, tramp): tramp, forkrt's fourth argument (as
 * NetBSD's __sigaction_sigtramp), is where the handler returns to, the C
 * library's code that calls sigreturn.
 */
int
sys_sigaction(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p = l->l_proc;
	struct vmspace *vm = p->p_vmspace;
	struct sigaction act, oact;
	struct sigacts *ps;
	int sig = (int)args[0], error;
	vaddr_t h, tramp = args[3];

	if (sig <= 0 || sig >= NSIG)
		return (EINVAL);
	if (args[1] != 0) {
		if ((error = copyin(vm, args[1], &act, sizeof(act))) != 0)
			return (error);
		h = (vaddr_t)act.sa_handler;
		if ((act.sa_flags & ~SA_KNOWN) ||
		    ((SIGMASK(sig) & SIGS_CANTMASK) && h != (vaddr_t)SIG_DFL))
			return (EINVAL);
		/* A handler must be user code, and so must the way back from it. */
		if (h != (vaddr_t)SIG_DFL && h != (vaddr_t)SIG_IGN &&
		    (!user_text(h) || !user_text(tramp)))
			return (EINVAL);
	}
	if (args[1] == 0 && p->p_sigacts == NULL) {
		/* No table: everything is SIG_DFL, and asking makes none. */
		oact = (struct sigaction){ .sa_handler = SIG_DFL };
	} else {
		if ((ps = sigacts_get(p)) == NULL)
			return (ENOMEM);
		spin_lock(&p->p_lock);
		spin_lock(&ps->ps_lock);
		sigaction_get(ps, sig, &oact);
		if (args[1] != 0)
			sigaction_set(p, ps, sig, &act, tramp);
		spin_unlock(&ps->ps_lock);
		spin_unlock(&p->p_lock);
	}
	if (args[2] != 0)
		return (copyout(vm, &oact, args[2], sizeof(oact)));
	return (0);
}

/* sigprocmask(how, set, oset): the calling lwp's mask (pthread_sigmask). */
int
sys_sigprocmask(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p = l->l_proc;
	int how = (int)args[0], error;
	sigset_t set, oset = { { 0 } };
	uint32_t mask;

	if (args[1] != 0) {
		if ((error = copyin(p->p_vmspace, args[1], &set, sizeof(set))) != 0)
			return (error);
		if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
			return (EINVAL);
	}
	spin_lock(&p->p_lock);
	oset.__bits[0] = mask = l->l_sigmask;
	if (args[1] != 0) {
		if (how == SIG_BLOCK)
			mask |= set.__bits[0];
		else if (how == SIG_UNBLOCK)
			mask &= ~set.__bits[0];
		else
			mask = set.__bits[0];
		sig_setmask(l, mask);
	}
	spin_unlock(&p->p_lock);
	if (args[2] != 0)
		return (copyout(p->p_vmspace, &oset, args[2], sizeof(oset)));
	return (0);
}

/* sigpending(set): pending on the process or on the caller (FreeBSD's union). */
int
sys_sigpending(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p = l->l_proc;
	sigset_t set = { { 0 } };

	spin_lock(&p->p_lock);
	set.__bits[0] = p->p_siglist | l->l_siglist;
	spin_unlock(&p->p_lock);
	return (copyout(p->p_vmspace, &set, args[0], sizeof(set)));
}

/*
 * sigsuspend(mask): wait with mask until a signal is taken.  The old mask
 * comes back when its handler returns (it is the one saved in the frame),
 * so that a signal the old mask blocks cannot slip in between.  Always
 * EINTR, never restarted.
 */
int
sys_sigsuspend(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p = l->l_proc;
	sigset_t set;
	int error;

	if ((error = copyin(p->p_vmspace, args[0], &set, sizeof(set))) != 0)
		return (error);
	spin_lock(&p->p_lock);
	l->l_oldmask = l->l_sigmask;
	l->l_hasoldmask = true;
	sig_setmask(l, set.__bits[0]);
	while (msleep(&l->l_oldmask, &p->p_lock, PCATCH, "sigsusp", 0) == 0)
		continue;
	spin_unlock(&p->p_lock);
	return (EINTR);
}

/* Take a signal of set pending on l or its process into *ksi.  p_lock held. */
static int
sig_take_waited(struct lwp *l, uint32_t set, struct ksiginfo *ksi)
{
	struct proc *p = l->l_proc;
	uint32_t pend = (l->l_siglist | p->p_siglist) & set;
	int sig;

	if (pend == 0)
		return (0);
	sig = __builtin_ctz(pend) + 1;
	psignal_take(l, sig, ksi);
	return (sig);
}

/* A relative timeout in ticks, rounded up, at least one; EINVAL if malformed. */
static int
timespec_ticks(const struct timespec *ts, uint64_t *ticksp)
{
	const uint64_t ns_tick = 1000000000 / HZ;

	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000)
		return (EINVAL);
	if ((uint64_t)ts->tv_sec > (1ull << 40))
		*ticksp = (1ull << 40) * HZ;
	else
		*ticksp = ((uint64_t)ts->tv_sec * 1000000000 + (uint64_t)ts->tv_nsec +
		    ns_tick - 1) / ns_tick;
	return (0);
}

/*
 * sigtimedwait(set, info, timeout): take a signal of set (normally
 * blocked) without running its handler.  EAGAIN when timeout passes
 * (NULL: none; zero: a poll), EINTR when a signal outside set is taken
 * instead.  The signals of set stay blocked meanwhile: l_sigwait tells
 * psignal to keep and wake us for them even if they are ignored.
 */
int
sys_sigtimedwait(struct lwp *l, const register_t *args, register_t *rv)
{
	struct proc *p = l->l_proc;
	struct vmspace *vm = p->p_vmspace;
	struct ksiginfo ksi;
	struct timespec ts;
	uint64_t timo = 0, deadline = 0;
	sigset_t set;
	siginfo_t si;
	int sig = 0, error;

	if ((error = copyin(vm, args[0], &set, sizeof(set))) != 0)
		return (error);
	if (args[2] != 0) {
		if ((error = copyin(vm, args[2], &ts, sizeof(ts))) != 0)
			return (error);
		if ((error = timespec_ticks(&ts, &timo)) != 0)
			return (error);
		deadline = ticks + timo;
	}
	spin_lock(&p->p_lock);
	l->l_sigwait = set.__bits[0] & SIGS_ALL & ~SIGS_CANTMASK;
	for (;;) {
		if ((sig = sig_take_waited(l, l->l_sigwait, &ksi)) != 0) {
			error = 0;
			break;
		}
		if (args[2] != 0 && ticks >= deadline) {
			error = EAGAIN;
			break;
		}
		error = msleep(&l->l_sigwait, &p->p_lock, PCATCH, "sigwait",
		    args[2] != 0 ? deadline - ticks : 0);
		if (error == EINTR || error == ERESTART) {
			if ((sig = sig_take_waited(l, l->l_sigwait, &ksi)) != 0)
				error = 0;
			else
				error = EINTR;
			break;
		}
	}
	l->l_sigwait = 0;
	spin_unlock(&p->p_lock);
	if (error != 0)
		return (error);
	if (args[1] != 0) {
		si = (siginfo_t){ .si_signo = sig, .si_code = ksi.ksi_code,
		    .si_pid = ksi.ksi_pid, .si_uid = ksi.ksi_uid,
		    .si_status = ksi.ksi_status, .si_addr = (void *)ksi.ksi_addr };
		if ((error = copyout(vm, &si, args[1], sizeof(si))) != 0)
			return (error);
	}
	*rv = (register_t)sig;
	return (0);
}

/*
 * sigaltstack(ss, oss): per lwp.  EPERM to change it while on it, ENOMEM
 * for one smaller than MINSIGSTKSZ.
 */
int
sys_sigaltstack(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct vmspace *vm = l->l_proc->p_vmspace;
	stack_t ss, oss = l->l_sigstk;
	bool onstack;
	int error;

	onstack = !(oss.ss_flags & SS_DISABLE) && oss.ss_size != 0 &&
	    cpu_user_sp(l) - (vaddr_t)oss.ss_sp < oss.ss_size;
	if (oss.ss_size == 0)
		oss.ss_flags |= SS_DISABLE;
	if (onstack)
		oss.ss_flags |= SS_ONSTACK;
	if (args[0] != 0) {
		if ((error = copyin(vm, args[0], &ss, sizeof(ss))) != 0)
			return (error);
		if (ss.ss_flags & ~SS_DISABLE)
			return (EINVAL);
		if (onstack)
			return (EPERM);
		if (!(ss.ss_flags & SS_DISABLE)) {
			if (ss.ss_size < MINSIGSTKSZ)
				return (ENOMEM);
			if (!user_text((vaddr_t)ss.ss_sp) ||
			    ss.ss_size > VM_MAX_USER - (vaddr_t)ss.ss_sp)
				return (EINVAL);
		}
	}
	if (args[1] != 0 && (error = copyout(vm, &oss, args[1], sizeof(oss))) != 0)
		return (error);
	if (args[0] != 0)
		l->l_sigstk = ss;
	return (0);
}

/*
 * sigreturn(ucp), from the trampoline a handler returns to.  A context
 * the platform will not take (corrupted by the handler, or not one at
 * all) ends the process with SIGILL, FreeBSD's answer to a trashed frame:
 * returning an error into code whose frame is gone would only fault.
 */
int
sys_sigreturn(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p = l->l_proc;
	sigset_t mask;
	int error;

	if ((error = cpu_sigreturn(l, args[0], &mask)) != 0) {
		printf("forkrt: pid %d (%s): sigreturn: %s context at %#lx: killed by signal %d\n",
		    p->p_pid, p->p_comm, error == EFAULT ? "unreadable" : "invalid",
		    (unsigned long)args[0], SIGILL);
		sigexit(l, SIGILL);
	}
	spin_lock(&p->p_lock);
	sig_setmask(l, mask.__bits[0]);
	spin_unlock(&p->p_lock);
	return (EJUSTRETURN);
}
