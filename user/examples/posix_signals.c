/*
 * A POSIX program as anyone would write it, built unchanged with
 * `tools/forkrt run --app user/examples/posix_signals.c`: a SIGCHLD
 * handler that reaps in a loop (SA_SIGINFO, SA_RESTART), four threads
 * counting under a mutex, an alarm, and sigsuspend until all is done.
 * Exits 0 when every count is right.  The signal suite runs it.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t children, alarms;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int counter;

static void
on_chld(int sig, siginfo_t *si, void *uc)
{
	int status, saved = errno;

	(void)sig;
	(void)si;
	(void)uc;
	while (waitpid(-1, &status, WNOHANG) > 0)
		children++;
	errno = saved;
}

static void
on_alrm(int sig)
{
	(void)sig;
	alarms++;
}

static void *
worker(void *arg)
{
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&lock);
	}
	return (arg);
}

int
main(void)
{
	struct sigaction sa;
	pthread_t t[4];
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGALRM, on_alrm);
	for (int i = 0; i < 4; i++)
		if (fork() == 0)
			_exit(i);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	alarm(1);
	sigemptyset(&none);
	while (alarms == 0 || children < 4)
		sigsuspend(&none);
	fprintf(stderr, "counter %d, children %d, alarms %d\n", counter, (int)children,
	    (int)alarms);
	return (counter == 4000 && children == 4 ? 0 : 1);
}
