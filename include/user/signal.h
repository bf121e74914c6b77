/*
 * <signal.h>: FreeBSD's signal numbers, sets, sigaction and siginfo_t
 * (all in <forkrt/abi.h>) and the calls on them.
 */
#ifndef _SIGNAL_H_
#define _SIGNAL_H_

#include <sys/types.h>
#include <sys/ucontext.h>	/* ucontext_t, the handler's third argument */

typedef int	sig_atomic_t;
typedef void	(*sig_t)(int);	/* BSD */

int	sigaction(int sig, const struct sigaction *restrict act,
	    struct sigaction *restrict oact);
void	(*signal(int sig, void (*func)(int)))(int);
int	kill(pid_t pid, int sig);
int	raise(int sig);
int	sigprocmask(int how, const sigset_t *restrict set,
	    sigset_t *restrict oset);
int	pthread_sigmask(int how, const sigset_t *restrict set,
	    sigset_t *restrict oset);
int	pthread_kill(pthread_t thread, int sig);
int	sigpending(sigset_t *set);
int	sigsuspend(const sigset_t *mask);
int	sigwait(const sigset_t *restrict set, int *restrict sig);
int	sigwaitinfo(const sigset_t *restrict set, siginfo_t *restrict info);
int	sigtimedwait(const sigset_t *restrict set, siginfo_t *restrict info,
	    const struct timespec *restrict timeout);
int	sigaltstack(const stack_t *restrict ss, stack_t *restrict oss);
int	sigemptyset(sigset_t *set);
int	sigfillset(sigset_t *set);
int	sigaddset(sigset_t *set, int sig);
int	sigdelset(sigset_t *set, int sig);
int	sigismember(const sigset_t *set, int sig);

#endif /* !_SIGNAL_H_ */
