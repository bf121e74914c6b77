/*
 * Helpers shared by the VM suites (cow, vmleak, oom, ...): wait-status
 * tests, and a frame that runs a suite's case table in a child so that
 * the suite can check at the end that every page is back to where it was
 * before any case ran.
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

/*
 * Run the cases argv names, or all of them (run_selected: each in a child
 * of its own), in a child of the suite's process, which then says how
 * many ran; the TAP counters come back through tap.h's shared page.  The
 * child's wait status: it exits 2 when argv names a case the table does
 * not have (run_selected has said so).
 */
static __attribute__((unused)) int
suite_child(const struct tap_case *cases, size_t n, int argc, char **argv)
{
	int status = -1, ran;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		if ((ran = run_selected(cases, n, argc, argv)) < 0)
			_exit(2);
		ok(ran > 0, "ran %d case%s", ran, ran == 1 ? "" : "s");
		fflush(stdout);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	tap_n = tap_shared->n;
	tap_failed = tap_shared->failed;
	return (status);
}

/*
 * suite_child, then, once its child is reaped, check in the parent that
 * every page and kernel object is back.
 */
static __attribute__((unused)) int
run_suite(const char *name, const struct tap_case *cases, size_t n, int argc, char **argv)
{
	int status, before, after;

	tap_init();
	diag("%s: the cases run in a child; the parent checks that nothing leaked", name);
	before = settled_unleaked();
	status = suite_child(cases, n, argc, argv);
	if (exited(status, 2))
		return (2);
	after = settled_unleaked();
	ok(exited(status, 0), "the %s suite's child ran to its end (status %#x)", name, status);
	ok(before > 0 && after == before,
	    "every page and kernel object at the start of the suite is back at its end "
	    "(%d, %d)", before, after);
	return (done());
}

#define RUN_SUITE(name, cases, argc, argv)				\
	run_suite(name, cases, sizeof(cases) / sizeof((cases)[0]), argc, argv)

#endif /* !_VMSUITE_H_ */
