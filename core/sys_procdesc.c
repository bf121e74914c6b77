/*
 * Process descriptor system calls (FreeBSD 15's <sys/procdesc.h>):
 * pdfork, pdrfork, pdgetpid, pdkill and pdwait.  The descriptor itself is
 * in procdesc.c; pdwait's wait in exit.c, beside wait6's.
 */
#include "exit.h"
#include "file.h"
#include "fork.h"
#include "procdesc.h"
#include "sched.h"
#include "signalvar.h"
#include "syscall.h"
#include "vm.h"

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
