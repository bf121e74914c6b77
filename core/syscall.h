/*
 * System call handlers.  Each takes the calling lwp, the six raw argument
 * registers and a place for the result, and returns 0 or an errno
 * (EJUSTRETURN when it has set the user frame itself).
 */
#ifndef _SYSCALL_H_
#define _SYSCALL_H_

#include "types.h"

struct lwp;

typedef int sy_call_t(struct lwp *l, const register_t *args, register_t *rv);

struct sysent {
	sy_call_t	*sy_call;
};

#define SYSCALL(name)	int sys_##name(struct lwp *, const register_t *, register_t *)
SYSCALL(exit);
SYSCALL(fork);
SYSCALL(vfork);
SYSCALL(rfork);
SYSCALL(wait4);
SYSCALL(execv);
SYSCALL(getpid);
SYSCALL(getppid);
SYSCALL(getuid);
SYSCALL(geteuid);
SYSCALL(cpuset_setaffinity);
SYSCALL(cpuset_getaffinity);
SYSCALL(sched_getcpu);
SYSCALL(kill);
SYSCALL(sigaction);
SYSCALL(sigprocmask);
SYSCALL(sigpending);
SYSCALL(sigsuspend);
SYSCALL(sigtimedwait);
SYSCALL(sigaltstack);
SYSCALL(sigreturn);
SYSCALL(wait6);
SYSCALL(setsid);
SYSCALL(setpgid);
SYSCALL(getpgrp);
SYSCALL(getpgid);
SYSCALL(getsid);
SYSCALL(setuid);
SYSCALL(getrlimit);
SYSCALL(setrlimit);
SYSCALL(sysctlbyname);
SYSCALL(lwp_create);
SYSCALL(lwp_gettid);
SYSCALL(lwp_exit);
SYSCALL(lwp_kill);
SYSCALL(sched_yield);
SYSCALL(read);
SYSCALL(write);
SYSCALL(close);
SYSCALL(dup);
SYSCALL(dup2);
SYSCALL(pipe);
SYSCALL(pipe2);
SYSCALL(fcntl);
SYSCALL(kqueue);
SYSCALL(kevent);
SYSCALL(sbrk);
SYSCALL(mmap);
SYSCALL(munmap);
SYSCALL(mprotect);
SYSCALL(minherit);
SYSCALL(clock_gettime);
SYSCALL(clock_getres);
SYSCALL(cycles);
SYSCALL(poweroff);
SYSCALL(umtx_sleep);
SYSCALL(umtx_wakeup);
SYSCALL(lwp_setprivate);
SYSCALL(getrusage);
SYSCALL(setitimer);
SYSCALL(getitimer);
SYSCALL(nanosleep);
SYSCALL(pdfork);
SYSCALL(pdrfork);
SYSCALL(pdgetpid);
SYSCALL(pdkill);
SYSCALL(pdwait);
SYSCALL(procctl);
#undef SYSCALL

#endif /* !_SYSCALL_H_ */
