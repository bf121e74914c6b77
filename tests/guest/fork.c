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

/* fork returns twice: the child's pid in the parent, 0 in the child, and the child's ids. */
static int
returns_twice(void)
{
	pid_t pid, me = getpid();
	int status, fds[2], vals[2], n;

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
	return (0);
}

/* Fifty children, their statuses reaped in any order. */
static int
fifty_children(void)
{
	static char seen[NCHILD];
	pid_t got, pids[NCHILD];
	int status, bad = 0;

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
	return (0);
}

/* xv6's twochildren, reaped in the reverse order of creation. */
static int
two_children(void)
{
	pid_t pids[2];
	int status, bad;

	pids[0] = xfork();
	if (pids[0] == 0)
		_exit(3);
	pids[1] = xfork();
	if (pids[1] == 0)
		_exit(4);
	bad = waitpid(pids[1], &status, 0) != pids[1] || WEXITSTATUS(status) != 4;
	bad |= waitpid(pids[0], &status, 0) != pids[0] || WEXITSTATUS(status) != 3;
	ok(!bad, "two children are reaped by pid in reverse order with their statuses");
	return (0);
}

/* xv6's forkfork and forkforkfork. */
static int
fork_trees(void)
{
	pid_t pid;
	int status;

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
	return (0);
}

/* An orphan is re-parented to init. */
static int
reparent(void)
{
	pid_t pid;
	int status, fds[2], n, pp = -1;

	pipe(fds);
	pid = xfork();
	if (pid == 0) {
		close(fds[0]);
		if (xfork() == 0) {
			for (int i = 0; i < 100000 && (pp = getppid()) != 1; i++)
				sched_yield();
			write(fds[1], &pp, sizeof(pp));
			_exit(0);
		}
		_exit(0);
	}
	close(fds[1]);
	waitpid(pid, &status, 0);
	n = (int)read(fds[0], &pp, sizeof(pp));
	close(fds[0]);
	ok(n == sizeof(int) && pp == 1, "an orphan is re-parented to init (getppid %d)", pp);
	return (0);
}

/* The v_forks counter counts each fork. */
static int
v_forks(void)
{
	pid_t pid;
	int status, before, after;

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
	return (0);
}

/* Data, heap and stack: the child sees them as they were, writes stay on their side. */
static int
memory(void)
{
	pid_t pid;
	int status, n;
	int *heap;

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
	return (0);
}

/* LTP fork13: no pid is reused while its owner lives. */
static int
no_live_pid_reused(void)
{
	pid_t pid, me = getpid(), live[NLIVE];
	int status, fds[2], n, bad = 0;

	pipe(fds);
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
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(returns_twice, "fork returns twice, with the child's ids"),
	TAP_CASE(fifty_children, "fifty children, reaped in any order with their statuses"),
	TAP_CASE(two_children, "two children reaped in reverse order"),
	TAP_CASE(fork_trees, "forkfork and forkforkfork"),
	TAP_CASE(reparent, "an orphan is re-parented to init"),
	TAP_CASE(v_forks, "v_forks counts forks"),
	TAP_CASE(memory, "data, heap and stack are copied at fork"),
	TAP_CASE(no_live_pid_reused, "no pid is reused while its owner lives"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
