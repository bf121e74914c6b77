/*
 * A helper the signal suite execs: its exit status tells what exec left
 * of the signal state (1: SIGUSR1 is SIG_DFL again, 2: SIGUSR2 still
 * ignored, 4: SIGTERM still masked).
 */
#include <forkrt.h>

int
main(void)
{
	struct sigaction sa;
	sigset_t mask;
	int r = 0;

	if (sigaction(SIGUSR1, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
		r |= 1;
	if (sigaction(SIGUSR2, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
		r |= 2;
	if (sigprocmask(SIG_BLOCK, NULL, &mask) == 0 && sigismember(&mask, SIGTERM) == 1)
		r |= 4;
	return (r);
}
