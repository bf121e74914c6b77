/*
 * Process system calls: fork and its kin, exit, wait, exec, identity.
 */
#include "exec.h"
#include "exit.h"
#include "fork.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "vm.h"

#define EXEC_NAME_MAX	64
#define EXEC_ARGS_MAX	64
#define EXEC_ARGBYTES	(16 * 1024)

int
sys_exit(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	exit1(l->l_proc, W_EXITCODE((int)args[0] & 0xff, 0));
}

/*
 * fork1 and start the child; the vfork parent then waits for it to let go
 * of its memory (exec or exit).  The child is held (PHOLD) across the
 * wait: once it runs, a sibling lwp of ours may reap it, and we must
 * still be able to look at it.  The wait ends early only for SIGKILL or
 * our own process's exit (FreeBSD's fork_rfppwait): the child is using
 * our memory.
 */
static int
do_fork(struct lwp *l, int flags, register_t *rv)
{
	struct proc *p2;
	int error;

	if ((error = fork1(l, flags, &p2)) != 0)
		return (error);
	if (p2 == NULL) {		/* rfork without RFPROC */
		*rv = 0;
		return (0);
	}
	*rv = (register_t)p2->p_pid;
	if ((flags & RFPPWAIT) == 0) {
		start_forked_proc(p2, flags);
		return (0);
	}
	spin_lock(&p2->p_lock);
	phold(p2);
	spin_unlock(&p2->p_lock);
	start_forked_proc(p2, flags);
	spin_lock(&p2->p_lock);
	while ((p2->p_flags & P_PPWAIT) &&
	    msleep(&p2->p_flags, &p2->p_lock, PCATCHKILL, "ppwait", 0) == 0)
		;
	spin_unlock(&p2->p_lock);
	prele(p2);
	return (0);
}

int
sys_fork(struct lwp *l, const register_t *args __unused, register_t *rv)
{
	return (do_fork(l, RFFDG | RFPROC, rv));
}

int
sys_vfork(struct lwp *l, const register_t *args __unused, register_t *rv)
{
	return (do_fork(l, RFFDG | RFPROC | RFPPWAIT | RFMEM, rv));
}

/*
 * rfork's flags as a process gives them, as fork1 takes them.  EINVAL
 * (FreeBSD-current) for a bit outside the known set, a kernel-only one
 * (RFPROCDESC too, but for pdrfork), RFSPAWN with anything else, and an
 * exit signal without RFTSIGZMB or past NSIG (0: none); DragonFly's
 * RFFDG|RFCFDG as well.  RFSPAWN is vfork's sharing and wait with the
 * child's caught signals back at SIG_DFL.
 */
int
rfork_flags(int uflags, bool procdesc, int *flagsp)
{
	int konly = RFKERNELONLY & ~(procdesc ? RFPROCDESC : 0);

	if ((unsigned)uflags == RFSPAWN) {
		*flagsp = (int)(RFFDG | RFPROC | RFMEM | RFPPWAIT | RFSPAWNDFL);
		return (0);
	}
	if ((uflags & ~RFFLAGS) != 0 || (uflags & konly) != 0 ||
	    ((unsigned)uflags & RFSPAWN) != 0 ||
	    (uflags & (RFFDG | RFCFDG)) == (RFFDG | RFCFDG))
		return (EINVAL);
	if ((uflags & RFTSIGZMB) ? RFTSIGNUM(uflags) >= NSIG :
	    (uflags & RFTSIGFLAGS(RFTSIGMASK)) != 0)
		return (EINVAL);
	*flagsp = uflags & ~RFPROCDESC;
	return (0);
}

int
sys_rfork(struct lwp *l, const register_t *args, register_t *rv)
{
	int flags, error;

	if ((error = rfork_flags((int)args[0], false, &flags)) != 0)
		return (error);
	return (do_fork(l, flags, rv));
}

int
sys_wait4(struct lwp *l, const register_t *args, register_t *rv)
{
	struct proc *p = l->l_proc;
	struct __wrusage wru;
	pid_t found;
	int status, error;

	/* Zero for a stopped or continued child; a reaped one's fills it. */
	if (args[3] != 0)
		memset(&wru, 0, sizeof(wru));
	error = kern_wait(p, (pid_t)args[0], &status, (int)args[2], &found,
	    args[3] != 0 ? &wru : NULL);
	if (error != 0)
		return (error);
	if (found != 0 && args[1] != 0 &&
	    (error = copyout(p->p_vmspace, &status, args[1], sizeof(status))) != 0)
		return (error);
	/* The child's own usage, as FreeBSD's wait4 gives it. */
	if (found != 0 && args[3] != 0 && (error = copyout(p->p_vmspace,
	    &wru.wru_self, args[3], sizeof(wru.wru_self))) != 0)
		return (error);
	*rv = (register_t)found;
	return (0);
}

/*
 * wait6(idtype, id, status, options, wrusage, info): FreeBSD's, under
 * waitid (and wait6 itself) in the C library; wrusage is a reaped
 * child's usage and its children's, zero otherwise.
 */
int
sys_wait6(struct lwp *l, const register_t *args, register_t *rv)
{
	struct proc *p = l->l_proc;
	struct __wrusage wru;
	siginfo_t si;
	pid_t found;
	int status = 0, error;

	if (args[4] != 0)
		memset(&wru, 0, sizeof(wru));
	error = kern_wait6(p, (idtype_t)args[0], (id_t)args[1], (int)args[3], &found,
	    &status, &si, args[4] != 0 ? &wru : NULL);
	if (error != 0)
		return (error);
	if (found != 0 && args[2] != 0 &&
	    (error = copyout(p->p_vmspace, &status, args[2], sizeof(status))) != 0)
		return (error);
	if (args[4] != 0 &&
	    (error = copyout(p->p_vmspace, &wru, args[4], sizeof(wru))) != 0)
		return (error);
	if (args[5] != 0 &&
	    (error = copyout(p->p_vmspace, &si, args[5], sizeof(si))) != 0)
		return (error);
	*rv = (register_t)found;
	return (0);
}

/*
 * execv(name, argv): the program name and every argument string are copied
 * in before the old image is touched.
 */
int
sys_execv(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct vmspace *vm = l->l_proc->p_vmspace;
	char name[EXEC_NAME_MAX], *buf;
	size_t used = 0;
	int argc = 0, error;

	if ((error = copyinstr(vm, args[0], name, sizeof(name))) != 0)
		return (error == ENAMETOOLONG ? ENOENT : error);
	if ((buf = kmalloc(EXEC_ARGBYTES)) == NULL)
		return (ENOMEM);
	for (;; argc++) {
		uint64_t uarg;

		if (args[1] == 0)
			break;
		if (argc == EXEC_ARGS_MAX) {
			error = E2BIG;
			break;
		}
		error = copyin(vm, args[1] + (vaddr_t)argc * sizeof(uarg), &uarg,
		    sizeof(uarg));
		if (error != 0 || uarg == 0)
			break;
		error = copyinstr(vm, uarg, buf + used, EXEC_ARGBYTES - used);
		if (error != 0) {
			if (error == ENAMETOOLONG)
				error = E2BIG;
			break;
		}
		used += strlen(buf + used) + 1;
	}
	if (error == 0)
		error = kern_execv(l, name, buf, argc, used);
	kfree(buf);
	return (error);
}

int
sys_getpid(struct lwp *l, const register_t *args __unused, register_t *rv)
{
	*rv = (register_t)l->l_proc->p_pid;
	return (0);
}

int
sys_getppid(struct lwp *l, const register_t *args __unused, register_t *rv)
{
	spin_lock(&proctree_lock);
	*rv = (register_t)l->l_proc->p_pptr->p_pid;
	spin_unlock(&proctree_lock);
	return (0);
}

int
sys_getuid(struct lwp *l, const register_t *args __unused, register_t *rv)
{
	*rv = l->l_proc->p_uid;
	return (0);
}

int
sys_geteuid(struct lwp *l, const register_t *args __unused, register_t *rv)
{
	*rv = l->l_proc->p_uid;
	return (0);
}

int
sys_sched_yield(struct lwp *l, const register_t *args __unused,
    register_t *rv __unused)
{
	l->l_ru.rk_nvcsw++;
	sched_yield();
	return (0);
}
