/*
 * fork1's back-out paths: each step of fork1 has a fail point
 * (debug.fail_point.fork_proc_alloc, fork_vmspace, fork_fd, fork_sigacts,
 * fork_lwp, fork_pid), armed in turn to make that step of every fork
 * fail, and each time everything fork1 took must come back: the process
 * slot, the per-uid count, every page.
 */
#include "tap.h"

static const struct {
	const char	*point;
	const char	*what;
	int		error;
} steps[] = {
	{ "fork_proc_alloc", "the proc", ENOMEM },
	{ "fork_vmspace", "the address space", ENOMEM },
	{ "fork_fd", "the descriptor table", ENOMEM },
	{ "fork_sigacts", "the signal dispositions", ENOMEM },
	{ "fork_lwp", "the lwp", ENOMEM },
	{ "fork_pid", "the pid", EAGAIN },
};
#define NSTEPS	(int)(sizeof(steps) / sizeof(steps[0]))

static char child_stack[16384] __attribute__((aligned(16)));

static int
child_returns(void *arg __attribute__((unused)))
{
	return (0);
}

/* Fork the way flags say (0: fork()), the child exits at once; the pid or -1. */
static int
try_fork(int flags)
{
	pid_t pid;
	int status;

	fflush(stdout);
	if (flags & RFMEM)	/* the child must not run on our stack */
		pid = rfork_thread(flags, child_stack + sizeof(child_stack),
		    child_returns, NULL);
	else if (flags == 0)
		pid = fork();
	else
		pid = rfork(flags);
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return (pid);
}

static const int kinds[] = { 0, RFPROC | RFFDG, RFPROC | RFMEM, RFPROC | RFCFDG,
    RFPROC | RFTHREAD | RFSIGSHARE, RFPROC | RFNOWAIT };
static int nprocs, free0;	/* the baseline after warming up */

/*
 * Warm up: whatever this program itself touches (stdio, the RFMEM
 * stack) first, and the signal table RFSIGSHARE makes for us, to
 * share, the first time (we never set a disposition before).  Then
 * take the baseline.
 */
static void
warm_up(void)
{
	for (int i = 0; i < 3; i++) {
		try_fork(0);
		try_fork(RFPROC | RFMEM);
		try_fork(RFPROC | RFTHREAD | RFSIGSHARE);
	}
	nprocs = sget("kern.nprocs");
	free0 = unleaked_pages();
}

/* Each fail point on fork's path fails every kind of fork on it, and leaks nothing. */
static int
every_path(void)
{
	int rc;

	warm_up();
	for (int step = 0; step < NSTEPS; step++) {
		int want = steps[step].error;
		bool all = true;

		if (fail_point_set(steps[step].point, -1) != 0) {
			ok(0, "debug.fail_point.%s takes -1 (errno %d)", steps[step].point, errno);
			continue;
		}
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			/* An RFMEM child shares the address space: fork_vmspace is not on its path. */
			bool skips = step == 1 && (kinds[k] & RFMEM);

			errno = 0;
			rc = try_fork(kinds[k]);
			if (skips ? rc <= 0 : (rc != -1 || errno != want))
				all = false;
		}
		fail_point_set(steps[step].point, 0);
		ok(all, "a fork failing at %s (%s) is %s for every kind of fork on that path",
		    steps[step].what, steps[step].point, want == EAGAIN ? "EAGAIN" : "ENOMEM");
		ok(sget("kern.nprocs") == nprocs && unleaked_pages() == free0,
		    "and gives back its process slot and every page (nprocs %d, free %d -> %d)",
		    sget("kern.nprocs"), free0, unleaked_pages());
	}
	return (0);
}

/* The per-uid count: a non-root child forks against fork_lwp. */
static int
per_uid_count(void)
{
	int status = -1, rc, gate[2];

	warm_up();
	/*
	 * Armed, the point fails every fork, ours too: the child is forked
	 * first and forks only once the point is armed (before this suite
	 * was cases, the xfork below failed itself and waitpid(-1) reaped
	 * some other child, so the non-root forks never ran).
	 */
	pipe(gate);
	rc = xfork();
	if (rc == 0) {
		struct rlimit rl = { 2, 2 };
		int fails = 0;
		pid_t pid;
		char c;

		close(gate[1]);
		if (setuid(1000) != 0 || setrlimit(RLIMIT_NPROC, &rl) != 0)
			_exit(10);
		if (read(gate[0], &c, 1) != 1)
			_exit(12);
		for (int i = 0; i < 5; i++) {
			if ((pid = fork()) == 0)
				_exit(0);
			if (pid == -1 && errno == ENOMEM)
				fails++;
		}
		_exit(fails == 5 ? 0 : 11);
	}
	close(gate[0]);
	fail_point_set("fork_lwp", -1);
	write(gate[1], "a", 1);
	close(gate[1]);
	waitpid(rc, &status, 0);
	fail_point_set("fork_lwp", 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "a non-root process's failed forks report ENOMEM (status %#x)", status);
	rc = xfork();
	if (rc == 0) {
		struct rlimit rl = { 2, 2 };
		pid_t pid;

		/* uid 1000 has nothing left counted: this child and one more fit. */
		if (setuid(1000) != 0 || setrlimit(RLIMIT_NPROC, &rl) != 0)
			_exit(10);
		if ((pid = fork()) == 0)
			_exit(0);
		if (pid < 0)
			_exit(11);
		waitpid(pid, NULL, 0);
		_exit(0);
	}
	waitpid(rc, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "after them uid 1000's count is back: RLIMIT_NPROC 2 still allows a child (status %#x)",
	    status);
	return (0);
}

/*
 * A count: the next N passes fail, then the point is off by itself;
 * bad settings and non-root writes are refused; at the end every slot
 * and page is back.
 */
static int
counted_and_refused(void)
{
	int status = -1, rc;

	warm_up();
	fail_point_set("fork_proc_alloc", 2);
	errno = 0;
	rc = try_fork(0);
	ok(rc == -1 && errno == ENOMEM && fail_point_get("fork_proc_alloc") == 1,
	    "armed with 2, fork_proc_alloc fails a fork and reads 1 after it (%d)",
	    fail_point_get("fork_proc_alloc"));
	errno = 0;
	rc = try_fork(0);
	ok(rc == -1 && errno == ENOMEM && fail_point_get("fork_proc_alloc") == 0,
	    "fails the second and reads 0");
	ok(try_fork(0) > 0, "and the third fork works");

	errno = 0;
	ok(fail_point_set("fork_pid", -2) == -1 && errno == EINVAL &&
	    fail_point_get("fork_pid") == 0, "a setting below -1 is EINVAL and changes nothing");
	errno = 0;
	ok(fail_point_set("no_such_point", 1) == -1 && errno == ENOENT &&
	    sget("debug.fail_point.") == -1 && errno == ENOENT,
	    "a fail point that does not exist is ENOENT");
	rc = xfork();
	if (rc == 0) {
		if (setuid(1000) != 0)
			_exit(10);
		errno = 0;
		if (fail_point_set("fork_pid", -1) != -1 || errno != EPERM)
			_exit(11);
		_exit(fail_point_get("fork_pid") == 0 ? 0 : 12);
	}
	waitpid(rc, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "a non-root process may read a fail point but not arm it: EPERM (status %#x)",
	    status);
	ok(sget("kern.nprocs") == nprocs && unleaked_pages() == free0,
	    "at the end every slot and page is back");
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(every_path, "a fork failing at each step is EAGAIN or ENOMEM for every kind, and gives all back"),
	TAP_CASE(per_uid_count, "a non-root process's failed forks report ENOMEM and give its count back"),
	TAP_CASE(counted_and_refused, "a count of passes to fail; bad settings EINVAL, ENOENT, EPERM; nothing leaked"),
};

int
main(int argc, char **argv)
{
	if (!have_fail_point("fork_proc_alloc")) {
		printf("1..0 # SKIP the kernel is built without fail points "
		    "(meson option fail_points)\n");
		return (0);
	}
	diag("each case takes its baseline after warming up");
	return (RUN_CASES(cases, argc, argv));
}
