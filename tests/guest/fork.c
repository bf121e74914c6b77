/*
 * The fork suite: fork returns twice, children get their own ids and
 * memory, are reaped with their statuses, orphans go to init, and the
 * v_forks counter counts (LTP fork01-fork13, xv6 forkfork, reparent,
 * twochildren, exitwait).
 */
#include "tap.h"

#define NCHILD		50
#define NLIVE		10
#define NLOOP		100

static int global = 1;

/* fork, fork, fork: depth levels, two children each; exit 0 if all reaped fine. */
static int
forktree(int depth)
{
	pid_t pids[2];
	int status, bad = 0;

	if (depth == 0)
		return (0);
	for (int i = 0; i < 2; i++) {
		pids[i] = xfork();
		if (pids[i] == 0)
			_exit(forktree(depth - 1));
		if (pids[i] < 0)
			bad = 1;
	}
	for (int i = 0; i < 2; i++) {
		if (pids[i] > 0 && (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0))
			bad = 1;
	}
	return (bad);
}

int
main(void)
{
	static char seen[NCHILD];
	pid_t pid, got, me = getpid(), pids[NCHILD], live[NLIVE];
	int status, fds[2], vals[2], n, bad, before, after;
	int *heap;

	/* 1-3: returns twice, the child's ids */
	pipe(fds);
	pid = xfork();
	if (pid == 0) {
		vals[0] = getpid();
		vals[1] = getppid();
		write(fds[1], vals, sizeof(vals));
		_exit(0);
	}
	ok(pid > 0 && pid != me, "fork returns the child's pid in the parent (%d)", pid);
	memset(vals, 0, sizeof(vals));
	n = (int)read(fds[0], vals, sizeof(vals));
	close(fds[0]);
	close(fds[1]);
	ok(n == sizeof(vals) && vals[0] == pid,
	    "the child's getpid equals the pid fork returned (%d)", vals[0]);
	ok(vals[1] == me, "the child's getppid is the parent (%d)", vals[1]);
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "fork returns 0 in the child, which exits 0");
	ok(getpid() == me, "the parent keeps its pid after fork");

	/* 6-8: fifty children, statuses in any order */
	bad = 0;
	for (int i = 0; i < NCHILD; i++) {
		pids[i] = xfork();
		if (pids[i] == 0)
			_exit(i + 1);
		if (pids[i] < 0)
			bad++;
	}
	ok(bad == 0, "fifty children are created");
	bad = 0;
	for (int i = 0; i < NCHILD; i++) {
		got = waitpid(-1, &status, 0);
		int j;

		for (j = 0; j < NCHILD && pids[j] != got; j++)
			;
		if (j == NCHILD || !WIFEXITED(status) || WEXITSTATUS(status) != j + 1 ||
		    seen[j]++)
			bad++;
	}
	ok(bad == 0, "all fifty are reaped, each once, with its own exit status");
	errno = 0;
	ok(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD,
	    "after that no child is left (ECHILD)");

	/* 9: twochildren, reaped in the reverse order of creation */
	pids[0] = xfork();
	if (pids[0] == 0)
		_exit(3);
	pids[1] = xfork();
	if (pids[1] == 0)
		_exit(4);
	bad = waitpid(pids[1], &status, 0) != pids[1] || WEXITSTATUS(status) != 4;
	bad |= waitpid(pids[0], &status, 0) != pids[0] || WEXITSTATUS(status) != 3;
	ok(!bad, "two children are reaped by pid in reverse order with their statuses");

	/* 10-11: forkfork and forkforkfork */
	pid = xfork();
	if (pid == 0)
		_exit(forktree(2));
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "forkfork: children fork and reap their own children");
	pid = xfork();
	if (pid == 0)
		_exit(forktree(4));
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "forkforkfork: a tree of 30 processes four deep is built and reaped");

	/* 12: reparent to init */
	pipe(fds);
	pid = xfork();
	if (pid == 0) {
		close(fds[0]);
		if (xfork() == 0) {
			int pp = 0;

			for (int i = 0; i < 100000 && (pp = getppid()) != 1; i++)
				sched_yield();
			write(fds[1], &pp, sizeof(pp));
			_exit(0);
		}
		_exit(0);
	}
	close(fds[1]);
	waitpid(pid, &status, 0);
	vals[0] = -1;
	n = (int)read(fds[0], &vals[0], sizeof(int));
	close(fds[0]);
	ok(n == sizeof(int) && vals[0] == 1,
	    "an orphan is re-parented to init (getppid %d)", vals[0]);

	/* 13: v_forks */
	before = sget("vm.stats.vm.v_forks");
	pid = xfork();
	if (pid == 0)
		_exit(0);
	after = sget("vm.stats.vm.v_forks");
	waitpid(pid, &status, 0);
	ok(before >= 0 && after == before + 1, "v_forks grows by one per fork (%d -> %d)",
	    before, after);
	before = sget("vm.stats.vm.v_forks");
	for (int i = 0; i < 5; i++) {
		if (xfork() == 0)
			_exit(0);
	}
	reap_all();
	after = sget("vm.stats.vm.v_forks");
	ok(after == before + 5, "five forks add five to v_forks (%d -> %d)", before, after);

	/* 15-16: memory */
	heap = malloc(8192);
	heap[0] = 10;
	heap[2047] = 20;
	global = 1;
	n = 5;
	pid = xfork();
	if (pid == 0) {
		int r = 0;

		r |= (global != 1 || heap[0] != 10 || heap[2047] != 20 || n != 5);
		global = 2;
		heap[0] = 11;
		heap[2047] = 21;
		n = 6;
		_exit(r);
	}
	ok(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 0,
	    "the child sees the parent's data, heap and stack as they were at fork");
	ok(global == 1 && heap[0] == 10 && heap[2047] == 20 && n == 5,
	    "the child's writes to data, heap and stack stay its own");
	pid = xfork();
	if (pid == 0) {
		for (int i = 0; i < 200; i++)
			sched_yield();
		_exit(global == 1 && heap[0] == 10 ? 0 : 1);
	}
	global = 3;
	heap[0] = 12;
	ok(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 0,
	    "the parent's writes after fork stay out of the child");
	free(heap);

	/* 18-19: LTP fork13: no pid reused while its owner lives */
	pipe(fds);
	bad = 0;
	for (int i = 0; i < NLIVE; i++) {
		live[i] = xfork();
		if (live[i] == 0) {
			char c;

			close(fds[1]);
			read(fds[0], &c, 1);
			_exit(0);
		}
		for (int j = 0; j < i; j++)
			if (live[j] == live[i])
				bad++;
	}
	close(fds[0]);
	ok(bad == 0, "ten live children have ten different pids");
	bad = 0;
	for (int i = 0; i < NLOOP; i++) {
		pid = xfork();
		if (pid == 0)
			_exit(0);
		if (pid < 0 || pid == me)
			bad++;
		for (int j = 0; j < NLIVE; j++)
			if (pid == live[j])
				bad++;
		if (waitpid(pid, &status, 0) != pid)
			bad++;
	}
	ok(bad == 0, "a hundred forks in a loop never take the pid of a live process");
	close(fds[1]);
	n = reap_all();
	ok(n == NLIVE, "the live children end when their pipe closes and are reaped (%d)", n);

	return (done());
}
