/*
 * The process side of kqueue: the events fork1, exit1 and a process
 * descriptor post to the knotes watching them (EVFILT_PROC,
 * EVFILT_PROCDESC), and the queueing of a fired knote on its kqueue.
 * Below exit and the descriptors, which post them; the kqueue itself and
 * kevent are kqueue.c's, whose opening comment gives the rules.
 */
#include "eventvar.h"
#include "procdesc.h"
#include "sched.h"

void
knote_enqueue(struct knote *kn)
{
	struct kqueue *kq = kn->kn_kq;

	if (kn->kn_status & (KN_QUEUED | KN_DISABLED))
		return;
	TAILQ_INSERT_TAIL(&kq->kq_head, kn, kn_tqe);
	kn->kn_status |= KN_QUEUED;
	kq->kq_count++;
	wakeup(kq);
}

void
knote_dequeue(struct knote *kn)
{
	struct kqueue *kq = kn->kn_kq;

	if ((kn->kn_status & KN_QUEUED) == 0)
		return;
	TAILQ_REMOVE(&kq->kq_head, kn, kn_tqe);
	kn->kn_status &= ~KN_QUEUED;
	kq->kq_count--;
}

/* Take kn off its process (if still attached) and its kqueue, and free it. */
void
knote_drop(struct knote *kn)
{
	if (kn->kn_proc != NULL || kn->kn_pd != NULL) {
		LIST_REMOVE(kn, kn_selnext);
		kn->kn_proc = NULL;
		kn->kn_pd = NULL;
	}
	knote_dequeue(kn);
	TAILQ_REMOVE(&kn->kn_kq->kq_knotes, kn, kn_link);
	kfree(kn);
}

/*
 * Posted from the parent's at_fork callout: every watcher of the parent
 * that asked for NOTE_FORK fires.  data = the child's pid is forkrt's
 * choice (FreeBSD leaves data alone without NOTE_TRACK); with two forks
 * before a report it is the later child.
 */
void
knote_fork(struct proc *parent, pid_t child)
{
	struct knote *kn;

	spin_lock(&proctree_lock);
	LIST_FOREACH(kn, &parent->p_klist, kn_selnext) {
		if ((kn->kn_sfflags & NOTE_FORK) == 0)
			continue;
		spin_lock(&kn->kn_kq->kq_lock);
		kn->kn_fflags |= NOTE_FORK;
		kn->kn_data = child;
		knote_enqueue(kn);
		spin_unlock(&kn->kn_kq->kq_lock);
	}
	spin_unlock(&proctree_lock);
}

/*
 * Posted from exit1 once p_xstat holds the wait status.  Every knote on p
 * leaves it; those that asked for NOTE_EXIT stay on their kqueue to report
 * it once (EV_EOF|EV_ONESHOT, data the status); the others are dropped,
 * FreeBSD's EV_DROP.  A fired-but-unreported NOTE_FORK still goes out
 * with the exit, so the oneshot report carries both.
 */
void
knote_exit(struct proc *p)
{
	struct knote *kn, *next;
	struct kqueue *kq;

	KASSERT(spin_held(&proctree_lock), "knote_exit without proctree_lock");
	LIST_FOREACH_SAFE(kn, &p->p_klist, kn_selnext, next) {
		kq = kn->kn_kq;
		spin_lock(&kq->kq_lock);
		LIST_REMOVE(kn, kn_selnext);
		kn->kn_proc = NULL;
		kn->kn_flags |= EV_EOF | EV_ONESHOT;
		if (kn->kn_sfflags & NOTE_EXIT) {
			kn->kn_fflags |= NOTE_EXIT;
			kn->kn_data = p->p_xstat;
		}
		if (kn->kn_fflags == 0)
			knote_drop(kn);
		else
			knote_enqueue(kn);
		spin_unlock(&kq->kq_lock);
	}
	LIST_INIT(&p->p_klist);
}

/* A NOTE_EXIT of a knote on a process descriptor: the same report as knote_exit's. */
void
knote_procdesc_exit(struct klist *list, int status)
{
	struct knote *kn, *next;
	struct kqueue *kq;

	KASSERT(spin_held(&proctree_lock), "knote_procdesc_exit without proctree_lock");
	LIST_FOREACH_SAFE(kn, list, kn_selnext, next) {
		kq = kn->kn_kq;
		spin_lock(&kq->kq_lock);
		LIST_REMOVE(kn, kn_selnext);
		kn->kn_pd = NULL;
		kn->kn_flags |= EV_EOF | EV_ONESHOT;
		if (kn->kn_sfflags & NOTE_EXIT) {
			kn->kn_fflags |= NOTE_EXIT;
			kn->kn_data = status;
			knote_enqueue(kn);
		} else
			knote_drop(kn);
		spin_unlock(&kq->kq_lock);
	}
	LIST_INIT(list);
}

void
knlist_clear(struct klist *list)
{
	struct knote *kn;
	struct kqueue *kq;

	KASSERT(spin_held(&proctree_lock), "knlist_clear without proctree_lock");
	while ((kn = LIST_FIRST(list)) != NULL) {
		kq = kn->kn_kq;
		spin_lock(&kq->kq_lock);
		knote_drop(kn);
		spin_unlock(&kq->kq_lock);
	}
}
