/*
 * Signals in the C library: the system calls, and what POSIX builds on
 * them (signal, raise, pause, sigwait, the sigset functions).
 */
#include <forkrt.h>

#include "sys.h"

/* user/arch/<arch>/sigtramp.S: where every handler returns; it calls sigreturn. */
void	__sigtramp(void);

int
sigaction(int sig, const struct sigaction *act, struct sigaction *oact)
{
	return ((int)SYS4(SYS_sigaction, sig, act, oact, __sigtramp));
}

/* BSD semantics: the handler stays installed, and interrupted calls restart. */
void
(*signal(int sig, void (*func)(int)))(int)
{
	struct sigaction sa = { 0 }, osa;

	sa.sa_handler = func;
	sa.sa_flags = SA_RESTART;
	if (sigaction(sig, &sa, &osa) == -1)
		return (SIG_ERR);
	return (osa.sa_handler);
}

int
sigprocmask(int how, const sigset_t *set, sigset_t *oset)
{
	return ((int)SYS3(SYS_sigprocmask, how, set, oset));
}

int sigpending(sigset_t *set) { return ((int)SYS1(SYS_sigpending, set)); }
int sigsuspend(const sigset_t *mask) { return ((int)SYS1(SYS_sigsuspend, mask)); }
int sigaltstack(const stack_t *ss, stack_t *oss) { return ((int)SYS2(SYS_sigaltstack, ss, oss)); }

int
sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout)
{
	return ((int)SYS3(SYS_sigtimedwait, set, info, timeout));
}

int
sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
	return (sigtimedwait(set, info, NULL));
}

/* POSIX: the error number is returned, errno left alone; EINTR is not one of them. */
int
sigwait(const sigset_t *set, int *sig)
{
	int saved = errno, r;

	do
		r = (int)__syscall6(SYS_sigtimedwait, (long)set, 0, 0, 0, 0, 0);
	while (r == -EINTR);
	errno = saved;
	if (r < 0)
		return (-r);
	*sig = r;
	return (0);
}

/* To the calling thread, as POSIX says raise does in a threaded process. */
int
raise(int sig)
{
	return (lwp_kill(getpid(), lwp_gettid(), sig));
}

int
pause(void)
{
	sigset_t mask;

	if (sigprocmask(SIG_BLOCK, NULL, &mask) == -1)
		return (-1);
	return (sigsuspend(&mask));
}

static bool
sig_ok(int sig)
{
	if (sig > 0 && sig < NSIG)
		return (true);
	errno = EINVAL;
	return (false);
}

int
sigemptyset(sigset_t *set)
{
	*set = (sigset_t){ { 0 } };
	return (0);
}

int
sigfillset(sigset_t *set)
{
	*set = (sigset_t){ { ~0u >> (33 - NSIG), 0, 0, 0 } };
	return (0);
}

int
sigaddset(sigset_t *set, int sig)
{
	if (!sig_ok(sig))
		return (-1);
	set->__bits[0] |= 1u << (sig - 1);
	return (0);
}

int
sigdelset(sigset_t *set, int sig)
{
	if (!sig_ok(sig))
		return (-1);
	set->__bits[0] &= ~(1u << (sig - 1));
	return (0);
}

int
sigismember(const sigset_t *set, int sig)
{
	if (!sig_ok(sig))
		return (-1);
	return ((set->__bits[0] >> (sig - 1)) & 1);
}
