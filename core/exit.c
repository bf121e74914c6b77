/*
 * Process exit and wait.
 *
 * exit1() tears a process down to a zombie: its address space and
 * descriptors go at once, its children pass to init, its watchers and its
 * parent are told.  What is left (the proc, holding the pid, group and
 * session ids and the wait status) goes when the parent collects it in
 * kern_wait(), and with it the last lwp and its kernel stack, once the
 * CPU it ran on has switched off it.
 */
#include "file.h"
#include "hal.h"
#include "pmap.h"
#include "proc.h"
#include "resource.h"
#include "session.h"
#include "signalvar.h"
#include "smp.h"
#include "trap.h"
#include "vm.h"

extern LIST_HEAD(proclist, proc) allproc, zombproc;

/*
 * The leader of an RFTHREAD group takes its peers with it (FreeBSD): each
 * is sent SIGKILL, and the leader waits until the last has gone.  A peer
 * forked after this point is born with SIGKILL pending (fork1).
 */
static void
exit_peers(struct proc *p)
{
	struct proc *q;

	spin_lock(&proctree_lock);
	if (p->p_leader != p) {
		peers_unlink(p);
		wakeup(p->p_leader);
		spin_unlock(&proctree_lock);
		return;
	}
	for (q = p->p_peers; q != NULL; q = q->p_peers)
		psignal(q, SIGKILL);
	while (p->p_peers != NULL)
		msleep(p, &proctree_lock, 0, "exitpeers", 0);
	spin_unlock(&proctree_lock);
}

/* Called by the exiting process itself. */
__noreturn void
exit1(struct proc *p, int wstatus)
{
	struct proc *child, *next, *parent;
	struct lwp *l = curlwp;

	KASSERT(l->l_proc == p, "exit1 of another process");
	if (p == initproc) {
		/* As fatal as a panic: the tools read 125 as a crash. */
		printf("forkrt: init exited (status %#x)\n", wstatus);
		printf("forkrt: poweroff status=%d\n", 125);
		smp_halt_others();
		hal_poweroff(125);
	}
	/* Another lwp is already taking the process down: just go. */
	spin_lock(&p->p_lock);
	if (p->p_flags & P_WEXIT) {
		spin_unlock(&p->p_lock);
		lwp_exit_self(l);
	}
	proc_single_lwp(p, l, P_WEXIT);
	/* A vfork parent waits for us to let go of its memory. */
	if (p->p_flags & P_PPWAIT) {
		p->p_flags &= ~P_PPWAIT;
		wakeup_exiting(&p->p_flags);
	}
	spin_unlock(&p->p_lock);
	exit_peers(p);
	itimer_exit(p);

	fd_exit(p);
	pmap_activate(NULL);
	if (p->p_vmspace != NULL) {
		vmspace_release(p->p_vmspace);
		p->p_vmspace = NULL;
	}

	spin_lock(&proctree_lock);
	LIST_FOREACH_SAFE(child, &p->p_children, p_sibling, next) {
		LIST_REMOVE(child, p_sibling);
		child->p_pptr = initproc;
		LIST_INSERT_HEAD(&initproc->p_children, child, p_sibling);
		if (child->p_stat == SZOMB)
			wakeup(initproc);
	}
	p->p_xstat = wstatus;
	spin_lock(&p->p_lock);
	p->p_stat = SZOMB;
	p->p_siglist = 0;
	rusage_lwp_exit(p, l);
	lwp_tree_remove(p, l);
	spin_unlock(&p->p_lock);
	p->p_zomblwp = l;
	LIST_REMOVE(p, p_list);
	LIST_INSERT_HEAD(&zombproc, p, p_list);
	knote_exit(p);
	/*
	 * Still under proctree_lock: the parent cannot be reaped (nor reap
	 * us) until we let go, so it is safe to signal and wake.  Once we do,
	 * p may be freed under us: nothing below touches it.
	 */
	parent = p->p_pptr;
	psignal(parent, p->p_sigparent);
	wakeup_exiting(parent);
	spin_unlock(&proctree_lock);
	sched_exit(true);
}

/*
 * Free a zombie its parent has collected (already off every list), once
 * nobody holds it, and everything it still counted in.
 */
static void
proc_reap(struct proc *p)
{
	spin_lock(&p->p_lock);
	while (p->p_holdcnt > 0)
		msleep(&p->p_holdcnt, &p->p_lock, 0, "reap", 0);
	spin_unlock(&p->p_lock);
	/* Its last lwp may still be switching away on another CPU. */
	lwp_wait_off_cpu(p->p_zomblwp);
	lwp_free(p->p_zomblwp);
	lim_free(p->p_limit);
	sigacts_free(p);
	/*
	 * The slot is given back last, so that whoever sees kern.nprocs (or
	 * the uid's count) drop also sees every page the process held free.
	 */
	spin_lock(&proctree_lock);
	nprocs--;
	chgproccnt(p->p_uidinfo, -1, 0);
	uifree(p->p_uidinfo);
	spin_unlock(&proctree_lock);
	proc_free(p);
}

/* Take zombie p off the tree; proctree_lock held.  proc_reap() finishes. */
static void
proc_unlink_zombie(struct proc *p)
{
	KASSERT(spin_held(&proctree_lock), "proctree_lock");
	LIST_REMOVE(p, p_list);
	LIST_REMOVE(p, p_hash);
	LIST_REMOVE(p, p_sibling);
	pgrp_leave(p);
}

/* Does child match waitpid's pid argument for parent? */
static bool
wait_matches(const struct proc *parent, const struct proc *child, pid_t pid)
{
	if (pid == -1)
		return (true);
	if (pid > 0)
		return (child->p_pid == pid);
	if (pid == 0)
		return (child->p_pgrp == parent->p_pgrp);
	return (child->p_pgrp != NULL && child->p_pgrp->pg_id == -pid);
}

/*
 * A zombie child of p matching pid, in *zombie (NULL if none has exited
 * yet), or ECHILD when no child matches at all.  One pid is looked up in
 * the hash: a parent of thousands must not pay for each of them.
 * proctree_lock held.
 */
static int
wait_find(struct proc *p, pid_t pid, struct proc **zombie)
{
	struct proc *child;
	bool any = false;

	KASSERT(spin_held(&proctree_lock), "proctree_lock");
	*zombie = NULL;
	if (pid > 0) {
		child = pfind(pid);
		if (child == NULL || child->p_pptr != p)
			return (ECHILD);
		if (child->p_stat == SZOMB)
			*zombie = child;
		return (0);
	}
	LIST_FOREACH(child, &p->p_children, p_sibling) {
		if (!wait_matches(p, child, pid))
			continue;
		any = true;
		if (child->p_stat == SZOMB) {
			*zombie = child;
			return (0);
		}
	}
	return (any ? 0 : ECHILD);
}

/*
 * Wait for a child of p matching pid to exit.  0 with *found the child's
 * pid, *status its wait status and *wru (if not NULL) its usage and its
 * children's; 0 with *found 0 under WNOHANG when none has exited yet;
 * ECHILD when no child matches; EINTR when a signal ends the wait.  Two lwps waiting for the same child: the one that finds
 * it first under proctree_lock takes it off the tree, the other sees no
 * such child.
 */
int
kern_wait(struct proc *p, pid_t pid, int *status, int options, pid_t *found,
    struct __wrusage *wru)
{
	struct proc *zombie;
	int error;

	if (options & ~(WNOHANG | WUNTRACED))
		return (EINVAL);
	spin_lock(&proctree_lock);
	for (;;) {
		if ((error = wait_find(p, pid, &zombie)) != 0)
			break;
		if (zombie != NULL) {
			*found = zombie->p_pid;
			*status = zombie->p_xstat;
			proc_unlink_zombie(zombie);
			rusage_reap(p, zombie, wru);
			spin_unlock(&proctree_lock);
			proc_reap(zombie);
			return (0);
		}
		if (options & WNOHANG) {
			*found = 0;
			break;
		}
		if ((error = msleep(p, &proctree_lock, PCATCH, "wait", 0)) != 0)
			break;
	}
	spin_unlock(&proctree_lock);
	return (error);
}
