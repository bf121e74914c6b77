/*
 * posix_spawn over rfork(RFSPAWN) (<spawn.h> says what forkrt leaves
 * out).  The child runs spawn_child on a stack of its own in the
 * parent's frame, in the parent's memory, while the kernel holds the
 * parent until the child has exec'd or exited (vfork's wait): so the
 * child can report a failure by storing its error where the parent will
 * read it, and exit, and the parent then reaps it before returning that
 * error.  The kernel has already put the child's caught signals back to
 * SIG_DFL, so none of the parent's handlers can run on the borrowed
 * memory.
 */
#include <forkrt.h>
#include <spawn.h>

struct __posix_spawnattr {
	short		sa_flags;
	pid_t		sa_pgroup;
	sigset_t	sa_sigdefault;
	sigset_t	sa_sigmask;
};

enum fa_kind { FA_OPEN, FA_DUP2, FA_CLOSE };

struct fa_entry {
	enum fa_kind	kind;
	int		fd;
	int		newfd;		/* FA_DUP2 */
};

struct __posix_spawn_file_actions {
	int		n;
	int		cap;
	struct fa_entry	*e;
};

/* What the child needs, and where it leaves its error (0: exec'd). */
struct spawn_args {
	const char	*path;
	char *const	*argv;
	const struct __posix_spawnattr *sa;
	const struct __posix_spawn_file_actions *fa;
	volatile int	error;
};

/* The child's stack: it only calls down to execv. */
#define SPAWN_STACK	8192

static int
spawn_attrs(const struct __posix_spawnattr *sa)
{
	struct sigaction dfl;
	int sig;

	if (sa->sa_flags & POSIX_SPAWN_SETSID) {
		if (setsid() == -1)
			return (errno);
	}
	if (sa->sa_flags & POSIX_SPAWN_SETPGROUP) {
		if (setpgid(0, sa->sa_pgroup) == -1)
			return (errno);
	}
	if ((sa->sa_flags & POSIX_SPAWN_RESETIDS) && geteuid() != getuid()) {
		if (setuid(getuid()) == -1)
			return (errno);
	}
	if (sa->sa_flags & POSIX_SPAWN_SETSIGDEF) {
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		for (sig = 1; sig < NSIG; sig++)
			if (sigismember(&sa->sa_sigdefault, sig) == 1 &&
			    sigaction(sig, &dfl, NULL) == -1 && errno != EINVAL)
				return (errno);
	}
	if (sa->sa_flags & POSIX_SPAWN_SETSIGMASK) {
		if (sigprocmask(SIG_SETMASK, &sa->sa_sigmask, NULL) == -1)
			return (errno);
	}
	return (0);
}

static int
spawn_file_actions(const struct __posix_spawn_file_actions *fa)
{
	const struct fa_entry *e;

	for (e = fa->e; e < fa->e + fa->n; e++) {
		switch (e->kind) {
		case FA_OPEN:
			return (ENOENT);	/* no file system: no path exists */
		case FA_DUP2:
			/* POSIX: dup2 onto itself clears FD_CLOEXEC. */
			if (e->fd == e->newfd) {
				if (fcntl(e->fd, F_SETFD, 0) == -1)
					return (errno);
			} else if (dup2(e->fd, e->newfd) == -1)
				return (errno);
			break;
		case FA_CLOSE:
			if (close(e->fd) == -1)
				return (errno);
			break;
		}
	}
	return (0);
}

static int
spawn_child(void *arg)
{
	struct spawn_args *a = arg;
	int error = 0;

	if (a->sa != NULL)
		error = spawn_attrs(a->sa);
	if (error == 0 && a->fa != NULL)
		error = spawn_file_actions(a->fa);
	if (error == 0) {
		execv(a->path, a->argv);
		error = errno;
	}
	a->error = error;
	_exit(127);
}

int
posix_spawn(pid_t *restrict pidp, const char *restrict path,
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *restrict attrp,
    char *const argv[restrict], char *const envp[restrict])
{
	char stack[SPAWN_STACK] __attribute__((aligned(16)));
	struct spawn_args a = { path, argv, attrp != NULL ? *attrp : NULL,
	    fa != NULL ? *fa : NULL, 0 };
	int saved = errno, status;
	pid_t pid;

	(void)envp;
	pid = rfork_thread((int)RFSPAWN, stack + sizeof(stack), spawn_child, &a);
	if (pid == -1) {
		a.error = errno;
		errno = saved;
		return (a.error);
	}
	/* The child is past exec or gone; errno is ours again (it shared it). */
	errno = saved;
	if (a.error != 0) {
		/* No zombie for the caller to find: it never saw the pid. */
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			continue;
		errno = saved;
		return (a.error);
	}
	if (pidp != NULL)
		*pidp = pid;
	return (0);
}

/* There is no PATH: programs are found by name either way. */
int
posix_spawnp(pid_t *restrict pidp, const char *restrict file,
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *restrict attrp,
    char *const argv[restrict], char *const envp[restrict])
{
	return (posix_spawn(pidp, file, fa, attrp, argv, envp));
}

int
posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
	if ((*fa = calloc(1, sizeof(**fa))) == NULL)
		return (ENOMEM);
	return (0);
}

int
posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
	free((*fa)->e);
	free(*fa);
	*fa = NULL;
	return (0);
}

static int
fa_add(posix_spawn_file_actions_t *fap, enum fa_kind kind, int fd, int newfd)
{
	struct __posix_spawn_file_actions *fa = *fap;
	struct fa_entry *e;

	if (fd < 0 || fd >= OPEN_MAX || newfd < 0 || newfd >= OPEN_MAX)
		return (EBADF);
	if (fa->n == fa->cap) {
		int cap = fa->cap == 0 ? 4 : fa->cap * 2;

		if ((e = realloc(fa->e, (size_t)cap * sizeof(*e))) == NULL)
			return (ENOMEM);
		fa->e = e;
		fa->cap = cap;
	}
	fa->e[fa->n++] = (struct fa_entry){ kind, fd, newfd };
	return (0);
}

int
posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *restrict fa, int fd,
    const char *restrict path, int oflag, mode_t mode)
{
	(void)path;
	(void)oflag;
	(void)mode;
	return (fa_add(fa, FA_OPEN, fd, 0));
}

int
posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd)
{
	return (fa_add(fa, FA_DUP2, fd, newfd));
}

int
posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd)
{
	return (fa_add(fa, FA_CLOSE, fd, 0));
}

int
posix_spawnattr_init(posix_spawnattr_t *attr)
{
	if ((*attr = calloc(1, sizeof(**attr))) == NULL)
		return (ENOMEM);
	return (0);
}

int
posix_spawnattr_destroy(posix_spawnattr_t *attr)
{
	free(*attr);
	*attr = NULL;
	return (0);
}

int
posix_spawnattr_getflags(const posix_spawnattr_t *restrict attr, short *restrict flags)
{
	*flags = (*attr)->sa_flags;
	return (0);
}

int
posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags)
{
	if (flags & ~(POSIX_SPAWN_RESETIDS | POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID))
		return (EINVAL);
	(*attr)->sa_flags = flags;
	return (0);
}

int
posix_spawnattr_getpgroup(const posix_spawnattr_t *restrict attr, pid_t *restrict pgroup)
{
	*pgroup = (*attr)->sa_pgroup;
	return (0);
}

int
posix_spawnattr_setpgroup(posix_spawnattr_t *attr, pid_t pgroup)
{
	(*attr)->sa_pgroup = pgroup;
	return (0);
}

int
posix_spawnattr_getsigmask(const posix_spawnattr_t *restrict attr, sigset_t *restrict mask)
{
	*mask = (*attr)->sa_sigmask;
	return (0);
}

int
posix_spawnattr_setsigmask(posix_spawnattr_t *restrict attr, const sigset_t *restrict mask)
{
	(*attr)->sa_sigmask = *mask;
	return (0);
}

int
posix_spawnattr_getsigdefault(const posix_spawnattr_t *restrict attr,
    sigset_t *restrict sigdefault)
{
	*sigdefault = (*attr)->sa_sigdefault;
	return (0);
}

int
posix_spawnattr_setsigdefault(posix_spawnattr_t *restrict attr,
    const sigset_t *restrict sigdefault)
{
	(*attr)->sa_sigdefault = *sigdefault;
	return (0);
}
