/*
 * Open files and descriptor tables.
 *
 * A struct file is one open object (the console, a pipe end, a kqueue, a
 * process descriptor) with a reference count and an ops vector; a
 * descriptor table maps a process's small integers to files, each slot
 * holding one reference.
 * Tables themselves are reference counted: rfork without RFFDG or RFCFDG
 * shares the caller's table, and a shared table carries FreeBSD's
 * filedesc_to_leader records so that each thread group's leader is known.
 *
 * Everything here is called from process context with interrupts off
 * (the kernel is not preemptible); the per-table lock keeps the table
 * consistent once more than one CPU runs.
 *
 * Locking.  Each shared field names what protects it:
 *   (f) the table's fd_lock
 *   (a) atomic operations
 *   (b) set before the file or table is visible, constant afterwards
 * Lock order: see include/proc.h (filedesc is taken before pipe, never
 * inside it).
 */
#ifndef _FILE_H_
#define _FILE_H_

#include "kernel.h"

struct proc;
struct file;

#define NOFILE		64	/* slots per table: EMFILE past it */

/* f_flag */
#define FREAD		0x0001
#define FWRITE		0x0002
#define FNONBLOCK	0x0004	/* O_NONBLOCK: EAGAIN instead of a sleep */
#define FCNTLFLAGS	FNONBLOCK	/* what F_SETFL may change */

/* fd_ofileflags: per slot, not per open file */
#define UF_EXCLOSE	0x01	/* FD_CLOEXEC: closed when exec commits */

/* f_type */
#define DTYPE_CONSOLE	1
#define DTYPE_PIPE	2
#define DTYPE_KQUEUE	3
#define DTYPE_PROCDESC	4

/* fo_flags */
#define DFLAG_PASSABLE	0x01	/* fork's copy keeps it (not kqueues) */

/*
 * What a kind of file does.  fo_read and fo_write move at most len bytes
 * between the file and user memory at ubuf in the calling process, and
 * report the bytes moved in *done even when they fail (a partial transfer
 * followed by EFAULT, EINTR or EPIPE).  fo_close runs once, when the last
 * reference to the file goes, and frees f_data.
 */
struct fileops {
	int	(*fo_read)(struct file *fp, vaddr_t ubuf, size_t len,
		    size_t *done);
	int	(*fo_write)(struct file *fp, vaddr_t ubuf, size_t len,
		    size_t *done);
	void	(*fo_close)(struct file *fp);
	int	fo_flags;		/* DFLAG_* */
};

struct file {
	unsigned	f_count;	/* (a) references: slots and callers */
	int		f_flag;		/* (b) FREAD, FWRITE; (a) FCNTLFLAGS */
	int		f_type;		/* (b) DTYPE_* */
	const struct fileops *f_ops;	/* (b); (a) once for a process descriptor, when its process exists */
	void		*f_data;	/* (b) struct pipe, struct kqueue, struct procdesc */
};

struct filedesc {
	struct file	*fd_ofiles[NOFILE];	/* (f) */
	char		fd_ofileflags[NOFILE];	/* (f) UF_* of each slot */
	unsigned	fd_refcnt;	/* (f) processes sharing the table */
	int		fd_freefile;	/* (f) no free slot below this one */
	struct spinlock	fd_lock;
};

/*
 * One record per thread group leader using a shared table (FreeBSD's
 * fdtol).  The records of the groups sharing one table are linked in a
 * ring; fdl_refcount counts the processes of the group (RFTHREAD peers)
 * that point at the record.
 */
struct filedesc_to_leader {
	unsigned	fdl_refcount;
	struct proc	*fdl_leader;
	struct filedesc_to_leader *fdl_prev, *fdl_next;
};

/* Files.  falloc gives a file with one reference, the caller's. */
int	falloc(int flag, int type, const struct fileops *ops, void *data,
	    struct file **fpp);
void	fhold(struct file *fp);
void	fdrop(struct file *fp);	/* the last one: fo_close, free */

/*
 * Descriptors of a process.  fd_install puts fp in the lowest free slot,
 * taking a reference of its own (EMFILE when the table is full);
 * fd_alloc does the same from slot minfd up, giving the slot the UF_*
 * flags uflags; fget returns the open file at fd with a reference the
 * caller drops, EBADF when fd is not open or was not opened with every
 * bit of flag; fd_close empties a slot (EBADF when it is not open);
 * fd_dup2 makes `to` refer to the file at `from`, closing what `to` held
 * and clearing its UF_EXCLOSE (from == to changes nothing); fd_flags
 * reads a slot's UF_* flags into *oldp and replaces them with *newp,
 * either pointer NULL to skip (EBADF).
 */
int	fd_install(struct proc *p, struct file *fp, int *fdp);
int	fd_alloc(struct proc *p, struct file *fp, int minfd, int uflags,
	    int *fdp);
int	fget(struct proc *p, int fd, int flag, struct file **fpp);
int	fd_close(struct proc *p, int fd);
/* fd_close if the slot still holds fp (another lwp may have closed or reused it): an undo. */
void	fd_close_file(struct proc *p, int fd, struct file *fp);
int	fd_dup2(struct proc *p, int from, int to);
int	fd_flags(struct proc *p, int fd, int *oldp, const int *newp);

/*
 * The process side, called by the lead's proc code.
 *
 * fd_init_console: p gets a new table with 0, 1 and 2 open on the console
 * (reads see end-of-file, writes go to hal_putc).  0 or ENOMEM.
 *
 * fd_fork: p2's table for fork1, flags already checked: RFCFDG a new empty
 * table; RFFDG a copy of p1's (every copied file gains a reference;
 * kqueues are not copied, as in FreeBSD); neither, p1's table shared,
 * with leader tracking: under RFTHREAD p2 shares p1's leader record
 * (leader p1->p_leader), otherwise p2 gets a record of its own (leader
 * p2).  0 or ENOMEM with nothing taken.
 *
 * fd_rfork_self: rfork without RFPROC.  RFCFDG closes every descriptor of
 * p (a fresh empty table); RFFDG gives p a private copy of a shared
 * table; neither does nothing.  0 or ENOMEM with p unchanged.
 *
 * fd_exit: drop p's table (closing every file with the last reference)
 * and its leader record; p_fd and p_fdtol are NULL afterwards.
 */
int	fd_init_console(struct proc *p);
int	fd_fork(struct proc *p1, struct proc *p2, int flags);
int	fd_rfork_self(struct proc *p, int flags);
void	fd_exit(struct proc *p);

/*
 * exec, FreeBSD's fdunshare and fdcloseexec in two steps, because the
 * first may fail and the second must not.  fd_exec_prepare runs before
 * the point of no return: when p's table is shared with another process
 * it sets aside an empty table in *sparep (NULL otherwise), or fails with
 * ENOMEM.  fd_exec runs once the new image is committed and p has one
 * lwp left: a table still shared becomes a private copy (built in the
 * spare; one shared only since prepare gets a copy allocated then, or,
 * with no memory, stays shared), so the other processes keep their
 * descriptors; then every slot marked UF_EXCLOSE is closed.
 * fd_exec_abandon frees a spare when the exec fails after all.
 */
int	fd_exec_prepare(struct proc *p, struct filedesc **sparep);
void	fd_exec(struct proc *p, struct filedesc *spare);
void	fd_exec_abandon(struct filedesc *spare);

/* core/pipe.c: a connected pair, read end then write end, one ref each. */
#define PIPE_BUF	512	/* writes up to this size are atomic */
int	pipe_create(struct file **rfp, struct file **wfp);

/* core/knote.c: EVFILT_PROC events, posted by fork1 and exit1. */
void	knote_fork(struct proc *parent, pid_t child);
void	knote_exit(struct proc *p);
/*
 * EVFILT_PROCDESC, on a process descriptor's list, proctree_lock held:
 * its process exited with status (NOTE_EXIT), or the descriptor's last
 * close drops every knote still on it.
 */
struct klist;
void	knote_procdesc_exit(struct klist *list, int status);
void	knlist_clear(struct klist *list);

#endif /* !_FILE_H_ */
