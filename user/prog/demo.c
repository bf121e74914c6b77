/*
 * The built-in application: a short tour of fork on this machine.  It
 * forks a few children that report in, shows that a child's writes stay
 * its own, and times fork+exit+wait.
 */
#include <forkrt.h>

#define NCHILD	4
#define NITER	64

static int counter = 100;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

static void
sort(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

int
main(void)
{
	uint64_t t[NITER];
	int status;

	printf("demo: pid %d, parent %d\n", getpid(), getppid());
	for (int i = 0; i < NCHILD; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			counter += i + 1;
			printf("demo: child %d is pid %d, counter %d\n", i, getpid(), counter);
			_exit(i);
		}
		waitpid(pid, &status, 0);
	}
	printf("demo: parent's counter is still %d\n", counter);

	for (int i = 0; i < NITER; i++) {
		uint64_t t0 = now_ns();
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		waitpid(pid, &status, 0);
		t[i] = now_ns() - t0;
	}
	sort(t, NITER);
	printf("demo: fork+exit+wait median %llu ns, min %llu ns over %d runs\n",
	    (unsigned long long)t[NITER / 2], (unsigned long long)t[0], NITER);
	return (0);
}
