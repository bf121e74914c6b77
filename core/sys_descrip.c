/*
 * Descriptor system calls: read, write, close, dup, dup2, fcntl, pipe,
 * pipe2.  The files themselves are in core/file.c and core/pipe.c.
 */
#include "file.h"
#include "proc.h"
#include "signalvar.h"
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
 * fcntl(fd, cmd, arg), FreeBSD's commands and errors:
 *   F_DUPFD, F_DUPFD_CLOEXEC: the lowest free descriptor >= arg, with
 *	close-on-exec clear or set; EINVAL when arg is not a descriptor
 *	number (checked before fd, as FreeBSD's kern_dup does), EMFILE;
 *   F_GETFD, F_SETFD: the descriptor's FD_CLOEXEC (other bits ignored);
 *   F_GETFL: the open file's access mode and O_NONBLOCK; F_SETFL sets or
 *	clears O_NONBLOCK for every descriptor of that open file and
 *	ignores the other bits, as FreeBSD does;
 * EBADF when fd is not open; EINVAL for any other cmd, whatever fd is
 * (FreeBSD's order).
 */
int
sys_fcntl(struct lwp *l, const register_t *args, register_t *rv)
{
	struct proc *p = l->l_proc;
	int fd = (int)args[0], cmd = (int)args[1];
	long arg = (long)args[2];
	struct file *fp;
	int error, newfd, uflags;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg < 0 || arg >= NOFILE)
			return (EINVAL);
		if ((error = fget(p, fd, 0, &fp)) != 0)
			return (error);
		error = fd_alloc(p, fp, (int)arg,
		    cmd == F_DUPFD_CLOEXEC ? UF_EXCLOSE : 0, &newfd);
		fdrop(fp);
		if (error == 0)
			*rv = (register_t)newfd;
		return (error);
	case F_GETFD:
		if ((error = fd_flags(p, fd, &uflags, NULL)) == 0)
			*rv = (uflags & UF_EXCLOSE) ? FD_CLOEXEC : 0;
		return (error);
	case F_SETFD:
		uflags = (arg & FD_CLOEXEC) ? UF_EXCLOSE : 0;
		return (fd_flags(p, fd, NULL, &uflags));
	case F_GETFL:
		if ((error = fget(p, fd, 0, &fp)) != 0)
			return (error);
		uflags = __atomic_load_n(&fp->f_flag, __ATOMIC_RELAXED);
		*rv = ((uflags & (FREAD | FWRITE)) == (FREAD | FWRITE) ? O_RDWR :
		    (uflags & FWRITE) ? O_WRONLY : O_RDONLY) |
		    ((uflags & FNONBLOCK) ? O_NONBLOCK : 0);
		fdrop(fp);
		return (0);
	case F_SETFL:
		if ((error = fget(p, fd, 0, &fp)) != 0)
			return (error);
		/* Only pipes honour O_NONBLOCK; elsewhere it cannot be set. */
		if ((arg & O_NONBLOCK) && fp->f_type != DTYPE_PIPE)
			error = EINVAL;
		else if (arg & O_NONBLOCK)
			__atomic_or_fetch(&fp->f_flag, FNONBLOCK, __ATOMIC_RELAXED);
		else
			__atomic_and_fetch(&fp->f_flag, ~FNONBLOCK, __ATOMIC_RELAXED);
		fdrop(fp);
		return (error);
	default:
		return (EINVAL);
	}
}

/*
 * pipe2(fds, flags): fds[0] the read end, fds[1] the write end; O_CLOEXEC
 * marks both descriptors close-on-exec, O_NONBLOCK both open files
 * non-blocking, any other flag is EINVAL.  When the numbers cannot be
 * stored (EFAULT) both descriptors are closed again.
 */
static int
kern_pipe(struct lwp *l, vaddr_t ufds, int flags)
{
	struct proc *p = l->l_proc;
	struct file *rf, *wf;
	int fds[2], error, uflags;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return (EINVAL);
	if ((error = pipe_create(&rf, &wf)) != 0)
		return (error);
	/* Not yet visible to anyone: plain stores are enough. */
	if (flags & O_NONBLOCK) {
		rf->f_flag |= FNONBLOCK;
		wf->f_flag |= FNONBLOCK;
	}
	uflags = (flags & O_CLOEXEC) ? UF_EXCLOSE : 0;
	if ((error = fd_alloc(p, rf, 0, uflags, &fds[0])) != 0)
		goto drop;
	if ((error = fd_alloc(p, wf, 0, uflags, &fds[1])) != 0)
		goto close_r;
	if ((error = copyout(p->p_vmspace, fds, ufds, sizeof(fds))) != 0)
		goto close_w;
	fdrop(wf);
	fdrop(rf);
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

int
sys_pipe(struct lwp *l, const register_t *args, register_t *rv)
{
	*rv = 0;
	return (kern_pipe(l, args[0], 0));
}

int
sys_pipe2(struct lwp *l, const register_t *args, register_t *rv)
{
	*rv = 0;
	return (kern_pipe(l, args[0], (int)args[1]));
}
