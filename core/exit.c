/*
 * Process exit and wait.
 *
 * exit1() tears a process down to a zombie: its address space and
 * descriptors go at once, its children pass to their reaper (init unless
 * a nearer process asked to be one: core/reaper.c), its watchers and its
 * parent are told.  What is left (the proc, holding the pid, group and
 * session ids and the wait status) goes when the parent collects it in
 * kern_wait(), and with it the last lwp and its kernel stack, once the
 * CPU it ran on has switched off it.
 */
#include "exit.h"
#include "file.h"
#include "fork.h"
#include "hal.h"
#include "itimer.h"
#include "lwp.h"
#include "pid.h"
#include "pmap.h"
#include "proc.h"
#include "procdesc.h"
#include "reaper.h"
#include "resource.h"
#include "rusage.h"
#include "sched.h"
#include "session.h"
#include "signalvar.h"
#include "smp.h"
#include "trap.h"
#include "vm.h"


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

/* The parent's signal of p's end (SIGCHLD unless rfork chose), with its siginfo. */
static void
exit_tell_parent(struct proc *p, struct proc *parent, int wstatus)
{
	struct ksiginfo ksi = { .ksi_pid = p->p_pid, .ksi_uid = p->p_uid };

	if (p->p_sigparent == 0)
		return;
	if (WIFEXITED(wstatus)) {
		ksi.ksi_code = CLD_EXITED;
		ksi.ksi_status = WEXITSTATUS(wstatus);
	} else {
		ksi.ksi_code = CLD_KILLED;
		ksi.ksi_status = WTERMSIG(wstatus);
	}
	psignal_info(parent, TID_ANY, p->p_sigparent, &ksi);
}

/* Called by the exiting process itself. */
__noreturn void
exit1(struct proc *p, int wstatus)
{
	struct proc *child, *next, *parent, *reaper;
	struct lwp *l = curlwp;
	bool pdheld;

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
		panic("exit1: pid %d's exiting lwp is gone", p->p_pid);
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
	/* What we reaped goes up first, so that our children follow it there. */
	if (p->p_treeflag & P_TREE_REAPER)
		reaper_abandon(p);
	LIST_FOREACH_SAFE(child, &p->p_children, p_sibling, next) {
		reaper = child->p_reaper;
		LIST_REMOVE(child, p_sibling);
		child->p_pptr = reaper;
		child->p_sigparent = SIGCHLD;
		LIST_INSERT_HEAD(&reaper->p_children, child, p_sibling);
		/*
		 * An exit the reaper has not heard of: it may wait for it now
		 * (FreeBSD); one an open process descriptor holds is the
		 * descriptor's to report.
		 */
		if (child->p_stat == SZOMB && child->p_procdesc == NULL) {
			exit_tell_parent(child, reaper, child->p_xstat);
			wakeup(reaper);
		}
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
	/* An open process descriptor hears of it instead of the parent (FreeBSD). */
	pdheld = procdesc_exit(p);
	/*
	 * Still under proctree_lock: the parent cannot be reaped (nor reap
	 * us) until we let go, so it is safe to signal and wake.  Once we do,
	 * p may be freed under us: nothing below touches it.
	 */
	parent = p->p_pptr;
	if (!pdheld && parent != initproc &&
	    (sigacts_flags(parent) & PS_NOCLDWAIT)) {
		/*
		 * A parent that wants no zombies (SA_NOCLDWAIT, SIGCHLD
		 * ignored) gets none: our reaper reaps us, and a wait of the
		 * parent's wakes to find one child fewer (FreeBSD).  A parent
		 * that is our reaper would keep us (FreeBSD does): we go to
		 * its own reaper instead, so that it still gets no zombie.
		 */
		reaper = p->p_reaper != parent ? p->p_reaper : parent->p_reaper;
		wakeup(parent);
		LIST_REMOVE(p, p_sibling);
		p->p_pptr = parent = reaper;
		p->p_sigparent = SIGCHLD;
		LIST_INSERT_HEAD(&reaper->p_children, p, p_sibling);
	}
	if (!pdheld)
		exit_tell_parent(p, parent, wstatus);
	wakeup_exiting(parent);
	spin_unlock(&proctree_lock);
	sched_exit(true);
}

/* The end of a process by signal sig (its default action, or a trap's). */
__noreturn void
sigexit(struct lwp *l, int sig)
{
	exit1(l->l_proc, W_EXITCODE(0, sig));
}

/*
 * PHOLD (DragonFly): whoever holds p may keep using the struct after
 * letting go of every lock; the reaper waits for the last prele() before
 * it frees it.
 */
void
phold(struct proc *p)
{
	KASSERT(spin_held(&p->p_lock), "phold without p_lock");
	p->p_holdcnt++;
}

void
prele(struct proc *p)
{
	spin_lock(&p->p_lock);
	KASSERT(p->p_holdcnt > 0, "prele without phold");
	if (--p->p_holdcnt == 0)
		wakeup(&p->p_holdcnt);
	spin_unlock(&p->p_lock);
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
	reaper_reap(p);
	pgrp_leave(p);
	/* A descriptor that outlives the process keeps its pid taken (procdesc_reap). */
	if (p->p_procdesc != NULL)
		procdesc_reap(p);
	else
		proc_id_clear(PROC_ID_PID, p->p_pid);
}

void
proc_collect(struct proc *child, struct __wrusage *wru)
{
	struct proc *parent = child->p_pptr;

	proc_unlink_zombie(child);
	rusage_reap(parent, child, wru);
	/* Collected by someone else (pdwait, a last close): the parent's wait looks again. */
	if (parent != curproc())
		wakeup(parent);
	spin_unlock(&proctree_lock);
	proc_reap(child);
}

/* Does child match waitid's (idtype, id)? */
static bool
wait_matches(const struct proc *child, idtype_t idtype, id_t id)
{
	switch (idtype) {
	case P_PID:
		return (child->p_pid == id);
	case P_PGID:
		return (child->p_pgrp != NULL && child->p_pgrp->pg_id == id);
	case P_SID:
		return (child->p_pgrp != NULL && child->p_pgrp->pg_session->s_sid == id);
	case P_UID:
		return (child->p_uid == (uid_t)id);
	default:
		/* P_ALL leaves out what a process descriptor waits for (FreeBSD). */
		return (child->p_procdesc == NULL);
	}
}

/* Is no lwp of stopped p on a CPU?  p_lock held. */
static bool
stop_settled(struct proc *p)
{
	struct lwp *l;

	FOREACH_LWP_IN_PROC(l, p)
		if (__atomic_load_n(&l->l_running, __ATOMIC_ACQUIRE))
			return (false);
	return (true);
}

/*
 * What child has for a wait with options: WEXITED its exit, WUNTRACED a
 * stop not yet reported, WCONTINUED a continue not yet reported.  The
 * status and siginfo code in *status and *code; 0 when nothing.
 * proctree_lock held.
 */
static int
wait_event(struct proc *child, int options, int *status, int *code, bool *settling)
{
	int flags;

	if (child->p_stat == SZOMB) {
		if (!(options & WEXITED))
			return (0);
		*status = child->p_xstat;
		*code = WIFEXITED(*status) ? CLD_EXITED : CLD_KILLED;
		return (SZOMB);
	}
	/* A plain wait for an exit (waitpid's common case) needs no look at p_flags. */
	if (!(options & (WUNTRACED | WCONTINUED)))
		return (0);
	spin_lock(&child->p_lock);
	flags = child->p_flags;
	/*
	 * A stop is reported once no lwp of the child is on a CPU: one that
	 * ran user code when the stop came is kicked into the kernel and
	 * stops in userret, and the others cannot get back to user mode
	 * without passing there.  Until then the waiter looks again soon
	 * (*settling): the last one may go to sleep rather than stop.
	 */
	if ((options & WUNTRACED) && (flags & (P_STOPPED | P_WAITED)) == P_STOPPED &&
	    !stop_settled(child)) {
		*settling = true;
		flags = 0;
	} else if ((options & WUNTRACED) && (flags & (P_STOPPED | P_WAITED)) == P_STOPPED) {
		*status = W_STOPCODE(child->p_xsig);
		*code = CLD_STOPPED;
		if (!(options & WNOWAIT))
			child->p_flags |= P_WAITED;
	} else if ((options & WCONTINUED) && (flags & P_CONTINUED)) {
		*status = SIGCONT;	/* FreeBSD's: WIFCONTINUED */
		*code = CLD_CONTINUED;
		if (!(options & WNOWAIT))
			child->p_flags &= ~P_CONTINUED;
	} else
		flags = 0;
	spin_unlock(&child->p_lock);
	return (flags == 0 ? 0 : SACTIVE);
}

/* What waitid reports of child's event (code, status from wait_event). */
static void
wait_siginfo(const struct proc *child, int code, int status, siginfo_t *si)
{
	*si = (siginfo_t){ .si_signo = SIGCHLD, .si_code = code,
	    .si_pid = child->p_pid, .si_uid = child->p_uid,
	    .si_status = code == CLD_EXITED ? WEXITSTATUS(status) :
	    code == CLD_KILLED ? WTERMSIG(status) :
	    code == CLD_CONTINUED ? SIGCONT : WSTOPSIG(status) };
}

/* wait6's options: known ones, and at least one event to wait for. */
static bool
wait_options_ok(int options)
{
	return ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOWAIT | WEXITED |
	    WTRAPPED)) == 0 && (options & (WEXITED | WUNTRACED | WCONTINUED | WTRAPPED)));
}


/*
 * A child of p matching (idtype, id) with something to report, in
 * *child (NULL if none has yet), or ECHILD when no child matches at all.
 * One pid is looked up in the hash: a parent of thousands must not pay
 * for each of them.  proctree_lock held.
 */
static int
wait_find(struct proc *p, idtype_t idtype, id_t id, int options, struct proc **found,
    int *status, int *code, int *what, bool *settling)
{
	struct proc *child;
	bool any = false;

	KASSERT(spin_held(&proctree_lock), "proctree_lock");
	*found = NULL;
	if (idtype == P_PID) {
		child = id > 0 && id <= INT32_MAX ? pfind((pid_t)id) : NULL;
		if (child == NULL || child->p_pptr != p)
			return (ECHILD);
		if ((*what = wait_event(child, options, status, code, settling)) != 0)
			*found = child;
		return (0);
	}
	LIST_FOREACH(child, &p->p_children, p_sibling) {
		if (!wait_matches(child, idtype, id))
			continue;
		any = true;
		if ((*what = wait_event(child, options, status, code, settling)) != 0) {
			*found = child;
			return (0);
		}
	}
	return (any ? 0 : ECHILD);
}

/*
 * What a wait found: its siginfo (si may be NULL) and, for an exit
 * without WNOWAIT, the reap, which gives up proctree_lock (true).
 */
static bool
wait_report(struct proc *child, int what, int code, int options, int status,
    siginfo_t *si, struct __wrusage *wru)
{
	if (si != NULL)
		wait_siginfo(child, code, status, si);
	if (what == SZOMB && !(options & WNOWAIT)) {
		proc_collect(child, wru);
		return (true);
	}
	return (false);
}

/*
 * waitid/wait6 for process p: a child matching (idtype, id) that exited
 * (WEXITED), stopped (WUNTRACED) or continued (WCONTINUED).  0 with
 * *pidp its pid (0 under WNOHANG when none has anything to say yet),
 * *status its wait status, *si (if not NULL) what waitid reports and *wru (if not
 * NULL) a reaped child's usage and its children's; ECHILD when no child
 * matches; EINVAL for bad options; EINTR or ERESTART when a signal ends
 * the wait.  An exited child is reaped unless WNOWAIT.  Two lwps waiting
 * for the same child: the one that finds it first under proctree_lock
 * takes it off the tree, the other sees no such child.
 */
int
kern_wait6(struct proc *p, idtype_t idtype, id_t id, int options, pid_t *pidp,
    int *status, siginfo_t *si, struct __wrusage *wru)
{
	struct proc *child;
	int error, werr, code = 0, what = 0;
	bool settling;

	if (!wait_options_ok(options))
		return (EINVAL);
	if (idtype != P_PID && idtype != P_PGID && idtype != P_SID && idtype != P_UID &&
	    idtype != P_ALL)
		return (EINVAL);
	*pidp = 0;
	if (si != NULL)
		*si = (siginfo_t){ 0 };
	error = 0;
	spin_lock(&proctree_lock);
	for (;;) {
		/*
		 * Looked for once more after a signal ended the sleep: the
		 * child whose exit sent it is there to report (the signal's
		 * handler runs on the way out all the same).
		 */
		settling = false;
		if ((werr = wait_find(p, idtype, id, options, &child, status, &code,
		    &what, &settling)) != 0) {
			error = werr;
			break;
		}
		if (child != NULL) {
			*pidp = child->p_pid;
			if (wait_report(child, what, code, options, *status, si, wru))
				return (0);
			error = 0;
			break;
		}
		if (error != 0 || (options & WNOHANG))
			break;
		/* A stop still settling is looked at again at the next tick. */
		error = msleep(p, &proctree_lock, PCATCH, "wait", settling ? 1 : 0);
		if (error == EAGAIN)
			error = 0;
	}
	spin_unlock(&proctree_lock);
	return (error);
}

/* wait4's pid as waitid's (idtype, id): > 0 a pid, -1 any, 0 our group, < -1 group -pid. */
int
kern_wait(struct proc *p, pid_t pid, int *status, int options, pid_t *found,
    struct __wrusage *wru)
{
	pid_t pgid;

	/* FreeBSD's wait4 takes wait6's options too, WEXITED implied. */
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOWAIT | WEXITED | WTRAPPED))
		return (EINVAL);
	options |= WEXITED;
	if (pid > 0)
		return (kern_wait6(p, P_PID, pid, options, found, status, NULL, wru));
	if (pid == -1)
		return (kern_wait6(p, P_ALL, 0, options, found, status, NULL, wru));
	if (pid == 0) {
		spin_lock(&proctree_lock);
		pgid = p->p_pgrp != NULL ? p->p_pgrp->pg_id : 0;
		spin_unlock(&proctree_lock);
		return (kern_wait6(p, P_PGID, pgid, options, found, status, NULL, wru));
	}
	if (pid == INT32_MIN)
		return (ECHILD);
	return (kern_wait6(p, P_PGID, -pid, options, found, status, NULL, wru));
}

/*
 * pdwait: wait6 on the one process of descriptor pd, by whoever holds the
 * descriptor (FreeBSD 15's kern_pdwait), with wait6's options.  *found
 * tells whether there was something to report (false under WNOHANG when
 * nothing is yet), with *status and *si (if not NULL) as wait6 gives
 * them; a reaped process's usage (its own and its children's) goes to
 * its parent, and to *wru if not NULL.  EINVAL for bad options; ESRCH
 * once the process was reaped (by pdwait, or waitpid of its pid);
 * EINTR or ERESTART when a signal ends the wait.  The sleep is on pd,
 * which exit, stops, continues and reaping wake (procdesc.c).
 */
int
kern_pdwait(struct procdesc *pd, int options, int *status, siginfo_t *si,
    struct __wrusage *wru, bool *found)
{
	struct proc *child;
	int error = 0, code = 0, what;
	bool settling;

	if (!wait_options_ok(options))
		return (EINVAL);
	*found = false;
	if (si != NULL)
		*si = (siginfo_t){ 0 };
	spin_lock(&proctree_lock);
	for (;;) {
		/* Once more after a signal, as kern_wait6 looks. */
		if ((child = pd->pd_proc) == NULL) {
			error = ESRCH;
			break;
		}
		settling = false;
		if ((what = wait_event(child, options, status, &code, &settling)) != 0) {
			*found = true;
			if (wait_report(child, what, code, options, *status, si, wru))
				return (0);
			error = 0;
			break;
		}
		if (error != 0 || (options & WNOHANG))
			break;
		error = msleep(pd, &proctree_lock, PCATCH, "pdwait", settling ? 1 : 0);
		if (error == EAGAIN)
			error = 0;
	}
	spin_unlock(&proctree_lock);
	return (error);
}
