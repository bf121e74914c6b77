/*
 * System call wrappers: the kernel returns -errno on failure; POSIX wants
 * -1 and errno.
 */
#include <forkrt.h>

#include "libc_lock.h"

#include "sys.h"
#include "thr_private.h"

/*
 * A child gets a copy of the C library's locks as they are at fork: the
 * library holds them across it (atfork.c), so that no other lwp of ours
 * is inside malloc or printf (with the lock taken) when the copy is made.
 */
pid_t	__libc_fork(long (*call)(int), int flags);
void	__libc_fork_lock(void);
void	__libc_fork_unlock(bool child);

static long
fork_locked(long (*call)(int), int flags)
{
	long r;

	__libc_fork_lock();
	r = call(flags);
	__libc_fork_unlock(r == 0);
	return (r);
}

static long
sys_fork_call(int flags __attribute__((unused)))
{
	return (SYS0(SYS_fork));
}

static long
sys_rfork_call(int flags)
{
	return (SYS1(SYS_rfork, flags));
}

pid_t fork(void) { return (__libc_fork(sys_fork_call, 0)); }

pid_t
rfork(int flags)
{
	/* A child sharing our memory shares the locks themselves: nothing to do. */
	if ((flags & RFPROC) && !(flags & RFMEM))
		return ((pid_t)fork_locked(sys_rfork_call, flags));
	if (flags & RFMEM)
		__libc_threaded = 1;
	return ((pid_t)SYS1(SYS_rfork, flags));
}

pid_t	__rfork_thread(int flags, void *stack, int (*func)(void *), void *arg);

pid_t
rfork_thread(int flags, void *stack, int (*func)(void *), void *arg)
{
	if (flags & RFMEM)
		__libc_threaded = 1;
	return (__rfork_thread(flags, stack, func, arg));
}
pid_t getpid(void) { return ((pid_t)SYS0(SYS_getpid)); }
pid_t getppid(void) { return ((pid_t)SYS0(SYS_getppid)); }
pid_t getpgrp(void) { return ((pid_t)SYS0(SYS_getpgrp)); }
pid_t getpgid(pid_t pid) { return ((pid_t)SYS1(SYS_getpgid, pid)); }
int setpgid(pid_t pid, pid_t pgid) { return ((int)SYS2(SYS_setpgid, pid, pgid)); }
pid_t setsid(void) { return ((pid_t)SYS0(SYS_setsid)); }
pid_t getsid(pid_t pid) { return ((pid_t)SYS1(SYS_getsid, pid)); }
uid_t getuid(void) { return ((uid_t)SYS0(SYS_getuid)); }
uid_t geteuid(void) { return ((uid_t)SYS0(SYS_geteuid)); }
int setuid(uid_t uid) { return ((int)SYS1(SYS_setuid, uid)); }
int kill(pid_t pid, int sig) { return ((int)SYS2(SYS_kill, pid, sig)); }
int sched_yield(void) { return ((int)SYS0(SYS_sched_yield)); }
int sched_getcpu(void) { return ((int)SYS0(SYS_sched_getcpu)); }

int
cpuset_setaffinity(cpulevel_t level, cpuwhich_t which, id_t id, size_t setsize,
    const cpuset_t *mask)
{
	return ((int)SYS5(SYS_cpuset_setaffinity, level, which, id, setsize, mask));
}

int
cpuset_getaffinity(cpulevel_t level, cpuwhich_t which, id_t id, size_t setsize,
    cpuset_t *mask)
{
	return ((int)SYS5(SYS_cpuset_getaffinity, level, which, id, setsize, mask));
}

/*
 * vfork() itself is in user/arch/<arch>/vfork.S: the child runs on the
 * parent's stack, so the call must keep its return address out of memory
 * the child may overwrite.  It comes here, by a tail call, only on failure.
 */
long
__vfork_error(long r)
{
	errno = (int)-r;
	return (-1);
}

pid_t
waitpid(pid_t pid, int *status, int options)
{
	return ((pid_t)SYS3(SYS_wait4, pid, status, options));
}

pid_t
wait(int *status)
{
	return (waitpid(-1, status, 0));
}

pid_t
wait6(idtype_t idtype, id_t id, int *status, int options, struct __wrusage *wru,
    siginfo_t *info)
{
	return ((pid_t)__sys(SYS_wait6, idtype, id, (long)status, options, (long)wru,
	    (long)info));
}

/* POSIX: 0 with si_pid 0 when WNOHANG finds nothing (wait6 leaves info zeroed). */
int
waitid(idtype_t idtype, id_t id, siginfo_t *info, int options)
{
	return (wait6(idtype, id, NULL, options, NULL, info) == -1 ? -1 : 0);
}

int
procctl(idtype_t idtype, id_t id, int cmd, void *data)
{
	return ((int)SYS4(SYS_procctl, idtype, id, cmd, data));
}

int
execv(const char *name, char *const argv[])
{
	return ((int)SYS2(SYS_execv, name, argv));
}

int
getrlimit(int resource, struct rlimit *rl)
{
	return ((int)SYS2(SYS_getrlimit, resource, rl));
}

int
setrlimit(int resource, const struct rlimit *rl)
{
	return ((int)SYS2(SYS_setrlimit, resource, rl));
}

/* The thread of every lwp started by lwp_create once pthreads exist (errno.c). */
struct pthread __thr_raw = { .self = &__thr_raw, .errnop = &__thr_raw.t_errno };

/*
 * New lwps start here: the kernel put {func, arg} at the top of their
 * stack.  Returning from func ends the lwp instead of jumping nowhere.
 * The kernel enters it like a program entry, not a call, so on x86-64 the
 * stack is realigned for the C calling convention.
 */
#if defined(__x86_64__)
__attribute__((force_align_arg_pointer))
#endif
static void
lwp_trampoline(void *block)
{
	void **b = block;

	/*
	 * Once there are pthreads, errno is found through the thread
	 * pointer: an lwp of our own gets one, shared by all such lwps.
	 */
	if (__atomic_load_n(&__thr_inited, __ATOMIC_ACQUIRE))
		__syscall6(SYS_lwp_setprivate, (long)&__thr_raw, 0, 0, 0, 0, 0);

	((void (*)(void *))b[0])(b[1]);
	lwp_exit();
}

int
lwp_create(struct lwp_params *params)
{
	__libc_threaded = 1;
	return ((int)SYS2(SYS_lwp_create, params, lwp_trampoline));
}
lwpid_t lwp_gettid(void) { return ((lwpid_t)SYS0(SYS_lwp_gettid)); }
int lwp_kill(pid_t pid, lwpid_t tid, int sig) { return ((int)SYS3(SYS_lwp_kill, pid, tid, sig)); }

__attribute__((noreturn)) void
lwp_exit(void)
{
	SYS0(SYS_lwp_exit);
	for (;;)
		;
}

int pipe(int fds[2]) { return ((int)SYS1(SYS_pipe, fds)); }
int pipe2(int fds[2], int flags) { return ((int)SYS2(SYS_pipe2, fds, flags)); }

/* Every command forkrt has takes an int, or nothing (then 0 is passed). */
int
fcntl(int fd, int cmd, ...)
{
	va_list ap;
	int arg = 0;

	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_SETFD ||
	    cmd == F_SETFL) {
		va_start(ap, cmd);
		arg = va_arg(ap, int);
		va_end(ap);
	}
	return ((int)SYS3(SYS_fcntl, fd, cmd, arg));
}
ssize_t read(int fd, void *buf, size_t len) { return (SYS3(SYS_read, fd, buf, len)); }
ssize_t write(int fd, const void *buf, size_t len) { return (SYS3(SYS_write, fd, buf, len)); }
int close(int fd) { return ((int)SYS1(SYS_close, fd)); }
int dup(int fd) { return ((int)SYS1(SYS_dup, fd)); }
int dup2(int from, int to) { return ((int)SYS2(SYS_dup2, from, to)); }

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	long r = __sys(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);

	return (r == -1 ? MAP_FAILED : (void *)r);
}

int munmap(void *addr, size_t len) { return ((int)SYS2(SYS_munmap, addr, len)); }
int mprotect(void *addr, size_t len, int prot) { return ((int)SYS3(SYS_mprotect, addr, len, prot)); }
int minherit(void *addr, size_t len, int inherit) { return ((int)SYS3(SYS_minherit, addr, len, inherit)); }

void *
sbrk(intptr_t incr)
{
	long r = SYS1(SYS_sbrk, incr);

	return (r == -1 ? (void *)-1 : (void *)r);
}

int
sysctlbyname(const char *name, void *old, size_t *oldlen, const void *new,
    size_t newlen)
{
	return ((int)__sys(SYS_sysctlbyname, (long)name, (long)old, (long)oldlen,
	    (long)new, (long)newlen, 0));
}

int kqueue(void) { return ((int)SYS0(SYS_kqueue)); }

int
kevent(int kq, const struct kevent *changes, int nchanges, struct kevent *events,
    int nevents, const struct timespec *timeout)
{
	return ((int)__sys(SYS_kevent, kq, (long)changes, nchanges, (long)events,
	    nevents, (long)timeout));
}

int
clock_gettime(clockid_t clock, struct timespec *ts)
{
	return ((int)SYS2(SYS_clock_gettime, clock, ts));
}

int
clock_getres(clockid_t clock, struct timespec *res)
{
	return ((int)SYS2(SYS_clock_getres, clock, res));
}

uint64_t
forkrt_cycles(void)
{
	return ((uint64_t)__syscall6(SYS_cycles, 0, 0, 0, 0, 0, 0));
}

int
forkrt_poweroff(int status)
{
	return ((int)SYS1(SYS_poweroff, status));
}
