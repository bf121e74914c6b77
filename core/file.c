/*
 * Open files, descriptor tables and their fork rules, and the console
 * file.  See core/file.h for the contracts.
 */
#include "file.h"
#include "hal.h"
#include "proc.h"
#include "vm.h"

#define CONSOLE_CHUNK	256

int
falloc(int flag, int type, const struct fileops *ops, void *data,
    struct file **fpp)
{
	struct file *fp;

	if ((fp = kzalloc(sizeof(*fp))) == NULL)
		return (ENOMEM);
	fp->f_count = 1;
	fp->f_flag = flag;
	fp->f_type = type;
	fp->f_ops = ops;
	fp->f_data = data;
	*fpp = fp;
	return (0);
}

void
fhold(struct file *fp)
{
	KASSERT(fp->f_count > 0, "fhold of a closed file");
	__atomic_add_fetch(&fp->f_count, 1, __ATOMIC_RELAXED);
}

void
fdrop(struct file *fp)
{
	KASSERT(fp->f_count > 0, "fdrop of a closed file");
	if (__atomic_sub_fetch(&fp->f_count, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	if (fp->f_ops->fo_close != NULL)
		fp->f_ops->fo_close(fp);
	kfree(fp);
}

/* The console: reads see end-of-file, writes go out whole (console_puts). */
static int
console_read(struct file *fp __unused, vaddr_t ubuf __unused,
    size_t len __unused, size_t *done)
{
	*done = 0;
	return (0);
}

static int
console_write(struct file *fp __unused, vaddr_t ubuf, size_t len, size_t *done)
{
	struct vmspace *vm = curproc()->p_vmspace;
	char buf[CONSOLE_CHUNK];
	int error;

	*done = 0;
	while (*done < len) {
		size_t n = MIN(len - *done, sizeof(buf));

		if ((error = copyin(vm, ubuf + *done, buf, n)) != 0)
			return (error);
		console_puts(buf, n);
		*done += n;
	}
	return (0);
}

static const struct fileops console_ops = {
	.fo_read = console_read,
	.fo_write = console_write,
	.fo_close = NULL,
	.fo_flags = DFLAG_PASSABLE,
};

/* Tables. */

static struct filedesc *
fdinit(void)
{
	struct filedesc *fdp;

	if ((fdp = kzalloc(sizeof(*fdp))) == NULL)
		return (NULL);
	fdp->fd_refcnt = 1;
	fdp->fd_lock = (struct spinlock)SPINLOCK_INIT("filedesc");
	return (fdp);
}

/*
 * Fill the empty table newfdp with fdp's descriptors and their slot
 * flags: every passable file gains a reference.  Allocates nothing, so
 * exec can do it past its point of no return.
 */
static void
fdcopy_into(struct filedesc *fdp, struct filedesc *newfdp)
{
	struct file *fp;

	spin_lock(&fdp->fd_lock);
	for (int i = 0; i < NOFILE; i++) {
		fp = fdp->fd_ofiles[i];
		if (fp == NULL || (fp->f_ops->fo_flags & DFLAG_PASSABLE) == 0)
			continue;
		fhold(fp);
		newfdp->fd_ofiles[i] = fp;
		newfdp->fd_ofileflags[i] = fdp->fd_ofileflags[i];
	}
	spin_unlock(&fdp->fd_lock);
	while (newfdp->fd_freefile < NOFILE &&
	    newfdp->fd_ofiles[newfdp->fd_freefile] != NULL)
		newfdp->fd_freefile++;
}

/* A private copy of fdp (fork inherits close-on-exec with the slot). */
static struct filedesc *
fdcopy(struct filedesc *fdp)
{
	struct filedesc *newfdp;

	if ((newfdp = fdinit()) == NULL)
		return (NULL);
	if (fdp != NULL)
		fdcopy_into(fdp, newfdp);
	return (newfdp);
}

/* Drop one reference to a table; the last one closes every file. */
static void
fdfree(struct filedesc *fdp)
{
	struct file *fp;

	if (fdp == NULL)
		return;
	spin_lock(&fdp->fd_lock);
	KASSERT(fdp->fd_refcnt > 0, "fdfree of a free table");
	if (--fdp->fd_refcnt > 0) {
		spin_unlock(&fdp->fd_lock);
		return;
	}
	spin_unlock(&fdp->fd_lock);
	for (int i = 0; i < NOFILE; i++) {
		if ((fp = fdp->fd_ofiles[i]) != NULL) {
			fdp->fd_ofiles[i] = NULL;
			fdrop(fp);
		}
	}
	kfree(fdp);
}

/*
 * A leader record for leader, linked into old's ring when old is not
 * NULL (another group sharing the same table), alone otherwise.
 */
static struct filedesc_to_leader *
fdtol_alloc(struct filedesc_to_leader *old, struct proc *leader)
{
	struct filedesc_to_leader *fdtol;

	if ((fdtol = kzalloc(sizeof(*fdtol))) == NULL)
		return (NULL);
	fdtol->fdl_refcount = 1;
	fdtol->fdl_leader = leader;
	if (old != NULL) {
		fdtol->fdl_next = old->fdl_next;
		fdtol->fdl_prev = old;
		old->fdl_next->fdl_prev = fdtol;
		old->fdl_next = fdtol;
	} else {
		fdtol->fdl_next = fdtol;
		fdtol->fdl_prev = fdtol;
	}
	return (fdtol);
}

static void
fdtol_release(struct filedesc_to_leader *fdtol)
{
	if (fdtol == NULL || --fdtol->fdl_refcount > 0)
		return;
	fdtol->fdl_prev->fdl_next = fdtol->fdl_next;
	fdtol->fdl_next->fdl_prev = fdtol->fdl_prev;
	kfree(fdtol);
}

int
fd_init_console(struct proc *p)
{
	struct filedesc *fdp;
	struct file *fp;
	int error;

	if ((fdp = fdinit()) == NULL)
		return (ENOMEM);
	if ((error = falloc(FREAD | FWRITE, DTYPE_CONSOLE, &console_ops, NULL,
	    &fp)) != 0) {
		kfree(fdp);
		return (error);
	}
	/* The caller's reference becomes slot 0's. */
	fdp->fd_ofiles[0] = fp;
	fhold(fp);
	fdp->fd_ofiles[1] = fp;
	fhold(fp);
	fdp->fd_ofiles[2] = fp;
	fdp->fd_freefile = 3;
	p->p_fd = fdp;
	p->p_fdtol = NULL;
	return (0);
}

int
fd_fork(struct proc *p1, struct proc *p2, int flags)
{
	struct filedesc_to_leader *fdtol, *p1fdtol = NULL;
	struct proc *leader;

	if (flags & RFCFDG) {
		if ((p2->p_fd = fdinit()) == NULL)
			return (ENOMEM);
		p2->p_fdtol = NULL;
		return (0);
	}
	if (flags & RFFDG) {
		if ((p2->p_fd = fdcopy(p1->p_fd)) == NULL)
			return (ENOMEM);
		p2->p_fdtol = NULL;
		return (0);
	}

	/* Shared: p1's group needs a record before p2 joins it or adds one. */
	if (p1->p_fd == NULL) {
		p2->p_fd = NULL;
		p2->p_fdtol = NULL;
		return (0);
	}
	leader = p1->p_leader != NULL ? p1->p_leader : p1;
	/* The leader records of a shared table are under its lock. */
	spin_lock(&p1->p_fd->fd_lock);
	if (p1->p_fdtol == NULL) {
		if ((p1fdtol = fdtol_alloc(NULL, leader)) == NULL) {
			spin_unlock(&p1->p_fd->fd_lock);
			return (ENOMEM);
		}
		p1->p_fdtol = p1fdtol;
	}
	if (flags & RFTHREAD) {
		fdtol = p1->p_fdtol;
		fdtol->fdl_refcount++;
	} else if ((fdtol = fdtol_alloc(p1->p_fdtol, p2)) == NULL) {
		if (p1fdtol != NULL) {
			p1->p_fdtol = NULL;
			fdtol_release(p1fdtol);
		}
		spin_unlock(&p1->p_fd->fd_lock);
		return (ENOMEM);
	}
	p1->p_fd->fd_refcnt++;
	spin_unlock(&p1->p_fd->fd_lock);
	p2->p_fd = p1->p_fd;
	p2->p_fdtol = fdtol;
	return (0);
}

int
fd_rfork_self(struct proc *p, int flags)
{
	struct filedesc *newfdp, *old = p->p_fd;

	if (flags & RFCFDG) {
		if ((newfdp = fdinit()) == NULL)
			return (ENOMEM);
	} else if ((flags & RFFDG) && old != NULL && old->fd_refcnt > 1) {
		if ((newfdp = fdcopy(old)) == NULL)
			return (ENOMEM);
	} else
		return (0);
	/* The table is p's alone now: p leaves the leader tracking. */
	p->p_fd = newfdp;
	if (old != NULL) {
		spin_lock(&old->fd_lock);
		fdtol_release(p->p_fdtol);
		spin_unlock(&old->fd_lock);
	}
	p->p_fdtol = NULL;
	fdfree(old);
	return (0);
}

void
fd_exit(struct proc *p)
{
	struct filedesc *fdp = p->p_fd;

	if (fdp != NULL) {
		spin_lock(&fdp->fd_lock);
		fdtol_release(p->p_fdtol);
		spin_unlock(&fdp->fd_lock);
	}
	p->p_fdtol = NULL;
	p->p_fd = NULL;
	fdfree(fdp);
}

/* Descriptors. */

int
fd_install(struct proc *p, struct file *fp, int *fdp)
{
	return (fd_alloc(p, fp, 0, 0, fdp));
}

int
fd_alloc(struct proc *p, struct file *fp, int minfd, int uflags, int *fdp)
{
	struct filedesc *fdt = p->p_fd;
	int fd;

	KASSERT(minfd >= 0 && minfd < NOFILE, "fd_alloc: minfd out of range");
	if (fdt == NULL)
		return (EMFILE);
	spin_lock(&fdt->fd_lock);
	for (fd = MAX(minfd, fdt->fd_freefile); fd < NOFILE; fd++)
		if (fdt->fd_ofiles[fd] == NULL)
			break;
	/* The hint moves only when the search started from it. */
	if (minfd <= fdt->fd_freefile)
		fdt->fd_freefile = fd == NOFILE ? NOFILE : fd + 1;
	if (fd == NOFILE) {
		spin_unlock(&fdt->fd_lock);
		return (EMFILE);
	}
	fhold(fp);
	fdt->fd_ofiles[fd] = fp;
	fdt->fd_ofileflags[fd] = (char)uflags;
	spin_unlock(&fdt->fd_lock);
	*fdp = fd;
	return (0);
}

int
fget(struct proc *p, int fd, int flag, struct file **fpp)
{
	struct filedesc *fdt = p->p_fd;
	struct file *fp;

	if (fdt == NULL || fd < 0 || fd >= NOFILE)
		return (EBADF);
	spin_lock(&fdt->fd_lock);
	fp = fdt->fd_ofiles[fd];
	if (fp == NULL || (fp->f_flag & flag) != flag) {
		spin_unlock(&fdt->fd_lock);
		return (EBADF);
	}
	fhold(fp);
	spin_unlock(&fdt->fd_lock);
	*fpp = fp;
	return (0);
}

/* Empty slot fd if it holds want (NULL: whatever it holds), dropping the file; else EBADF. */
static int
fd_close_slot(struct proc *p, int fd, struct file *want)
{
	struct filedesc *fdt = p->p_fd;
	struct file *fp;

	if (fdt == NULL || fd < 0 || fd >= NOFILE)
		return (EBADF);
	spin_lock(&fdt->fd_lock);
	if ((fp = fdt->fd_ofiles[fd]) == NULL || (want != NULL && fp != want)) {
		spin_unlock(&fdt->fd_lock);
		return (EBADF);
	}
	fdt->fd_ofiles[fd] = NULL;
	fdt->fd_ofileflags[fd] = 0;
	if (fd < fdt->fd_freefile)
		fdt->fd_freefile = fd;
	spin_unlock(&fdt->fd_lock);
	fdrop(fp);
	return (0);
}

int
fd_close(struct proc *p, int fd)
{
	return (fd_close_slot(p, fd, NULL));
}

void
fd_close_file(struct proc *p, int fd, struct file *fp)
{
	(void)fd_close_slot(p, fd, fp);
}

int
fd_dup2(struct proc *p, int from, int to)
{
	struct filedesc *fdt = p->p_fd;
	struct file *fp, *old;

	if (fdt == NULL || from < 0 || from >= NOFILE || to < 0 || to >= NOFILE)
		return (EBADF);
	spin_lock(&fdt->fd_lock);
	if ((fp = fdt->fd_ofiles[from]) == NULL) {
		spin_unlock(&fdt->fd_lock);
		return (EBADF);
	}
	if (from == to) {
		spin_unlock(&fdt->fd_lock);
		return (0);
	}
	old = fdt->fd_ofiles[to];
	fhold(fp);
	fdt->fd_ofiles[to] = fp;
	fdt->fd_ofileflags[to] = 0;
	if (to == fdt->fd_freefile)
		fdt->fd_freefile = to + 1;
	spin_unlock(&fdt->fd_lock);
	/* What `to` held is closed once the slot changed hands (FreeBSD). */
	if (old != NULL)
		fdrop(old);
	return (0);
}

int
fd_flags(struct proc *p, int fd, int *oldp, const int *newp)
{
	struct filedesc *fdt = p->p_fd;

	if (fdt == NULL || fd < 0 || fd >= NOFILE)
		return (EBADF);
	spin_lock(&fdt->fd_lock);
	if (fdt->fd_ofiles[fd] == NULL) {
		spin_unlock(&fdt->fd_lock);
		return (EBADF);
	}
	if (oldp != NULL)
		*oldp = fdt->fd_ofileflags[fd];
	if (newp != NULL)
		fdt->fd_ofileflags[fd] = (char)*newp;
	spin_unlock(&fdt->fd_lock);
	return (0);
}

/* exec */

int
fd_exec_prepare(struct proc *p, struct filedesc **sparep)
{
	struct filedesc *fdp = p->p_fd;
	bool shared;

	*sparep = NULL;
	if (fdp == NULL)
		return (0);
	spin_lock(&fdp->fd_lock);
	shared = fdp->fd_refcnt > 1;
	spin_unlock(&fdp->fd_lock);
	if (shared && (*sparep = fdinit()) == NULL)
		return (ENOMEM);
	return (0);
}

void
fd_exec(struct proc *p, struct filedesc *spare)
{
	struct filedesc *fdp = p->p_fd;
	struct file *fp, *doomed[NOFILE];
	int n = 0;
	bool shared;

	if (fdp == NULL) {
		fd_exec_abandon(spare);
		return;
	}
	spin_lock(&fdp->fd_lock);
	shared = fdp->fd_refcnt > 1;
	spin_unlock(&fdp->fd_lock);
	/*
	 * Another lwp of p may have shared the table (rfork without RFFDG)
	 * after prepare looked.  Then the copy is allocated here; without
	 * memory the table stays shared and its close-on-exec slots close
	 * for every sharer, which beats failing an exec already committed.
	 */
	if (shared && spare == NULL)
		spare = fdinit();
	if (shared && spare != NULL) {
		fdcopy_into(fdp, spare);
		p->p_fd = spare;
		spin_lock(&fdp->fd_lock);
		fdtol_release(p->p_fdtol);
		spin_unlock(&fdp->fd_lock);
		p->p_fdtol = NULL;
		fdfree(fdp);
		fdp = spare;
	} else
		fd_exec_abandon(spare);

	/* Files are closed outside the table lock (pipe_close takes its own). */
	spin_lock(&fdp->fd_lock);
	for (int i = 0; i < NOFILE; i++) {
		if ((fdp->fd_ofileflags[i] & UF_EXCLOSE) == 0)
			continue;
		fdp->fd_ofileflags[i] = 0;
		if ((fp = fdp->fd_ofiles[i]) == NULL)
			continue;
		fdp->fd_ofiles[i] = NULL;
		if (i < fdp->fd_freefile)
			fdp->fd_freefile = i;
		doomed[n++] = fp;
	}
	spin_unlock(&fdp->fd_lock);
	while (n > 0)
		fdrop(doomed[--n]);
}

void
fd_exec_abandon(struct filedesc *spare)
{
	if (spare != NULL)
		kfree(spare);
}
