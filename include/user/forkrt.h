/*
 * <forkrt.h>: everything a forkrt program uses.  POSIX and BSD names with
 * their usual meaning: a failed call returns -1 (MAP_FAILED for mmap) and
 * sets errno.  Numbers and structures are in <forkrt/abi.h>, shared with
 * the kernel.
 */
#ifndef _FORKRT_H_
#define _FORKRT_H_

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include <forkrt/abi.h>

typedef int32_t pid_t;
typedef uint32_t uid_t;
typedef int32_t lwpid_t;
typedef int64_t ssize_t;
typedef int64_t off_t;
typedef int clockid_t;
typedef int64_t id_t;

extern int errno;

/* processes */
pid_t	fork(void);
pid_t	vfork(void);
pid_t	rfork(int flags);
/* FreeBSD's: the child runs func(arg) on stack, then exits with its return value. */
pid_t	rfork_thread(int flags, void *stack, int (*func)(void *), void *arg);
__attribute__((noreturn)) void _exit(int status);
__attribute__((noreturn)) void exit(int status);
pid_t	waitpid(pid_t pid, int *status, int options);
pid_t	wait(int *status);
int	execv(const char *name, char *const argv[]);
pid_t	getpid(void);
pid_t	getppid(void);
pid_t	getpgrp(void);
pid_t	getpgid(pid_t pid);
int	setpgid(pid_t pid, pid_t pgid);
pid_t	setsid(void);
pid_t	getsid(pid_t pid);
uid_t	getuid(void);
uid_t	geteuid(void);
int	setuid(uid_t uid);
int	getrlimit(int resource, struct rlimit *rl);
int	setrlimit(int resource, const struct rlimit *rl);
pid_t	wait6(idtype_t idtype, id_t id, int *status, int options, struct __wrusage *wru,
	    siginfo_t *info);
int	waitid(idtype_t idtype, id_t id, siginfo_t *info, int options);
/* signals */
int	kill(pid_t pid, int sig);
int	raise(int sig);
int	sigaction(int sig, const struct sigaction *act, struct sigaction *oact);
/* BSD's: the handler stays, interrupted calls restart (SA_RESTART). */
void	(*signal(int sig, void (*func)(int)))(int);
int	sigprocmask(int how, const sigset_t *set, sigset_t *oset);
int	sigpending(sigset_t *set);
int	sigsuspend(const sigset_t *mask);
int	sigwait(const sigset_t *set, int *sig);
int	sigwaitinfo(const sigset_t *set, siginfo_t *info);
int	sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout);
int	sigaltstack(const stack_t *ss, stack_t *oss);
int	pause(void);
int	sigemptyset(sigset_t *set);
int	sigfillset(sigset_t *set);
int	sigaddset(sigset_t *set, int sig);
int	sigdelset(sigset_t *set, int sig);
int	sigismember(const sigset_t *set, int sig);
int	sched_yield(void);
/* CPUs: FreeBSD's cpuset(2) calls and macros, and sched_getcpu() (0 .. ncpu - 1). */
typedef struct cpuset cpuset_t;
#define CPU_ZERO(s)	((s)->__bits[0] = 0)
#define CPU_FILL(s)	((s)->__bits[0] = ~(uint64_t)0)
#define CPU_SET(n, s)	((s)->__bits[0] |= (uint64_t)1 << (n))
#define CPU_CLR(n, s)	((s)->__bits[0] &= ~((uint64_t)1 << (n)))
#define CPU_ISSET(n, s)	(((s)->__bits[0] >> (n)) & 1)
#define CPU_COUNT(s)	__builtin_popcountll((s)->__bits[0])
typedef int cpulevel_t;
typedef int cpuwhich_t;
int	cpuset_setaffinity(cpulevel_t level, cpuwhich_t which, id_t id, size_t setsize,
	    const cpuset_t *mask);
int	cpuset_getaffinity(cpulevel_t level, cpuwhich_t which, id_t id, size_t setsize,
	    cpuset_t *mask);
int	sched_getcpu(void);

/* lightweight processes (DragonFly) */
int	lwp_create(struct lwp_params *params);
lwpid_t	lwp_gettid(void);
__attribute__((noreturn)) void lwp_exit(void);
int	lwp_kill(pid_t pid, lwpid_t tid, int sig);
/*
 * DragonFly's wait primitive: sleep while *ptr == value (timeout_us 0:
 * no timeout); EBUSY if it already differs, EAGAIN on timeout, EINTR on
 * a signal.  umtx_wakeup wakes up to count sleepers on ptr (0: all).
 */
int	umtx_sleep(const volatile int *ptr, int value, int timeout_us);
int	umtx_wakeup(const volatile int *ptr, int count);

/* descriptors; 0, 1 and 2 are the console */
int	pipe(int fds[2]);
ssize_t	read(int fd, void *buf, size_t len);
ssize_t	write(int fd, const void *buf, size_t len);
int	close(int fd);
int	dup(int fd);
int	dup2(int from, int to);

/* memory */
void	*mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int	munmap(void *addr, size_t len);
int	mprotect(void *addr, size_t len, int prot);
int	minherit(void *addr, size_t len, int inherit);
void	*sbrk(intptr_t incr);
void	*malloc(size_t size);
void	*calloc(size_t n, size_t size);
void	*realloc(void *p, size_t size);
void	free(void *p);

/* knobs and counters */
int	sysctlbyname(const char *name, void *old, size_t *oldlen, const void *new,
	    size_t newlen);

/* events */
int	kqueue(void);
int	kevent(int kq, const struct kevent *changes, int nchanges,
	    struct kevent *events, int nevents, const struct timespec *timeout);
#define EV_SET(kevp, a, b, c, d, e, f) do {				\
	struct kevent *__kevp = (kevp);					\
	__kevp->ident = (a);						\
	__kevp->filter = (b);						\
	__kevp->flags = (c);						\
	__kevp->fflags = (d);						\
	__kevp->data = (e);						\
	__kevp->udata = (f);						\
	__kevp->ext[0] = __kevp->ext[1] = __kevp->ext[2] = __kevp->ext[3] = 0; \
} while (0)

/* time, timers and resource usage (user/lib/time.c, user/lib/resource.c) */
int	clock_gettime(clockid_t clock, struct timespec *ts);
int	gettimeofday(struct timeval *tp, void *tzp);
int	nanosleep(const struct timespec *req, struct timespec *rem);
unsigned sleep(unsigned seconds);
int	usleep(unsigned microseconds);
int	getitimer(int which, struct itimerval *value);
int	setitimer(int which, const struct itimerval *value, struct itimerval *ovalue);
unsigned alarm(unsigned seconds);
int	getrusage(int who, struct rusage *ru);
pid_t	wait4(pid_t pid, int *status, int options, struct rusage *ru);
pid_t	wait3(int *status, int options, struct rusage *ru);
clock_t	times(struct tms *tms);
uint64_t forkrt_cycles(void);

/* libc */
int	printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int	vprintf(const char *fmt, va_list ap);
int	snprintf(char *buf, size_t size, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int	puts(const char *s);
int	putchar(int c);
int	fflush(void *stream);
#define stdout	((void *)1)
size_t	strlen(const char *s);
size_t	strnlen(const char *s, size_t max);
int	strcmp(const char *a, const char *b);
int	strncmp(const char *a, const char *b, size_t n);
char	*strchr(const char *s, int c);
size_t	strlcpy(char *dst, const char *src, size_t size);
void	*memcpy(void *restrict dst, const void *restrict src, size_t n);
void	*memmove(void *dst, const void *src, size_t n);
void	*memset(void *dst, int c, size_t n);
int	memcmp(const void *a, const void *b, size_t n);
int	atoi(const char *s);
long	strtol(const char *s, char **end, int base);
const char *strerror(int error);
__attribute__((noreturn)) void abort(void);

/* Stop the machine with a status (init only; others get EPERM). */
int	forkrt_poweroff(int status);

#endif /* !_FORKRT_H_ */
