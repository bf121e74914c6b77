/*
 * Signals, as far as forkrt has them: no handlers, so each signal is
 * either ignored or takes its default action, and every default action
 * but SIGCHLD's ends the process.  A signal is posted to the process and
 * acted on in userret(), on the way back to user mode; a process asleep
 * in the kernel is woken so that it gets there (msleep returns EINTR).
 */
#include "proc.h"
#include "session.h"
#include "signalvar.h"
#include "syscall.h"
#include "trap.h"
#include "vm.h"

int
sigacts_init(struct proc *p)
{
	if ((p->p_sigacts = kzalloc(sizeof(*p->p_sigacts))) == NULL)
		return (ENOMEM);
	p->p_sigacts->ps_refcnt = 1;
	return (0);
}

int
sigacts_fork(struct proc *p1, struct proc *p2, int flags)
{
	if (flags & RFSIGSHARE) {
		p2->p_sigacts = p1->p_sigacts;
		__atomic_add_fetch(&p2->p_sigacts->ps_refcnt, 1, __ATOMIC_RELAXED);
		return (0);
	}
	if (sigacts_init(p2) != 0)
		return (ENOMEM);
	p2->p_sigacts->ps_sigignore = __atomic_load_n(&p1->p_sigacts->ps_sigignore,
	    __ATOMIC_RELAXED);
	return (0);
}

void
sigacts_free(struct proc *p)
{
	struct sigacts *ps = p->p_sigacts;

	if (ps == NULL)
		return;
	p->p_sigacts = NULL;
	if (__atomic_sub_fetch(&ps->ps_refcnt, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(ps);
}

static bool
sig_ignored(const struct proc *p, int sig)
{
	uint32_t m = SIGMASK(sig);

	if (m & SIGS_CANTMASK)
		return (false);
	return (((p->p_sigacts != NULL ? __atomic_load_n(&p->p_sigacts->ps_sigignore,
	    __ATOMIC_RELAXED) : 0) | SIGS_DFL_IGNORE) & m);
}

/*
 * Must l's sleep end now?  A pending signal ends the process; P_WEXIT or
 * P_SINGLE ends every lwp but the one that set it.  Read without p_lock:
 * whoever sets them then takes sleepq_lock to wake l (sched_unsleep), so
 * a sleeper checking under sleepq_lock sees them or gets woken.
 */
bool
sig_fatal_pending(const struct proc *p, const struct lwp *l)
{
	return (__atomic_load_n(&p->p_siglist, __ATOMIC_ACQUIRE) != 0 ||
	    ((__atomic_load_n(&p->p_flags, __ATOMIC_ACQUIRE) &
	    (P_WEXIT | P_SINGLE)) && l != p->p_singlelwp));
}

/*
 * Post sig to p; a process asleep in the kernel wakes to act on it.  Init
 * and system processes take no default actions (FreeBSD's issignal): with
 * no handlers, a signal to them is dropped, so that no process can end
 * the machine by signalling pid 1 (an RFNOWAIT|RFLINUXTHPN child's exit
 * sends init SIGUSR1, for one).
 */
void
psignal(struct proc *p, int sig)
{
	struct lwp *l;

	KASSERT(sig > 0 && sig < NSIG, "signal number");
	spin_lock(&p->p_lock);
	/* A child fork1 is still building (SIDL) takes it when it first runs. */
	if (p->p_stat == SZOMB || (p->p_flags & P_SYSTEM) || p == initproc ||
	    sig_ignored(p, sig)) {
		spin_unlock(&p->p_lock);
		return;
	}
	__atomic_or_fetch(&p->p_siglist, SIGMASK(sig), __ATOMIC_RELEASE);
	FOREACH_LWP_IN_PROC(l, p)
		sched_unsleep(l);
	spin_unlock(&p->p_lock);
}

void
psignal_deliver(struct lwp *l)
{
	struct proc *p = l->l_proc;
	uint32_t pending = __atomic_load_n(&p->p_siglist, __ATOMIC_ACQUIRE);

	if (pending != 0)
		exit1(p, W_EXITCODE(0, __builtin_ctz(pending) + 1));
}

void
trap_pagefault(struct lwp *l, vaddr_t va, vm_prot_t access)
{
	struct proc *p = l->l_proc;
	int error;

	KASSERT(p->p_vmspace != NULL, "user fault in a system process");
	rusage_fault(l);
	if ((error = vm_fault(p->p_vmspace, va, access)) == 0)
		return;
	/* Out of memory on a fault: SIGKILL, which nothing can ignore. */
	trap_signal(l, error == ENOMEM ? SIGKILL : SIGSEGV,
	    error == ENOMEM ? "out of memory on page fault" :
	    access == VM_PROT_WRITE ? "write fault" :
	    access == VM_PROT_EXEC ? "exec fault" : "read fault", va);
}

__noreturn void
trap_signal(struct lwp *l, int sig, const char *what, vaddr_t addr)
{
	struct proc *p = l->l_proc;

	printf("forkrt: pid %d (%s): %s at pc %#lx addr %#lx: killed by signal %d\n",
	    p->p_pid, p->p_comm, what, (unsigned long)cpu_user_pc(l),
	    (unsigned long)addr, sig);
	exit1(p, W_EXITCODE(0, sig));
}

/* May cur signal p?  Root may signal anyone, others their own uid's. */
static bool
cansignal(const struct proc *cur, const struct proc *p)
{
	return (cur->p_uid == 0 || cur->p_uid == p->p_uid);
}

/* One process of a group kill: counted if it can be a target, signalled if allowed. */
static void
kill_one(struct proc *cur, struct proc *p, int sig, int *found, int *sent)
{
	if (p->p_stat == SZOMB || (p->p_flags & P_SYSTEM))
		return;
	(*found)++;
	if (!cansignal(cur, p))
		return;
	(*sent)++;
	if (sig != 0)
		psignal(p, sig);
}

/*
 * kill(pid, sig): pid > 0 one process, 0 the caller's group, -1 every
 * process the caller may signal but itself, init and system processes
 * (FreeBSD's killpg1), < -1 the
 * group -pid.  sig 0 only checks.  ESRCH when nothing matched, EPERM when
 * something matched but none could be signalled.
 */
int
sys_kill(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *cur = l->l_proc, *p;
	extern LIST_HEAD(proclist, proc) allproc;
	pid_t pid = (pid_t)args[0];
	int sig = (int)args[1], found = 0, sent = 0;
	struct pgrp *pg;

	int error = 0;

	if (sig < 0 || sig >= NSIG)
		return (EINVAL);
	/*
	 * The whole walk is under proctree_lock, which fork1 also takes to
	 * add a child to the tree: a fork either finishes before the kill,
	 * and its child is signalled, or sees the parent signalled and gives
	 * up (RFPGLOCK).
	 */
	spin_lock(&proctree_lock);
	if (pid > 0) {
		if ((p = pfind(pid)) == NULL || p->p_stat == SZOMB ||
		    (p->p_flags & P_SYSTEM))
			error = ESRCH;
		else if (!cansignal(cur, p))
			error = EPERM;
		else if (sig != 0)
			psignal(p, sig);
		spin_unlock(&proctree_lock);
		return (error);
	}
	if (pid == -1) {
		LIST_FOREACH(p, &allproc, p_list)
			if (p != initproc && p != cur)
				kill_one(cur, p, sig, &found, &sent);
	} else if ((pg = pid == 0 ? cur->p_pgrp : pgfind(-pid)) != NULL) {
		LIST_FOREACH(p, &pg->pg_members, p_pglist)
			kill_one(cur, p, sig, &found, &sent);
	}
	spin_unlock(&proctree_lock);
	if (found == 0)
		return (ESRCH);
	return (sent == 0 ? EPERM : 0);
}

/*
 * signal(sig, SIG_DFL or SIG_IGN): the only dispositions forkrt has.
 * Returns the previous one.  SIGKILL and SIGSTOP cannot be changed.
 */
int
sys_signal(struct lwp *l, const register_t *args, register_t *rv)
{
	struct sigacts *ps = l->l_proc->p_sigacts;
	int sig = (int)args[0];
	uint32_t m;

	if (sig <= 0 || sig >= NSIG || (SIGMASK(sig) & SIGS_CANTMASK) ||
	    (args[1] != 0 && args[1] != 1))
		return (EINVAL);
	m = SIGMASK(sig);
	if (args[1] == 1) {
		*rv = (__atomic_fetch_or(&ps->ps_sigignore, m, __ATOMIC_RELAXED) & m) != 0;
		/* A pending signal now ignored goes (with RFSIGSHARE, only ours). */
		__atomic_and_fetch(&l->l_proc->p_siglist, ~m, __ATOMIC_RELEASE);
	} else
		*rv = (__atomic_fetch_and(&ps->ps_sigignore, ~m, __ATOMIC_RELAXED) & m) != 0;
	return (0);
}
