/*
 * Process descriptors: the file, its link to the process, and what exit,
 * wait and the last close do to each other.  See core/procdesc.h for
 * the rules; the system calls are in sys_procdesc.c.
 */
#include "exit.h"
#include "file.h"
#include "pid.h"
#include "procdesc.h"
#include "sched.h"
#include "signalvar.h"

static int	procdesc_rw(struct file *, vaddr_t, size_t, size_t *);
static void	procdesc_close(struct file *);
static void	procdesc_larval_close(struct file *);

/* Passable: fork's copy of a table shares the descriptor (FreeBSD). */
static const struct fileops procdesc_ops = {
	.fo_read = procdesc_rw,
	.fo_write = procdesc_rw,
	.fo_close = procdesc_close,
	.fo_flags = DFLAG_PASSABLE,
};

/*
 * A descriptor whose process does not exist yet (pdfork, while fork1
 * runs): not passable, so that the child's copy of the table leaves it
 * out, and its close only frees it.
 */
static const struct fileops procdesc_larval_ops = {
	.fo_read = procdesc_rw,
	.fo_write = procdesc_rw,
	.fo_close = procdesc_larval_close,
	.fo_flags = 0,
};

static int
procdesc_rw(struct file *fp __unused, vaddr_t ubuf __unused, size_t len __unused,
    size_t *done)
{
	*done = 0;
	return (EOPNOTSUPP);
}

int
procdesc_falloc(struct proc *p, int pdflags, struct file **fpp, int *fdp)
{
	struct procdesc *pd;
	struct file *fp;
	int error;

	if ((pd = kzalloc(sizeof(*pd))) == NULL)
		return (ENOMEM);
	LIST_INIT(&pd->pd_klist);
	if (pdflags & PD_DAEMON)
		pd->pd_flags |= PDF_DAEMON;
	if ((error = falloc(FREAD | FWRITE, DTYPE_PROCDESC, &procdesc_larval_ops, pd,
	    &fp)) != 0) {
		kfree(pd);
		return (error);
	}
	/* From here the file owns pd: fdrop frees both. */
	if ((error = fd_alloc(p, fp, 0, (pdflags & PD_CLOEXEC) ? UF_EXCLOSE : 0,
	    fdp)) != 0) {
		fdrop(fp);
		return (error);
	}
	*fpp = fp;
	return (0);
}

void
procdesc_new(struct proc *p2, struct file *fp)
{
	struct procdesc *pd = fp->f_data;

	KASSERT(p2->p_stat == SIDL, "procdesc_new of a started process");
	spin_lock(&proctree_lock);
	pd->pd_proc = p2;
	pd->pd_pid = p2->p_pid;
	p2->p_procdesc = pd;
	spin_unlock(&proctree_lock);
	/* Now a fork (of the parent's other lwps) copies it, and its close acts. */
	__atomic_store_n(&fp->f_ops, &procdesc_ops, __ATOMIC_RELEASE);
}

static void
procdesc_larval_close(struct file *fp)
{
	kfree(fp->f_data);
}

bool
procdesc_exit(struct proc *p)
{
	struct procdesc *pd = p->p_procdesc;

	KASSERT(spin_held(&proctree_lock), "procdesc_exit without proctree_lock");
	if (pd == NULL)
		return (false);
	pd->pd_flags |= PDF_EXITED;
	pd->pd_xstat = p->p_xstat;
	knote_procdesc_exit(&pd->pd_klist, pd->pd_xstat);
	wakeup(pd);
	return (true);
}

void
procdesc_jobstate(struct proc *p)
{
	KASSERT(spin_held(&proctree_lock), "procdesc_jobstate without proctree_lock");
	if (p->p_procdesc != NULL)
		wakeup(p->p_procdesc);
}

/*
 * The process goes, its descriptor stays: the pid with it, until the last
 * close.  A pdwait asleep in another process finds the process gone (ESRCH).
 */
void
procdesc_reap(struct proc *p)
{
	struct procdesc *pd = p->p_procdesc;

	KASSERT(spin_held(&proctree_lock), "procdesc_reap without proctree_lock");
	pd->pd_proc = NULL;
	p->p_procdesc = NULL;
	/* The pid map keeps pd_pid's bit: the last close clears it. */
	pd->pd_flags |= PDF_HELD;
	wakeup(pd);
}

/*
 * The last close (FreeBSD's procdesc_close).  A reaped process's pid is
 * free again; a zombie is reaped here, its usage going to its parent; a
 * running process is cut loose: passed to its reaper (init unless
 * procctl made another), which reaps it when it exits (SIGCHLD from then
 * on), and killed unless PD_DAEMON.  Waiting for it here is what FreeBSD
 * calls madness: its exit may need our locks.
 */
static void
procdesc_close(struct file *fp)
{
	struct procdesc *pd = fp->f_data;
	struct proc *p;

	spin_lock(&proctree_lock);
	knlist_clear(&pd->pd_klist);
	if ((p = pd->pd_proc) == NULL) {
		if (pd->pd_flags & PDF_HELD)
			proc_id_clear(PROC_ID_PID, pd->pd_pid);
		spin_unlock(&proctree_lock);
		kfree(pd);
		return;
	}
	pd->pd_proc = NULL;
	p->p_procdesc = NULL;
	if (p->p_stat == SZOMB) {
		proc_collect(p, NULL);	/* drops proctree_lock */
		kfree(pd);
		return;
	}
	/* Cut loose as an orphan is: to its reaper (init at the end), which hears of its exit. */
	p->p_sigparent = SIGCHLD;
	if (p->p_pptr != p->p_reaper) {
		LIST_REMOVE(p, p_sibling);
		p->p_pptr = p->p_reaper;
		LIST_INSERT_HEAD(&p->p_reaper->p_children, p, p_sibling);
	}
	if ((pd->pd_flags & PDF_DAEMON) == 0)
		psignal(p, SIGKILL);
	spin_unlock(&proctree_lock);
	kfree(pd);
}

int
procdesc_get(struct proc *p, int fd, int wrongtype, struct file **fpp,
    struct procdesc **pdp)
{
	struct file *fp;
	int error;

	if ((error = fget(p, fd, 0, &fp)) != 0)
		return (error);
	/* A larval one is its pdfork's until the process exists: not yet a process. */
	if (fp->f_type != DTYPE_PROCDESC ||
	    __atomic_load_n(&fp->f_ops, __ATOMIC_ACQUIRE) != &procdesc_ops) {
		fdrop(fp);
		return (wrongtype);
	}
	*fpp = fp;
	*pdp = fp->f_data;
	return (0);
}
