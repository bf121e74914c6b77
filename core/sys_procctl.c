/*
 * procctl(idtype, id, cmd, data): FreeBSD's process-control call, with
 * its reaper commands (PROC_REAP_ACQUIRE, _RELEASE, _STATUS, _GETPIDS,
 * _KILL; the tree itself is core/reaper.c).  Each command acts on one
 * process, so idtype is P_PID (FreeBSD refuses P_PGID for all of them);
 * id 0 is the caller.  data is copied in before the tree is looked at
 * and copied out after, never under proctree_lock (a spinlock).
 */
#include "proc.h"
#include "reaper.h"
#include "signalvar.h"
#include "syscall.h"
#include "vm.h"

union procctl_data {
	struct procctl_reaper_status	rs;
	struct procctl_reaper_pids	rp;
	struct procctl_reaper_kill	rk;
};

/* The reaper a command about p means: p if it is one, else p's. */
static struct proc *
reaper_of(struct proc *p)
{
	return ((p->p_treeflag & P_TREE_REAPER) ? p : p->p_reaper);
}

static void
reap_status(struct proc *p, struct procctl_reaper_status *rs)
{
	struct proc *reap = reaper_of(p), *q;

	if (reap == p)
		rs->rs_flags |= REAPER_STATUS_OWNED;
	if (reap == initproc)
		rs->rs_flags |= REAPER_STATUS_REALINIT;
	rs->rs_reaper = reap->p_pid;
	rs->rs_pid = -1;
	TAILQ_FOREACH(q, &reap->p_reaplist, p_reapsibling) {
		if (q->p_pptr == reap)
			rs->rs_children++;
		rs->rs_descendants++;
	}
	/* FreeBSD's choice: a child of the reaper if it has one, else the first it reaps. */
	if ((q = LIST_FIRST(&reap->p_children)) == NULL)
		q = TAILQ_FIRST(&reap->p_reaplist);
	if (q != NULL && rs->rs_descendants > 0)
		rs->rs_pid = q->p_pid;
}

/* Fill pi[0 .. n) from what p's reaper reaps; how many were filled. */
static unsigned
reap_getpids(struct proc *p, struct procctl_reaper_pidinfo *pi, unsigned n)
{
	struct proc *reap = reaper_of(p), *q;
	unsigned i = 0;

	TAILQ_FOREACH(q, &reap->p_reaplist, p_reapsibling) {
		if (i == n)
			break;
		pi[i].pi_pid = q->p_pid;
		pi[i].pi_subtree = q->p_reapsubtree;
		pi[i].pi_flags = REAPER_PIDINFO_VALID |
		    (q->p_pptr == reap ? REAPER_PIDINFO_CHILD : 0) |
		    ((q->p_treeflag & P_TREE_REAPER) ? REAPER_PIDINFO_REAPER : 0);
		i++;
	}
	return (i);
}

struct reap_kill {
	struct proc	*cur;
	struct procctl_reaper_kill *rk;
	struct ksiginfo	ksi;
	bool		denied;		/* a target cur may not signal */
};

/* Signal q if it is still running and cur may. */
static void
reap_kill_one(struct reap_kill *k, struct proc *q)
{
	if (q->p_stat == SZOMB || (q->p_flags & P_SYSTEM))
		return;
	if (!p_cansignal(k->cur, q)) {
		if (!k->denied)
			k->rk->rk_fpid = q->p_pid;
		k->denied = true;
		return;
	}
	psignal_info(q, TID_ANY, k->rk->rk_sig, &k->ksi);
	k->rk->rk_killed++;
}

/*
 * Every process reap reaps, and what the reapers among them reap, in
 * turn: a walk of the tree of reaplists without a stack (a list's owner
 * is its members' p_reaper).  With REAPER_KILL_SUBTREE, of reap's own
 * list only the members of subtree rk_subtree.  Under proctree_lock,
 * which fork1 takes to add a child: a fork racing with us either ends
 * first (its child is on a list and signalled) or finds the signal on
 * its parent and starts over (RFPGLOCK), as for a group kill.
 */
static void
reap_kill_tree(struct reap_kill *k, struct proc *reap)
{
	bool subtree = k->rk->rk_flags & REAPER_KILL_SUBTREE;
	struct proc *q = TAILQ_FIRST(&reap->p_reaplist);

	while (q != NULL) {
		if (!subtree || q->p_reaper != reap ||
		    q->p_reapsubtree == k->rk->rk_subtree) {
			reap_kill_one(k, q);
			if ((q->p_treeflag & P_TREE_REAPER) && !TAILQ_EMPTY(&q->p_reaplist)) {
				q = TAILQ_FIRST(&q->p_reaplist);
				continue;
			}
		}
		while (TAILQ_NEXT(q, p_reapsibling) == NULL && q->p_reaper != reap)
			q = q->p_reaper;
		q = TAILQ_NEXT(q, p_reapsibling);
	}
}

/*
 * PROC_REAP_KILL: rk_killed counts what was signalled, rk_fpid is the
 * first process the caller could not signal (-1 if none).  0 if any was
 * signalled, EPERM if some could not be and none was, ESRCH if there was
 * nobody.  The reaper itself is never signalled; the caller is, when it
 * is one of the targets.
 */
static int
reap_kill(struct proc *cur, struct proc *p, struct procctl_reaper_kill *rk)
{
	struct reap_kill k = { .cur = cur, .rk = rk, .ksi = { .ksi_code = SI_USER,
	    .ksi_pid = cur->p_pid, .ksi_uid = cur->p_uid } };
	struct proc *reap = reaper_of(p), *q;

	if (rk->rk_flags & REAPER_KILL_CHILDREN) {
		LIST_FOREACH(q, &reap->p_children, p_sibling)
			reap_kill_one(&k, q);
	} else
		reap_kill_tree(&k, reap);
	if (rk->rk_killed > 0)
		return (0);
	return (k.denied ? EPERM : ESRCH);
}

/*
 * The command on process id (0: the caller), with data already copied
 * in; pi (room for n) is where PROC_REAP_GETPIDS puts its entries, *np
 * how many it did.
 */
static int
kern_procctl(struct proc *cur, idtype_t idtype, id_t id, int cmd,
    union procctl_data *data, struct procctl_reaper_pidinfo *pi, unsigned *np)
{
	struct proc *p;
	int error = 0;

	if (idtype != P_PID)
		return (EINVAL);
	spin_lock(&proctree_lock);
	if (id == 0)
		p = cur;
	else if (id < 0 || id > INT32_MAX || (p = pfind((pid_t)id)) == NULL ||
	    p->p_stat != SACTIVE || (p->p_flags & P_SYSTEM))
		p = NULL;
	if (p == NULL) {
		spin_unlock(&proctree_lock);
		return (ESRCH);
	}
	switch (cmd) {
	case PROC_REAP_ACQUIRE:
		if (p != cur)
			error = EPERM;
		else if (p->p_treeflag & P_TREE_REAPER)
			error = EBUSY;
		else
			reaper_acquire(p);
		break;
	case PROC_REAP_RELEASE:
		if (p != cur)
			error = EPERM;
		else if (p == initproc || !(p->p_treeflag & P_TREE_REAPER))
			error = EINVAL;
		else
			reaper_abandon(p);
		break;
	case PROC_REAP_STATUS:
		reap_status(p, &data->rs);
		break;
	case PROC_REAP_GETPIDS:
		*np = reap_getpids(p, pi, *np);
		break;
	case PROC_REAP_KILL:
		error = reap_kill(cur, p, &data->rk);
		break;
	}
	spin_unlock(&proctree_lock);
	return (error);
}

int
sys_procctl(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *cur = l->l_proc;
	struct vmspace *vm = cur->p_vmspace;
	struct procctl_reaper_pidinfo *pi = NULL;
	union procctl_data data = { 0 };
	idtype_t idtype = (idtype_t)args[0];
	id_t id = (id_t)args[1];
	int cmd = (int)args[2], error;
	vaddr_t udata = args[3];
	unsigned n = 0;

	switch (cmd) {
	case PROC_REAP_ACQUIRE:
	case PROC_REAP_RELEASE:
		if (udata != 0)
			return (EINVAL);
		break;
	case PROC_REAP_STATUS:
		break;
	case PROC_REAP_GETPIDS:
		if ((error = copyin(vm, udata, &data.rp, sizeof(data.rp))) != 0)
			return (error);
		/*
		 * Room for what there could be, made before proctree_lock is
		 * taken; nprocs read without it is enough for a bound, since
		 * the answer is only a snapshot anyway.
		 */
		n = MIN(data.rp.rp_count,
		    (unsigned)__atomic_load_n(&nprocs, __ATOMIC_RELAXED));
		if (n > 0 && (pi = kzalloc(n * sizeof(*pi))) == NULL)
			return (ENOMEM);
		break;
	case PROC_REAP_KILL:
		if ((error = copyin(vm, udata, &data.rk, sizeof(data.rk))) != 0)
			return (error);
		if (data.rk.rk_sig <= 0 || data.rk.rk_sig >= NSIG ||
		    (data.rk.rk_flags & ~(REAPER_KILL_CHILDREN | REAPER_KILL_SUBTREE)) ||
		    (data.rk.rk_flags & REAPER_KILL_CHILDREN &&
		    data.rk.rk_flags & REAPER_KILL_SUBTREE))
			return (EINVAL);
		data.rk.rk_killed = 0;
		data.rk.rk_fpid = -1;
		break;
	default:
		return (EINVAL);
	}

	error = kern_procctl(cur, idtype, id, cmd, &data, pi, &n);

	switch (cmd) {
	case PROC_REAP_STATUS:
		if (error == 0)
			error = copyout(vm, &data.rs, udata, sizeof(data.rs));
		break;
	case PROC_REAP_GETPIDS:
		if (error == 0 && n > 0)
			error = copyout(vm, pi, (vaddr_t)data.rp.rp_pids, n * sizeof(*pi));
		kfree(pi);
		break;
	case PROC_REAP_KILL: {
		/* Also on failure: rk_fpid says who could not be signalled (FreeBSD). */
		int error1 = copyout(vm, &data.rk, udata, sizeof(data.rk));

		if (error == 0)
			error = error1;
		break;
	}
	}
	return (error);
}
