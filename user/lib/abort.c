/*
 * abort(3), in a file of its own so that exit's callers do not carry the
 * signal calls it needs.
 */
#include <forkrt.h>

/*
 * FreeBSD's abort: SIGABRT unblocked and raised in the calling thread; if
 * a handler returns, the default action is put back and the signal
 * raised again.  stdio is not flushed (FreeBSD's choice; ISO C leaves it
 * open).
 */
_Noreturn void
abort(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGABRT);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGABRT);
	signal(SIGABRT, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGABRT);
	_exit(127);
}
