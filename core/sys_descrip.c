/*
 * Descriptor system calls: read, write, close, dup, dup2, pipe.  The
 * files themselves are in core/file.c and core/pipe.c.
 */
#include "file.h"
#include "proc.h"
#include "syscall.h"
#include "vm.h"

/*
 * read and write: EBADF unless fd is open in that direction, EINVAL for a
 * length that is negative as an ssize_t.  A transfer cut short by a
 * signal returns what was moved; EPIPE also posts SIGPIPE, which ends the
 * process on its way out (FreeBSD's dofilewrite).
 */
int
sys_read(struct lwp *l, const register_t *args, register_t *rv)
{
	struct file *fp;
	size_t done = 0;
	int error;

	if ((ssize_t)args[2] < 0)
		return (EINVAL);
	if ((error = fget(l->l_proc, (int)args[0], FREAD, &fp)) != 0)
		return (error);
	error = fp->f_ops->fo_read(fp, args[1], args[2], &done);
	fdrop(fp);
	if (error == EINTR && done > 0)
		error = 0;
	*rv = done;
	return (error);
}

int
sys_write(struct lwp *l, const register_t *args, register_t *rv)
{
	struct file *fp;
	size_t done = 0;
	int error;

	if ((ssize_t)args[2] < 0)
		return (EINVAL);
	if ((error = fget(l->l_proc, (int)args[0], FWRITE, &fp)) != 0)
		return (error);
	error = fp->f_ops->fo_write(fp, args[1], args[2], &done);
	fdrop(fp);
	if (error == EPIPE)
		psignal(l->l_proc, SIGPIPE);
	else if ((error == EINTR || error == EFAULT) && done > 0)
		error = 0;
	*rv = done;
	return (error);
}

int
sys_close(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	return (fd_close(l->l_proc, (int)args[0]));
}

/* dup: the lowest free descriptor; EBADF, EMFILE. */
int
sys_dup(struct lwp *l, const register_t *args, register_t *rv)
{
	struct file *fp;
	int error, fd;

	if ((error = fget(l->l_proc, (int)args[0], 0, &fp)) != 0)
		return (error);
	error = fd_install(l->l_proc, fp, &fd);
	fdrop(fp);
	if (error == 0)
		*rv = (register_t)fd;
	return (error);
}

/* dup2: `to` refers to from's file (from == to: nothing changes); EBADF. */
int
sys_dup2(struct lwp *l, const register_t *args, register_t *rv)
{
	int from = (int)args[0], to = (int)args[1], error;

	if ((error = fd_dup2(l->l_proc, from, to)) == 0)
		*rv = (register_t)to;
	return (error);
}

/*
 * pipe(fds): fds[0] the read end, fds[1] the write end.  When the numbers
 * cannot be stored (EFAULT) both descriptors are closed again.
 */
int
sys_pipe(struct lwp *l, const register_t *args, register_t *rv)
{
	struct proc *p = l->l_proc;
	struct file *rf, *wf;
	int fds[2], error;

	if ((error = pipe_create(&rf, &wf)) != 0)
		return (error);
	if ((error = fd_install(p, rf, &fds[0])) != 0)
		goto drop;
	if ((error = fd_install(p, wf, &fds[1])) != 0)
		goto close_r;
	if ((error = copyout(p->p_vmspace, fds, args[0], sizeof(fds))) != 0)
		goto close_w;
	fdrop(wf);
	fdrop(rf);
	*rv = 0;
	return (0);

close_w:
	fd_close(p, fds[1]);
close_r:
	fd_close(p, fds[0]);
drop:
	fdrop(wf);
	fdrop(rf);
	return (error);
}
