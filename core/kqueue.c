/*
 * kqueue and kevent, EVFILT_PROC and EVFILT_PROCDESC, with FreeBSD's
 * struct kevent.
 *
 * A knote joins a kqueue and the process it watches (on p_klist).  The
 * process side posts events: knote_fork() from the lead's at_fork callout
 * in the parent's watchers, knote_exit() from exit1() once p_xstat is
 * set.  knote_exit() also detaches every knote from the process, so no
 * knote ever points at a zombie and the proc can be freed by wait at any
 * time; closing a kqueue takes its knotes off the processes they still
 * watch.  Either way no pointer is left dangling.
 *
 * As in FreeBSD, process knotes are always edge-triggered (EV_CLEAR is
 * implied): an event is reported once, then its fflags and data clear.
 * NOTE_EXIT adds EV_EOF|EV_ONESHOT and carries the wait status in data; a
 * knote whose process exits without a subscribed note is dropped.
 *
 * EVFILT_PROCDESC (ident a process descriptor, NOTE_EXIT only) works the
 * same way on the descriptor's list (pd_klist) instead of the process's:
 * procdesc_exit() posts the exit, and the descriptor's last close drops
 * the knotes still waiting on it (FreeBSD drops them at every close of
 * the descriptor number; forkrt, with no per-descriptor hook, at the
 * last one, and at EV_DELETE or the kqueue's close).  A knote added after
 * the exit reports it at once.
 *
 * The kqueue, its changes and its reports are here; the events the
 * process side posts, and the knotes' structure, are knote.c's and
 * eventvar.h's, below exit1 and the process descriptors, which post them.
 *
 * Sleeps are on the kqueue.  One CPU and a kernel that is not preemptible
 * keep test-then-sleep safe; the lock is for SMP (which will want msleep).
 */
#include "eventvar.h"
#include "fail.h"
#include "file.h"
#include "proc.h"
#include "procdesc.h"
#include "sched.h"
#include "syscall.h"
#include "vm.h"

#define PROC_NOTES	(NOTE_EXIT | NOTE_FORK)

static int	kqueue_rw(struct file *, vaddr_t, size_t, size_t *);
static void	kqueue_close(struct file *);

/* Not passable: fork's copy of a table leaves kqueues out, as FreeBSD does. */
static const struct fileops kqueue_ops = {
	.fo_read = kqueue_rw,
	.fo_write = kqueue_rw,
	.fo_close = kqueue_close,
	.fo_flags = 0,
};

static int
kqueue_rw(struct file *fp __unused, vaddr_t ubuf __unused, size_t len __unused,
    size_t *done)
{
	*done = 0;
	return (ENOTSUP);
}

static void
kqueue_close(struct file *fp)
{
	struct kqueue *kq = fp->f_data;
	struct knote *kn;

	spin_lock(&proctree_lock);
	spin_lock(&kq->kq_lock);
	while ((kn = TAILQ_FIRST(&kq->kq_knotes)) != NULL)
		knote_drop(kn);
	spin_unlock(&kq->kq_lock);
	spin_unlock(&proctree_lock);
	kfree(kq);
}

static struct knote *
knote_find(struct kqueue *kq, int16_t filter, uintptr_t ident)
{
	struct knote *kn;

	TAILQ_FOREACH(kn, &kq->kq_knotes, kn_link)
		if (kn->kn_ident == ident && kn->kn_filter == filter)
			return (kn);
	return (NULL);
}

/*
 * A new knote on the process descriptor pd: on its list, or, if the
 * process already exited, queued at once with the exit (FreeBSD's first
 * f_event call), or dropped if NOTE_EXIT was not asked for.
 */
static bool
knote_attach_procdesc(struct knote *kn, struct procdesc *pd, uint32_t fflags)
{
	if ((pd->pd_flags & PDF_EXITED) == 0) {
		kn->kn_pd = pd;
		LIST_INSERT_HEAD(&pd->pd_klist, kn, kn_selnext);
		return (true);
	}
	if ((fflags & NOTE_EXIT) == 0)
		return (false);
	kn->kn_fflags = NOTE_EXIT;
	kn->kn_data = pd->pd_xstat;
	return (true);
}

/*
 * Apply one change; 0 or the errno FreeBSD gives it.  For EVFILT_PROCDESC
 * the caller found the descriptor (pd) before taking the locks.
 */
static int
kqueue_register(struct kqueue *kq, const struct kevent *kev, struct procdesc *pd)
{
	struct knote *kn;
	struct proc *p = NULL;
	pid_t pid = (pid_t)kev->ident;
	uint32_t notes;

	if (kev->filter == EVFILT_PROC) {
		if ((uintptr_t)pid != kev->ident)
			return (ESRCH);
		notes = PROC_NOTES;
	} else if (kev->filter == EVFILT_PROCDESC)
		notes = NOTE_EXIT;
	else
		return (EINVAL);
	kn = knote_find(kq, kev->filter, kev->ident);
	if (kev->flags & EV_DELETE) {
		if (kn == NULL)
			return (ENOENT);
		knote_drop(kn);
		return (0);
	}
	if (kn == NULL) {
		if ((kev->flags & EV_ADD) == 0)
			return (ENOENT);
		if (kev->filter == EVFILT_PROC) {
			p = pfind(pid);
			if (p == NULL || p->p_stat != SACTIVE ||
			    (p->p_flags & P_SYSTEM))
				return (ESRCH);
		}
		if (FAIL_POINT(kqueue_knote_alloc) ||
		    (kn = kzalloc(sizeof(*kn))) == NULL)
			return (ENOMEM);
		kn->kn_kq = kq;
		kn->kn_ident = kev->ident;
		kn->kn_filter = kev->filter;
		TAILQ_INSERT_TAIL(&kq->kq_knotes, kn, kn_link);
		if (p != NULL) {
			kn->kn_proc = p;
			LIST_INSERT_HEAD(&p->p_klist, kn, kn_selnext);
		} else if (!knote_attach_procdesc(kn, pd, kev->fflags)) {
			knote_drop(kn);
			return (0);
		}
	}
	if (kev->flags & EV_ADD) {
		kn->kn_sfflags = kev->fflags & notes;
		kn->kn_udata = kev->udata;
		kn->kn_flags = (kev->flags & EV_ONESHOT) | EV_CLEAR;
		if (kn->kn_fflags & NOTE_EXIT) {
			kn->kn_flags |= EV_EOF | EV_ONESHOT;
			knote_enqueue(kn);
		}
	}
	if (kev->flags & EV_DISABLE) {
		kn->kn_status |= KN_DISABLED;
		knote_dequeue(kn);
	}
	if ((kev->flags & EV_ENABLE) && (kn->kn_status & KN_DISABLED)) {
		kn->kn_status &= ~KN_DISABLED;
		if (kn->kn_fflags != 0)
			knote_enqueue(kn);
	}
	return (0);
}

/* The report of a queued knote, built before anything is consumed. */
static void
knote_fill(const struct knote *kn, struct kevent *kev)
{
	memset(kev, 0, sizeof(*kev));
	kev->ident = kn->kn_ident;
	kev->filter = kn->kn_filter;
	kev->flags = kn->kn_flags;
	kev->fflags = kn->kn_fflags;
	kev->data = kn->kn_data;
	kev->udata = kn->kn_udata;
}

/* kn was reported: a oneshot knote goes, the others clear (EV_CLEAR). */
static void
knote_consume(struct knote *kn)
{
	if (kn->kn_flags & EV_ONESHOT) {
		knote_drop(kn);
		return;
	}
	knote_dequeue(kn);
	kn->kn_fflags = 0;
	kn->kn_data = 0;
}

/* A timeout in ticks: 0 polls, UINT64_MAX blocks; EINVAL if malformed. */
static int
kevent_timeout(struct vmspace *vm, vaddr_t uts, uint64_t *timo)
{
	struct timespec ts;
	int error;

	if (uts == 0) {
		*timo = UINT64_MAX;
		return (0);
	}
	if ((error = copyin(vm, uts, &ts, sizeof(ts))) != 0)
		return (error);
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return (EINVAL);
	/* Past a year, block: no caller can tell the difference. */
	if (ts.tv_sec > 365 * 24 * 3600) {
		*timo = UINT64_MAX;
		return (0);
	}
	if (ts.tv_sec == 0 && ts.tv_nsec == 0) {
		*timo = 0;
		return (0);
	}
	*timo = timo_from_ns((uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec);
	return (0);
}

int
sys_kqueue(struct lwp *l, const register_t *args __unused, register_t *rv)
{
	struct kqueue *kq;
	struct file *fp;
	int error, fd;

	if ((kq = kzalloc(sizeof(*kq))) == NULL)
		return (ENOMEM);
	TAILQ_INIT(&kq->kq_knotes);
	TAILQ_INIT(&kq->kq_head);
	kq->kq_lock = (struct spinlock)SPINLOCK_INIT("kqueue");
	if ((error = falloc(FREAD | FWRITE, DTYPE_KQUEUE, &kqueue_ops, kq,
	    &fp)) != 0) {
		kfree(kq);
		return (error);
	}
	/* From here the file owns kq: fdrop frees both. */
	error = fd_install(l->l_proc, fp, &fd);
	fdrop(fp);
	if (error != 0)
		return (error);
	*rv = (register_t)fd;
	return (0);
}

/*
 * kevent(kq, changes, nchanges, events, nevents, timeout).  Changes are
 * applied in order; one that fails is reported as an EV_ERROR event (data
 * the errno) while there is room in events, and ends the call with that
 * errno otherwise, as in FreeBSD.  Then fired knotes are reported, waiting
 * for one unless the timeout is a zero timespec (poll) or runs out.
 * Returns the number of events copied out.
 */
int
sys_kevent(struct lwp *l, const register_t *args, register_t *rv)
{
	struct proc *p = l->l_proc;
	struct vmspace *vm = p->p_vmspace;
	int nchanges = (int)args[2], nevents = (int)args[4], n = 0, error;
	vaddr_t uchanges = args[1], uevents = args[3];
	struct kevent kev;
	struct knote *kn;
	struct kqueue *kq;
	struct file *fp, *pdfp;
	struct procdesc *pd;
	uint64_t timo;

	if ((error = fget(p, (int)args[0], 0, &fp)) != 0)
		return (error);
	if (fp->f_type != DTYPE_KQUEUE) {
		error = EBADF;
		goto out;
	}
	kq = fp->f_data;
	if (nchanges < 0 || nevents < 0) {
		error = EINVAL;
		goto out;
	}
	if ((error = kevent_timeout(vm, args[5], &timo)) != 0)
		goto out;

	for (int i = 0; i < nchanges; i++) {
		error = copyin(vm, uchanges + (vaddr_t)i * sizeof(kev), &kev,
		    sizeof(kev));
		if (error != 0)
			goto out;
		/*
		 * A process descriptor is looked up (EBADF, EINVAL) before the
		 * locks (the table's is not taken inside them) and held
		 * across the change, so that its last close comes after.
		 */
		pdfp = NULL;
		pd = NULL;
		if (kev.filter == EVFILT_PROCDESC)
			error = kev.ident > INT32_MAX ? EBADF :
			    procdesc_get(p, (int)kev.ident, EINVAL, &pdfp, &pd);
		if (error == 0) {
			/* proctree_lock: the knote goes on a process's list (p_klist). */
			spin_lock(&proctree_lock);
			spin_lock(&kq->kq_lock);
			error = kqueue_register(kq, &kev, pd);
			spin_unlock(&kq->kq_lock);
			spin_unlock(&proctree_lock);
		}
		if (pdfp != NULL)
			fdrop(pdfp);
		if (error == 0)
			continue;
		if (n == nevents)
			goto out;
		kev.flags = EV_ERROR;
		kev.data = error;
		error = copyout(vm, &kev, uevents + (vaddr_t)n * sizeof(kev),
		    sizeof(kev));
		if (error != 0)
			goto out;
		n++;
	}
	error = 0;

	/* FreeBSD: no room for events, or error events used it: return. */
	if (nevents == 0 || n > 0)
		goto out;
	spin_lock(&kq->kq_lock);
	while (kq->kq_count == 0) {
		if (timo == 0)
			error = EAGAIN;
		else
			error = msleep(kq, &kq->kq_lock, PCATCH, "kqread",
			    timo == UINT64_MAX ? 0 : timo);
		if (error != 0) {
			spin_unlock(&kq->kq_lock);
			if (error == EAGAIN)
				error = 0;
			/* FreeBSD: never restarted, a timeout would start over. */
			if (error == ERESTART)
				error = EINTR;
			goto out;
		}
	}
	while (n < nevents && (kn = TAILQ_FIRST(&kq->kq_head)) != NULL) {
		/* A bad events buffer loses no event: it stays queued. */
		knote_fill(kn, &kev);
		error = copyout(vm, &kev, uevents + (vaddr_t)n * sizeof(kev),
		    sizeof(kev));
		if (error != 0)
			break;
		knote_consume(kn);
		n++;
	}
	spin_unlock(&kq->kq_lock);
	/* Events already handed over count; EFAULT stands only if none was. */
	if (n > 0)
		error = 0;
out:
	fdrop(fp);
	if (error == 0)
		*rv = (register_t)n;
	return (error);
}
