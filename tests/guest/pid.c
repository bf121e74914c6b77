/*
 * The pid suite: kern.lastpid, kern.pid_max (lowering it makes pids wrap
 * to 100), kern.randompid's clamping, and the rule that no id in use as a
 * pid, a process group id or a session id is handed out again; fork
 * fails for want of a pid only when every id in [100, pid_max) is taken.
 * The cases of the table run first, each in a child of its own
 * (run_child: 0 when every check held, else the number of the first that
 * did not); after each, and before the suite ends, every knob changed is
 * put back.
 */
#include "tap.h"

#define LOW_PID_MAX	300
/* fork, let the child exit, reap it; the child's pid or -1. */
static pid_t
fork_reap(void)
{
	int status;
	pid_t pid = xfork();

	if (pid == 0)
		_exit(0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return (-1);
	return (pid);
}

static int
pid_max_nonroot(void)
{
	if (setuid(1000) != 0)
		return (10);
	errno = 0;
	if (sset("kern.pid_max", 5000) != -1 || errno != EPERM)
		return (1);
	errno = 0;
	if (sset("kern.randompid", 500) != -1 || errno != EPERM)
		return (2);
	return (sget("kern.pid_max") == PID_MAX ? 0 : 3);
}

/* The lowest id from `from' up that this process and its ancestors do not hold. */
static pid_t
first_not_ours(pid_t from)
{
	pid_t ours[4] = { getpid(), getppid(), getpgrp(), getsid(0) };
	bool moved = true;

	while (moved) {
		moved = false;
		for (int k = 0; k < 4; k++)
			if (ours[k] == from) {
				from++;
				moved = true;
			}
	}
	return (from);
}

/*
 * Root lowers kern.pid_max below kern.lastpid: lastpid reads below the
 * new pid_max at once, and the next pid is the first free one from 100,
 * not (lastpid + 1) mod pid_max (issue 13).
 */
static int
lower_below_lastpid(void)
{
	pid_t want, pid;

	while (sget("kern.lastpid") < 2 * LOW_PID_MAX)
		CHECK(1, fork_reap() > 0);
	CHECK(2, sset("kern.pid_max", LOW_PID_MAX) == 0);
	CHECK(3, sget("kern.lastpid") == LOW_PID_MAX - 1);
	want = first_not_ours(100);
	pid = fork_reap();
	if (pid != want)
		diag("next pid %d, want %d", pid, want);
	CHECK(4, pid == want);
	CHECK(5, sget("kern.lastpid") == pid);
	return (0);
}

static pid_t fillers[LOW_PID_MAX];

/* A child blocked reading rel[0] until rel[1] is closed everywhere. */
static pid_t
blocked_child(const int rel[2])
{
	pid_t pid = xfork();
	char c;

	if (pid == 0) {
		close(rel[1]);
		read(rel[0], &c, 1);
		_exit(0);
	}
	return (pid);
}

/* Blocked children until fork fails; how many.  errno is fork's. */
static int
fill(const int rel[2])
{
	int n;

	for (n = 0; n < LOW_PID_MAX; n++)
		if ((fillers[n] = blocked_child(rel)) < 0)
			break;
	return (n);
}

/* Is id in use as anyone's pid, group id or (ours) session id? */
static bool
id_in_use(pid_t id)
{
	return (kill(id, 0) == 0 || errno == EPERM || kill(-id, 0) == 0 ||
	    errno == EPERM || getsid(0) == id);
}

static int
reap_fillers(int n)
{
	int status, bad = 0;

	for (int i = 0; i < n; i++)
		if (waitpid(fillers[i], &status, 0) != fillers[i])
			bad++;
	return (bad);
}

/*
 * kern.pid_max 300, and the space filled with live children: fork fails
 * with EAGAIN only once every id in [100, 300) is in use; one child gone,
 * the next fork takes exactly its pid, from wherever lastpid is and with
 * random steps (kern.randompid) landing anywhere past the wrap; and once
 * all are reaped the space fills to the same count again and nothing
 * (process slot, page) is left behind.
 */
static int
full_space(void)
{
	int rel[2], n, n2, nprocs0, pages0, status;
	pid_t hole, pid;

	memset(fillers, 0, sizeof(fillers));
	nprocs0 = sget("kern.nprocs");
	if (sget("kern.maxproc") < nprocs0 + 2 * LOW_PID_MAX)
		CHECK(1, sset("kern.maxproc", nprocs0 + 2 * LOW_PID_MAX) == 0);
	CHECK(2, sset("kern.pid_max", LOW_PID_MAX) == 0);
	pages0 = unleaked_pages();
	CHECK(3, pipe(rel) == 0);
	n = fill(rel);
	CHECK(4, n > 0 && n < LOW_PID_MAX && errno == EAGAIN);
	for (pid_t id = 100; id < LOW_PID_MAX; id++)
		if (!id_in_use(id)) {
			diag("fork failed with id %d free (%d children)", id, n);
			return (5);
		}
	CHECK(6, n >= LOW_PID_MAX - 100 - 4);

	hole = fillers[n / 2];
	CHECK(7, kill(hole, SIGKILL) == 0 && waitpid(hole, &status, 0) == hole);
	pid = blocked_child(rel);
	fillers[n / 2] = pid;
	CHECK(8, pid == hole);
	errno = 0;
	CHECK(9, fork_reap() == -1 && errno == EAGAIN);

	/*
	 * One free id at a time, each time another, and random steps: the
	 * search starts anywhere, wraps anywhere, and must still find it.
	 */
	CHECK(10, sset("kern.randompid", LOW_PID_MAX - 100) == 0);
	for (int i = 0; i < 40; i++) {
		int k = (i * 37 + 11) % n;

		hole = fillers[k];
		CHECK(11, kill(hole, SIGKILL) == 0 && waitpid(hole, &status, 0) == hole);
		if ((fillers[k] = blocked_child(rel)) != hole) {
			diag("fork %d with randompid on: %d, the free id is %d", i, fillers[k],
			    hole);
			return (12);
		}
	}
	CHECK(13, sset("kern.randompid", 0) == 0);
	CHECK(14, fork_reap() == -1 && errno == EAGAIN);

	close(rel[1]);
	CHECK(15, reap_fillers(n) == 0);
	close(rel[0]);
	CHECK(16, sget("kern.nprocs") == nprocs0);
	CHECK(17, pipe(rel) == 0);
	n2 = fill(rel);
	if (n2 != n)
		diag("the space filled with %d children, then %d", n, n2);
	CHECK(18, n2 == n && errno == EAGAIN);
	close(rel[1]);
	CHECK(19, reap_fillers(n2) == 0);
	close(rel[0]);
	CHECK(20, sget("kern.nprocs") == nprocs0);
	if (unleaked_pages() != pages0)
		diag("unleaked pages %d, before %d", unleaked_pages(), pages0);
	CHECK(21, unleaked_pages() == pages0);
	return (0);
}

/*
 * kern.lastpid and kern.pid_max: defaults, root only, limits, read-only.
 */
static int
defaults(void)
{
	int status = -1;
	pid_t pid;

	pid = fork_reap();
	ok(pid > 0 && sget("kern.lastpid") == pid, "kern.lastpid is the last child's pid (%d)",
	    pid);
	ok(sget("kern.pid_max") == PID_MAX, "kern.pid_max reads %d by default",
	    PID_MAX);
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(pid_max_nonroot());
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "writing kern.pid_max or kern.randompid as non-root is EPERM (%#x)", status);
	errno = 0;
	ok(sset("kern.pid_max", 299) == -1 && errno == EINVAL,
	    "kern.pid_max below 300 is EINVAL");
	errno = 0;
	ok(sset("kern.pid_max", PID_MAX + 1) == -1 && errno == EINVAL,
	    "kern.pid_max above 99999 is EINVAL");
	errno = 0;
	ok(sset("kern.lastpid", 5) == -1 && errno == EPERM, "kern.lastpid is read-only (EPERM)");
	ok(sget("kern.pid_max") == PID_MAX, "a refused write leaves kern.pid_max alone");
	return (0);
}

/*
 * At a lowered kern.pid_max pids wrap to 100, never onto a live group,
 * session or zombie.
 */
static int
wrap_and_reuse(void)
{
	int status = -1, fds[2], rel[2], bad, wraps, lo, hi, n;
	pid_t pid, prev, ids[3];
	char c;

	ok(sset("kern.pid_max", LOW_PID_MAX) == 0 && sget("kern.pid_max") == LOW_PID_MAX,
	    "root lowers kern.pid_max to 300");
	bad = wraps = 0;
	lo = LOW_PID_MAX;
	hi = 0;
	prev = sget("kern.lastpid");
	for (int i = 0; i < 320; i++) {
		pid = fork_reap();
		if (pid < 0 || pid >= LOW_PID_MAX)
			bad++;
		if (pid < prev) {
			wraps++;
			if (pid != 100)
				bad++;
		}
		if (wraps && pid < lo)
			lo = pid;
		if (pid > hi)
			hi = pid;
		prev = pid;
	}
	ok(bad == 0 && wraps == 1, "with pid_max 300 pids stay below 300 and wrap once to 100 "
	    "(%d wraps, max %d)", wraps, hi);
	ok(lo == 100, "after the wrap pids restart at 100 (lowest %d)", lo);

	/*
	 * An id in use only as a pgid, only as a sid, or as a zombie's pid is
	 * never handed out, even after the pids wrap twice around it.
	 *   A: setpgid(0, 0), forks B (stays in A's group), exits and is reaped:
	 *      A's pid is only a group id.
	 *   S: setsid, forks T, T makes its own group, S exits and is reaped:
	 *      S's pid is only a session id.
	 *   Z: exits and is not reaped.
	 */
	pipe(rel);
	pipe(fds);
	ids[0] = xfork();
	if (ids[0] == 0) {
		close(fds[0]);
		setpgid(0, 0);
		if (xfork() == 0) {
			close(rel[1]);
			write(fds[1], "b", 1);
			read(rel[0], &c, 1);
			_exit(0);
		}
		_exit(0);
	}
	ids[1] = xfork();
	if (ids[1] == 0) {
		close(fds[0]);
		setsid();
		if (xfork() == 0) {
			close(rel[1]);
			setpgid(0, 0);
			write(fds[1], "t", 1);
			read(rel[0], &c, 1);
			_exit(0);
		}
		_exit(0);
	}
	ids[2] = xfork();
	if (ids[2] == 0)
		_exit(0);
	close(fds[1]);
	n = (int)read(fds[0], &c, 1);
	n += (int)read(fds[0], &c, 1);
	close(fds[0]);
	close(rel[0]);
	waitpid(ids[0], &status, 0);
	waitpid(ids[1], &status, 0);
	for (int i = 0; i < 50; i++)
		sched_yield();
	ok(n == 2, "the group and session holders are set up");
	bad = 0;
	for (int i = 0; i < 450; i++) {
		pid = fork_reap();
		if (pid < 0)
			bad++;
		for (int j = 0; j < 3; j++)
			if (pid == ids[j]) {
				diag("pid %d handed out again (kind %d)", pid, j);
				bad++;
			}
	}
	ok(bad == 0, "a pid is never reused while it is a group id, a session id or a zombie's");
	ok(waitpid(ids[2], &status, 0) == ids[2], "the zombie is still there to reap");
	close(rel[1]);

	ok(sset("kern.pid_max", PID_MAX) == 0 && sget("kern.pid_max") == PID_MAX,
	    "root raises kern.pid_max back to 99999");
	return (0);
}

/* kern.randompid: its clamping, random pids, off again. */
static int
randompid(void)
{
	int status = -1, rel[2], bad, v, wraps;
	pid_t pid, kids[50];
	char c;

	static const struct { int set, want; } rp[] = {
		{ 0, 0 }, { 1, 0 }, { 2, 100 }, { 50, 100 }, { 100, 100 }, { 1000, 1000 },
		{ 10000000, PID_MAX - 100 }, { -5, PID_MAX - 100 },
	};
	for (unsigned i = 0; i < sizeof(rp) / sizeof(rp[0]); i++) {
		v = sset("kern.randompid", rp[i].set);
		ok(v == 0 && sget("kern.randompid") == rp[i].want,
		    "kern.randompid %d reads back as %d (%d)", rp[i].set, rp[i].want,
		    sget("kern.randompid"));
	}
	sset("kern.randompid", 1000);
	pipe(rel);
	bad = 0;
	for (int i = 0; i < 50; i++) {
		kids[i] = xfork();
		if (kids[i] == 0) {
			close(rel[1]);
			read(rel[0], &c, 1);
			_exit(0);
		}
		if (kids[i] < 100 || kids[i] >= PID_MAX)
			bad++;
		for (int j = 0; j < i; j++)
			if (kids[j] == kids[i])
				bad++;
	}
	close(rel[0]);
	close(rel[1]);
	wraps = 0;
	for (int i = 1; i < 50; i++)
		if (kids[i] != kids[i - 1] + 1)
			wraps++;
	ok(bad == 0, "with kern.randompid on, 50 live children have 50 different pids");
	ok(wraps > 0, "with kern.randompid on, pids are not all consecutive");
	while (waitpid(-1, &status, 0) > 0)
		;
	ok(sset("kern.randompid", 0) == 0 && sget("kern.randompid") == 0,
	    "kern.randompid is turned off again");
	pid = fork_reap();
	ok(pid > 0 && fork_reap() == pid + 1, "with randompid off pids are consecutive again");
	return (0);
}

/* RFHIGHPID is kernel-only: a user cannot take a low pid. */
static int
rfhighpid(void)
{
	errno = 0;
	ok(rfork(RFPROC | RFFDG | RFHIGHPID) == -1 && errno == EINVAL,
	    "RFHIGHPID from user space is EINVAL");
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(lower_below_lastpid, "lowering kern.pid_max below kern.lastpid clamps lastpid "
	    "below it and the next pid is the first free one from 100"),
	TAP_CASE(full_space, "with pid_max 300 fork is EAGAIN only when every id in [100, 300) is "
	    "in use; a freed pid is the next one, also with random steps; nothing leaks"),
	TAP_CASE(defaults, "kern.lastpid and kern.pid_max: defaults, root only, limits, read-only"),
	TAP_CASE(wrap_and_reuse, "at a lowered kern.pid_max pids wrap to 100, never onto a live group, session or zombie"),
	TAP_CASE(randompid, "kern.randompid: its clamping, random pids, off again"),
	TAP_CASE(rfhighpid, "RFHIGHPID is kernel-only: a user cannot take a low pid"),
};

static int maxproc;

/* Put the knobs back whatever a case did, and reap what it left init. */
static void
put_back(const struct tap_case *c __attribute__((unused)), int status)
{
	sset("kern.pid_max", PID_MAX);
	sset("kern.randompid", 0);
	sset("kern.maxproc", maxproc);
	while (waitpid(-1, &status, WNOHANG) > 0)
		;
}

int
main(int argc, char **argv)
{
	maxproc = sget("kern.maxproc");
	tap_after_case = put_back;
	return (RUN_CASES(cases, argc, argv));
}
