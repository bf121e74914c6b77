/*
 * Reapers, FreeBSD's way (procctl(2) PROC_REAP_*).  A reaper adopts the
 * orphans and RFNOWAIT children of its descendants in place of init,
 * which is the reaper of last resort (proc0 reaps kernel threads).  Each
 * process names its nearest reaper in p_reaper and sits on that reaper's
 * p_reaplist from fork until it is reaped; a process forked by a reaper
 * starts a subtree named by its own pid (p_reapsubtree), and whatever
 * descends from it carries that id, so that PROC_REAP_KILL can take one
 * subtree.  Init's descendants all carry init's id, 1, as in FreeBSD.
 * Init and proc0 are their own reapers and on no list.
 *
 * A subtree's members sit together on the reaplist: fork puts a child
 * right after its parent when both have the same reaper, and a reaper
 * that goes hands its whole list to its own reaper right after itself.
 * So whether an id is still carried is a look at a process's neighbours,
 * not a walk: fork and reap stay O(1) whatever the reaper holds.
 *
 * Pid allocation must skip a subtree id while any process carries it
 * (FreeBSD's PROC_ID_REAP map, pid.c): an id goes into the map when a
 * reaper other than init gets a child (init's descendants all carry 1,
 * which is never free anyway), and out when the last process carrying it
 * leaves its reaper's list, which the grouping makes a look at the
 * neighbours.
 *
 * Everything here runs under proctree_lock, the (t) lock of the fields.
 */
#include "pid.h"
#include "proc.h"
#include "reaper.h"

/*
 * Enter p2, a new child of p1 whose pid is set, on the reaper tree and
 * return its parent: p1, or with RFNOWAIT p1's reaper (FreeBSD: even if
 * p1 is itself a reaper, its RFNOWAIT child is not its to reap).
 */
struct proc *
reaper_fork(struct proc *p1, struct proc *p2, int flags)
{
	struct proc *reaper;

	KASSERT(spin_held(&proctree_lock), "reaper_fork without proctree_lock");
	if ((p1->p_treeflag & P_TREE_REAPER) && !(flags & RFNOWAIT))
		reaper = p1;
	else
		reaper = p1->p_reaper;
	p2->p_reaper = reaper;
	if (reaper == p1) {
		/* proc0 too: it is its own reaper and on no list. */
		if (p1 == initproc)
			p2->p_reapsubtree = p1->p_reapsubtree;
		else {
			p2->p_reapsubtree = p2->p_pid;
			proc_id_set(PROC_ID_REAP, p2->p_pid);
		}
		TAILQ_INSERT_HEAD(&reaper->p_reaplist, p2, p_reapsibling);
	} else {
		p2->p_reapsubtree = p1->p_reapsubtree;
		TAILQ_INSERT_AFTER(&reaper->p_reaplist, p1, p2, p_reapsibling);
	}
	return ((flags & RFNOWAIT) ? reaper : p1);
}

/*
 * p, just forked from proc0 to be init, becomes the reaper of last
 * resort: its own reaper as proc0 is, so that even its RFNOWAIT children
 * stay with it (FreeBSD's would go to proc0, which never waits).
 */
void
reaper_make_init(struct proc *p)
{
	KASSERT(spin_held(&proctree_lock), "reaper_make_init without proctree_lock");
	KASSERT(p->p_reaper == &proc0, "init not forked from proc0");
	TAILQ_REMOVE(&proc0.p_reaplist, p, p_reapsibling);
	p->p_reaper = p;
	reaper_acquire(p);
}

/* p becomes a reaper.  Its existing descendants stay with their reaper (FreeBSD). */
void
reaper_acquire(struct proc *p)
{
	KASSERT(spin_held(&proctree_lock), "reaper_acquire without proctree_lock");
	KASSERT(TAILQ_EMPTY(&p->p_reaplist), "a non-reaper with a reaplist");
	/* Made here, not at fork: only a reaper's list is ever walked or added to. */
	TAILQ_INIT(&p->p_reaplist);
	p->p_treeflag |= P_TREE_REAPER;
}

/*
 * p stops being a reaper (PROC_REAP_RELEASE, or its exit): what it reaps
 * passes to its own reaper, as part of p's subtree there.  Its children
 * stay its children; exit1 moves them after this, each to its reaper.
 */
void
reaper_abandon(struct proc *p)
{
	struct proc *up = p->p_reaper, *q, *next;

	KASSERT(spin_held(&proctree_lock), "reaper_abandon without proctree_lock");
	KASSERT(p != initproc && p != &proc0, "init and proc0 reap for good");
	KASSERT(p->p_treeflag & P_TREE_REAPER, "reaper_abandon of a non-reaper");
	while ((q = TAILQ_FIRST(&p->p_reaplist)) != NULL) {
		TAILQ_REMOVE(&p->p_reaplist, q, p_reapsibling);
		/* The last of its subtree here: that id is free (it joins p's). */
		next = TAILQ_FIRST(&p->p_reaplist);
		if (next == NULL || next->p_reapsubtree != q->p_reapsubtree)
			proc_id_clear(PROC_ID_REAP, q->p_reapsubtree);
		q->p_reaper = up;
		q->p_reapsubtree = p->p_reapsubtree;
		TAILQ_INSERT_AFTER(&up->p_reaplist, p, q, p_reapsibling);
	}
	p->p_treeflag &= ~P_TREE_REAPER;
}

/* The process before p on its reaper's list, or NULL (queue.h has no TAILQ_PREV). */
static struct proc *
reap_prev(struct proc *p)
{
	struct proc **prevnext = p->p_reapsibling.tqe_prev;

	if (prevnext == &p->p_reaper->p_reaplist.tqh_first)
		return (NULL);
	return (container_of(prevnext, struct proc, p_reapsibling.tqe_next));
}

/* Zombie p is being reaped: off its reaper's list, its subtree id free if it was the last. */
void
reaper_reap(struct proc *p)
{
	struct proc *prev, *next;
	pid_t id = p->p_reapsubtree;

	KASSERT(spin_held(&proctree_lock), "reaper_reap without proctree_lock");
	KASSERT(!(p->p_treeflag & P_TREE_REAPER), "a zombie still reaping");
	if (p->p_reaper != initproc) {
		prev = reap_prev(p);
		next = TAILQ_NEXT(p, p_reapsibling);
		if ((prev == NULL || prev->p_reapsubtree != id) &&
		    (next == NULL || next->p_reapsubtree != id))
			proc_id_clear(PROC_ID_REAP, id);
	}
	TAILQ_REMOVE(&p->p_reaper->p_reaplist, p, p_reapsibling);
}
