/*
 * System call dispatch.
 */
#include "cpu.h"
#include "proc.h"
#include "rusage.h"
#include "sched.h"
#include "syscall.h"
#include "trap.h"

#define SY(name)	[SYS_##name] = { sys_##name }

static const struct sysent sysent[SYS_MAXSYSCALL] = {
	SY(exit),
	SY(fork),
	SY(vfork),
	SY(rfork),
	SY(wait4),
	SY(execv),
	SY(getpid),
	SY(getppid),
	SY(getuid),
	SY(geteuid),
	SY(kill),
	SY(sigaction),
	SY(sigprocmask),
	SY(sigpending),
	SY(sigsuspend),
	SY(sigtimedwait),
	SY(sigaltstack),
	SY(sigreturn),
	SY(wait6),
	SY(setsid),
	SY(setpgid),
	SY(getpgrp),
	SY(getpgid),
	SY(getsid),
	SY(setuid),
	SY(getrlimit),
	SY(setrlimit),
	SY(sysctlbyname),
	SY(lwp_create),
	SY(lwp_gettid),
	SY(lwp_exit),
	SY(lwp_kill),
	SY(sched_yield),
	SY(read),
	SY(write),
	SY(close),
	SY(dup),
	SY(dup2),
	SY(pipe),
	SY(pipe2),
	SY(fcntl),
	SY(kqueue),
	SY(kevent),
	SY(sbrk),
	SY(mmap),
	SY(munmap),
	SY(mprotect),
	SY(minherit),
	SY(clock_gettime),
	SY(clock_getres),
	SY(cycles),
	SY(poweroff),
	SY(cpuset_setaffinity),
	SY(cpuset_getaffinity),
	SY(sched_getcpu),
	SY(umtx_sleep),
	SY(umtx_wakeup),
	SY(lwp_setprivate),
	SY(getrusage),
	SY(setitimer),
	SY(getitimer),
	SY(nanosleep),
	SY(pdfork),
	SY(pdrfork),
	SY(pdgetpid),
	SY(pdkill),
	SY(pdwait),
	SY(procctl),
};

void
syscall(struct lwp *l)
{
	register_t code, args[6], rv = 0;
	int error;

	rusage_kenter(l);
	cpu_syscall_args(l, &code, args);
	if (code < SYS_MAXSYSCALL && sysent[code].sy_call != NULL)
		error = sysent[code].sy_call(l, args, &rv);
	else
		error = ENOSYS;
	if (error != EJUSTRETURN)
		cpu_syscall_return(l, error, rv);
}
