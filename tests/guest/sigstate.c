/*
 * A helper the signal and spawn suites exec: its exit status tells what
 * exec left of the signal state (1: SIGUSR1 is SIG_DFL, 2: SIGUSR2 is
 * ignored, 4: SIGTERM is masked).  With "ids" as argv[1] it also prints
 * "pid pgid sid" on its standard output.
 */
#include <forkrt.h>

int
main(int argc, char **argv)
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
	if (argc > 1 && strcmp(argv[1], "ids") == 0) {
		printf("%d %d %d\n", getpid(), getpgrp(), getsid(0));
		fflush(stdout);
	}
	return (r);
}
