/*
 * Process descriptors as files, and their system calls (FreeBSD 15's
 * <sys/procdesc.h>): pdfork, pdrfork, pdgetpid, pdkill and pdwait.  What
 * the process's exit and reaping do to its descriptor is procdesc.c's;
 * pdwait's wait is in exit.c, beside wait6's.
 */
#include "exit.h"
#include "file.h"
#include "fork.h"
#include "pid.h"
#include "procdesc.h"
#include "sched.h"
#include "signalvar.h"
#include "syscall.h"
#include "vm.h"

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

/*
 * Is [uaddr, uaddr + len) readable and writable?  Read and written back
 * as it is, so that a call can refuse a bad pointer (EFAULT) before it
 * does something that cannot be undone: make a child, reap one.
 */
static int
user_rw_check(struct vmspace *vm, vaddr_t uaddr, size_t len)
{
	char buf[sizeof(struct __wrusage)];
	int error;

	KASSERT(len <= sizeof(buf), "user_rw_check: too long");
	if ((error = copyin(vm, uaddr, buf, len)) != 0)
		return (error);
	return (copyout(vm, buf, uaddr, len));
}

/*
 * fork1 with a process descriptor: the descriptor is made first (EMFILE,
 * ENOMEM with nothing else done), the child linked to it before it runs,
 * then started (a RFPPWAIT parent waits for it as do_fork's does: held,
 * until it execs or exits); the number goes out last.  Should that copy
 * still fail (another lwp unmapped the page meanwhile), the descriptor is
 * closed, which ends the child as any last close does.
 */
static int
pdfork1(struct lwp *l, vaddr_t ufdp, int pdflags, int flags, register_t *rv)
{
	struct proc *p = l->l_proc, *p2;
	struct vmspace *vm = p->p_vmspace;
	struct file *fp;
	pid_t pid;
	int error, fd;

	if ((error = user_rw_check(vm, ufdp, sizeof(fd))) != 0)
		return (error);
	if ((error = procdesc_falloc(p, pdflags, &fp, &fd)) != 0)
		return (error);
	if ((error = fork1(l, flags, &p2)) != 0) {
		fd_close_file(p, fd, fp);
		fdrop(fp);
		return (error);
	}
	procdesc_new(p2, fp);
	/* Once it runs, a pdwait of another lwp may reap it: its pid now. */
	pid = p2->p_pid;
	if (flags & RFPPWAIT) {
		spin_lock(&p2->p_lock);
		phold(p2);
		spin_unlock(&p2->p_lock);
	}
	start_forked_proc(p2, flags);
	if (flags & RFPPWAIT) {
		spin_lock(&p2->p_lock);
		while ((p2->p_flags & P_PPWAIT) &&
		    msleep(&p2->p_flags, &p2->p_lock, PCATCHKILL, "ppwait", 0) == 0)
			;
		spin_unlock(&p2->p_lock);
		prele(p2);
	}
	if ((error = copyout(vm, &fd, ufdp, sizeof(fd))) != 0)
		fd_close_file(p, fd, fp);
	fdrop(fp);
	if (error == 0)
		*rv = (register_t)pid;
	return (error);
}

/* pdfork(fdp, flags): fork, and *fdp a descriptor of the child; PD_DAEMON, PD_CLOEXEC. */
int
sys_pdfork(struct lwp *l, const register_t *args, register_t *rv)
{
	int pdflags = (int)args[1];

	if (pdflags & ~PD_ALLOWED_AT_FORK)
		return (EINVAL);
	return (pdfork1(l, args[0], pdflags, RFFDG | RFPROC, rv));
}

/*
 * pdrfork(fdp, pdflags, rfflags): rfork with a descriptor.  rfflags is
 * RFSPAWN alone, or RFPROC | RFPROCDESC with any other rfork flag a
 * process may give (FreeBSD's rules: EINVAL otherwise).
 */
int
sys_pdrfork(struct lwp *l, const register_t *args, register_t *rv)
{
	int pdflags = (int)args[1], rfflags = (int)args[2], flags, error;

	if (pdflags & ~PD_ALLOWED_AT_FORK)
		return (EINVAL);
	/* RFSPAWN alone, or RFPROC | RFPROCDESC with whatever rfork takes. */
	if ((unsigned)rfflags != RFSPAWN &&
	    (rfflags & (RFPROC | RFPROCDESC)) != (RFPROC | RFPROCDESC))
		return (EINVAL);
	if ((error = rfork_flags(rfflags, true, &flags)) != 0)
		return (error);
	return (pdfork1(l, args[0], pdflags, flags, rv));
}

/* pdgetpid(fd, pidp): the pid, as long as the descriptor is open (reaped or not). */
int
sys_pdgetpid(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p = l->l_proc;
	struct procdesc *pd;
	struct file *fp;
	pid_t pid;
	int error;

	if ((error = procdesc_get(p, (int)args[0], EBADF, &fp, &pd)) != 0)
		return (error);
	pid = pd->pd_pid;
	fdrop(fp);
	return (copyout(p->p_vmspace, &pid, args[1], sizeof(pid)));
}

/*
 * pdkill(fd, sig): kill(2) through a descriptor.  EINVAL for a bad
 * signal, EBADF, ESRCH once the process is reaped, EPERM as kill's; a
 * zombie takes nothing and says 0 (FreeBSD).
 */
int
sys_pdkill(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *cur = l->l_proc, *p;
	struct ksiginfo ksi = { .ksi_code = SI_USER, .ksi_pid = cur->p_pid,
	    .ksi_uid = cur->p_uid };
	int sig = (int)args[1], error = 0;
	struct procdesc *pd;
	struct file *fp;

	if (sig < 0 || sig >= NSIG)
		return (EINVAL);
	if ((error = procdesc_get(cur, (int)args[0], EBADF, &fp, &pd)) != 0)
		return (error);
	spin_lock(&proctree_lock);
	if ((p = pd->pd_proc) == NULL)
		error = ESRCH;
	else if (!p_cansignal(cur, p))
		error = EPERM;
	else if (sig != 0 && p->p_stat != SZOMB)
		psignal_info(p, TID_ANY, sig, &ksi);
	spin_unlock(&proctree_lock);
	fdrop(fp);
	return (error);
}

/*
 * pdwait(fd, status, options, wrusage, info): wait6 on the descriptor's
 * process (kern_pdwait).  EBADF when fd is not open, EINVAL when it is
 * not a process descriptor or the options are bad, EFAULT for a pointer
 * that cannot be written, found before anything is reaped; ESRCH once
 * the status was collected.  *status is written only when there was
 * something to report; *info (si_pid 0 when WNOHANG found nothing) and
 * *wrusage (zero unless reaped) always.
 */
int
sys_pdwait(struct lwp *l, const register_t *args, register_t *rv)
{
	struct proc *p = l->l_proc;
	struct vmspace *vm = p->p_vmspace;
	vaddr_t ustatus = args[1], uwru = args[3], uinfo = args[4];
	struct __wrusage wru;
	struct procdesc *pd;
	struct file *fp;
	siginfo_t si;
	int status = 0, error;
	bool found;

	if ((error = procdesc_get(p, (int)args[0], EINVAL, &fp, &pd)) != 0)
		return (error);
	if ((ustatus != 0 && (error = user_rw_check(vm, ustatus, sizeof(status))) != 0) ||
	    (uwru != 0 && (error = user_rw_check(vm, uwru, sizeof(wru))) != 0) ||
	    (uinfo != 0 && (error = user_rw_check(vm, uinfo, sizeof(si))) != 0)) {
		fdrop(fp);
		return (error);
	}
	memset(&wru, 0, sizeof(wru));
	error = kern_pdwait(pd, (int)args[2], &status, &si, uwru != 0 ? &wru : NULL,
	    &found);
	fdrop(fp);
	if (error != 0)
		return (error);
	if (found && ustatus != 0 &&
	    (error = copyout(vm, &status, ustatus, sizeof(status))) != 0)
		return (error);
	if (uwru != 0 && (error = copyout(vm, &wru, uwru, sizeof(wru))) != 0)
		return (error);
	if (uinfo != 0 && (error = copyout(vm, &si, uinfo, sizeof(si))) != 0)
		return (error);
	*rv = 0;
	return (0);
}
