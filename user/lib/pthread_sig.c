/*
 * pthread_sigmask and pthread_kill: thin wrappers over sigprocmask (the
 * calling lwp's mask) and lwp_kill (one lwp of this process), returning
 * the error rather than setting errno.
 */
#include "thr_private.h"

int
pthread_sigmask(int how, const sigset_t *set, sigset_t *oset)
{
	return ((int)-__syscall6(SYS_sigprocmask, how, (long)set, (long)oset, 0, 0, 0));
}

int
pthread_kill(pthread_t t, int sig)
{
	return ((int)-__syscall6(SYS_lwp_kill, getpid(), t->tid, sig, 0, 0, 0));
}
