/*
 * Helpers shared by the VM suites (cow, vmleak, oom): sysctl reads, a
 * child runner, and a frame that runs a suite's tests in a child so that
 * the suite can check at the end that v_free_count is back to where it
 * was before any test ran.  The child's TAP counters come back to the
 * parent through a MAP_SHARED page.
 */
#ifndef _VMSUITE_H_
#define _VMSUITE_H_

#include "tap.h"

#define PGSZ		4096ul
#define MIB		(1ul << 20)

static __attribute__((unused)) bool
killed_by(int status, int sig)
{
	return (status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == sig);
}

static __attribute__((unused)) bool
exited(int status, int code)
{
	return (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code);
}

struct suite_counts {
	int	n, failed;
};

/*
 * Run fn in a child whose TAP counts come back through sc (a MAP_SHARED
 * page), with the settled unleaked count taken before and after in
 * *before and *after; the child's wait status, or -1.
 */
static __attribute__((unused)) int
leak_checked_child(struct suite_counts *sc, void (*fn)(void), int *before, int *after)
{
	int status = -1;
	pid_t pid;

	fflush(stdout);
	*before = settled_unleaked();
	if ((pid = fork()) == 0) {
		fn();
		fflush(stdout);
		sc->n = tap_n;
		sc->failed = tap_failed;
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	tap_n = sc->n;
	tap_failed = sc->failed;
	*after = settled_unleaked();
	return (status);
}

/*
 * Run body() in a child that prints its TAP lines, then in the parent
 * check that every page came back once the child is reaped.
 */
static __attribute__((unused)) int
run_suite(const char *name, void (*body)(void))
{
	struct suite_counts *sc;
	int status, before, after;

	sc = mmap(NULL, PGSZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0);
	if (sc == MAP_FAILED) {
		printf("Bail out! %s: mmap of the counter page failed (errno %d)\n", name, errno);
		return (1);
	}
	sc->n = sc->failed = 0;
	diag("%s: the tests run in a child; the parent checks that nothing leaked", name);
	status = leak_checked_child(sc, body, &before, &after);
	ok(exited(status, 0), "the %s suite's child ran to its end (status %#x)", name, status);
	ok(before > 0 && after == before,
	    "every page and kernel object at the start of the suite is back at its end "
	    "(%d, %d)", before, after);
	return (done());
}

#endif /* !_VMSUITE_H_ */
