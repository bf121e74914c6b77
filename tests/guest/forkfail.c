/*
 * fork1's back-out paths: debug.fork_fail_at makes one step of every fork
 * fail (1 the proc, 2 the address space, 3 the descriptor table, 4 the
 * signal dispositions, 5 the lwp and its kernel stack, 6 the pid), and
 * each time everything fork1 took must come back: the process slot, the
 * per-uid count, every page.
 */
#include "tap.h"

static const char *const steps[] = {
	"", "the proc", "the address space", "the descriptor table",
	"the signal dispositions", "the lwp", "the pid",
};

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

int
main(void)
{
	static const int kinds[] = { 0, RFPROC | RFFDG, RFPROC | RFMEM, RFPROC | RFCFDG,
	    RFPROC | RFTHREAD | RFSIGSHARE, RFPROC | RFNOWAIT };
	int nprocs, free0, status, rc;

	/*
	 * Warm up: whatever this program itself touches (stdio, the RFMEM
	 * stack) first, and the signal table RFSIGSHARE makes for us, to
	 * share, the first time (we never set a disposition before).
	 */
	diag("baseline after warming up");
	for (int i = 0; i < 3; i++) {
		try_fork(0);
		try_fork(RFPROC | RFMEM);
		try_fork(RFPROC | RFTHREAD | RFSIGSHARE);
	}
	nprocs = sget("kern.nprocs");
	free0 = unleaked_pages();

	for (int step = 1; step <= 6; step++) {
		int want = step == 6 ? EAGAIN : ENOMEM;
		bool all = true;

		if (sset("debug.fork_fail_at", step) != 0) {
			ok(0, "debug.fork_fail_at takes %d", step);
			continue;
		}
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			/* An RFMEM child shares the address space: step 2 is not on its path. */
			bool skips = step == 2 && (kinds[k] & RFMEM);

			errno = 0;
			rc = try_fork(kinds[k]);
			if (skips ? rc <= 0 : (rc != -1 || errno != want))
				all = false;
		}
		sset("debug.fork_fail_at", 0);
		ok(all, "a fork failing at %s (step %d) is %s for every kind of fork on that path",
		    steps[step], step, want == EAGAIN ? "EAGAIN" : "ENOMEM");
		ok(sget("kern.nprocs") == nprocs && unleaked_pages() == free0,
		    "and gives back its process slot and every page (nprocs %d, free %d -> %d)",
		    sget("kern.nprocs"), free0, unleaked_pages());
	}

	/* The per-uid count: a non-root child forks against failpoint 5. */
	sset("debug.fork_fail_at", 5);
	rc = xfork();
	if (rc == 0) {
		struct rlimit rl = { 2, 2 };
		int fails = 0;

		if (setuid(1000) != 0 || setrlimit(RLIMIT_NPROC, &rl) != 0)
			_exit(10);
		for (int i = 0; i < 5; i++)
			if (fork() == -1 && errno == ENOMEM)
				fails++;
		_exit(fails == 5 ? 0 : 11);
	}
	waitpid(rc, &status, 0);
	sset("debug.fork_fail_at", 0);
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
	errno = 0;
	ok(sset("debug.fork_fail_at", 7) == -1 && errno == EINVAL, "a step past 6 is EINVAL");
	ok(sget("kern.nprocs") == nprocs && unleaked_pages() == free0,
	    "at the end every slot and page is back");
	return (done());
}
