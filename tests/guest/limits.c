/*
 * The limits suite: RLIMIT_NPROC per uid (the caller counts, root is
 * exempt, setuid moves the count), setrlimit's rules, and kern.maxproc
 * with the 10 slots only root may take.  kern.maxproc is put back.
 */
#include "tap.h"

#define RESERVE	10

/* Fork sleepers on a new pipe until a fork fails (at most max); *rel gets the write end. */
static int
fork_until_fail(int max, int *rel, int *err)
{
	int fds[2], n = 0;
	pid_t pid;
	char c;

	pipe(fds);
	*err = 0;
	for (; n < max; n++) {
		pid = xfork();
		if (pid == 0) {
			close(fds[1]);
			read(fds[0], &c, 1);
			_exit(0);
		}
		if (pid < 0) {
			*err = errno;
			break;
		}
	}
	close(fds[0]);
	*rel = fds[1];
	return (n);
}

static int
set_nproc(rlim_t cur, rlim_t max)
{
	struct rlimit rl = { cur, max };

	return (setrlimit(RLIMIT_NPROC, &rl));
}

/* exit codes: 0 all right, else the first check that failed */
static int
nproc_limit(void)
{
	int rel, err, n;

	if (set_nproc(4, 4) != 0 || setuid(1000) != 0)
		return (10);
	n = fork_until_fail(10, &rel, &err);
	if (n != 3 || err != EAGAIN)
		return (20 + n);
	close(rel);
	if (reap_all() != 3)
		return (2);
	n = fork_until_fail(3, &rel, &err);
	close(rel);
	reap_all();
	if (n != 3 || err != 0)
		return (30 + n);
	return (0);
}

static int
root_exempt(void)
{
	int rel, err, n;

	if (set_nproc(2, 2) != 0)
		return (10);
	n = fork_until_fail(6, &rel, &err);
	close(rel);
	reap_all();
	return (n == 6 ? 0 : 20 + n);
}

static int
setrlimit_rules(void)
{
	struct rlimit rl;

	if (set_nproc(20, 40) != 0 || setuid(1001) != 0)
		return (10);
	errno = 0;
	if (set_nproc(20, 41) != -1 || errno != EPERM)
		return (1);
	errno = 0;
	if (set_nproc(30, 20) != -1 || errno != EINVAL)
		return (2);
	if (set_nproc(10, 30) != 0)
		return (3);
	if (getrlimit(RLIMIT_NPROC, &rl) != 0 || rl.rlim_cur != 10 || rl.rlim_max != 30)
		return (4);
	errno = 0;
	if (setuid(1002) != -1 || errno != EPERM)
		return (5);
	if (setuid(0) != -1 || errno != EPERM)
		return (6);
	if (setuid(1001) != 0 || getuid() != 1001)
		return (7);
	return (0);
}

/* P holds a slot of uid 2000; we setuid(2000) with a limit of 2: no fork left. */
static int
setuid_moves(void)
{
	int fds[2], up[2], status;
	pid_t holder, pid;
	char c;

	pipe(fds);
	pipe(up);
	holder = xfork();
	if (holder == 0) {
		close(fds[1]);
		setuid(2000);
		write(up[1], "u", 1);	/* its slot is uid 2000's now */
		read(fds[0], &c, 1);
		_exit(0);
	}
	close(fds[0]);
	close(up[1]);
	read(up[0], &c, 1);
	close(up[0]);
	if (set_nproc(2, 2) != 0 || setuid(2000) != 0)
		return (10);
	errno = 0;
	pid = xfork();
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid(pid, &status, 0);
		close(fds[1]);
		return (1);
	}
	if (errno != EAGAIN)
		return (2);
	close(fds[1]);
	if (waitpid(holder, &status, 0) != holder)
		return (3);
	/* the holder is gone: one slot of uid 2000 is free again */
	pid = xfork();
	if (pid == 0)
		_exit(0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return (4);
	return (0);
}

static int
reserve_nonroot(void)
{
	int rel, err, nprocs, maxproc;

	if (setuid(3000) != 0)
		return (100);
	fork_until_fail(60, &rel, &err);
	nprocs = sget("kern.nprocs");
	maxproc = sget("kern.maxproc");
	close(rel);
	reap_all();
	if (err != EAGAIN)
		return (101);
	return (maxproc - nprocs);	/* RESERVE when right */
}

/*
 * RLIMIT_NPROC: its default, kern.nprocs, the per-uid count, root exempt,
 * setrlimit rules.
 */
static int
rlimit_nproc(void)
{
	struct rlimit rl;
	int status = -1, before, after;
	pid_t pid;

	ok(getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur == sget("kern.maxprocperuid"),
	    "getrlimit(RLIMIT_NPROC) is kern.maxprocperuid by default (%ld)",
	    (long)rl.rlim_cur);
	errno = 0;
	ok(getrlimit(RLIMIT_NPROC, (void *)0x10) == -1 && errno == EFAULT,
	    "getrlimit into a bad pointer is EFAULT");

	before = sget("kern.nprocs");
	pid = xfork();
	if (pid == 0)
		_exit(0);
	after = sget("kern.nprocs");
	waitpid(pid, &status, 0);
	ok(after == before + 1, "a fork adds one to kern.nprocs (%d -> %d)", before, after);
	after = sget("kern.nprocs");
	ok(after == before, "reaping the child takes it back out (%d -> %d)", before, after);

	pid = xfork();
	if (pid == 0)
		_exit(nproc_limit());
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "non-root with RLIMIT_NPROC 4 has 4 processes counting itself, the next fork is "
	    "EAGAIN, and after they exit it can fork again (%d)", WEXITSTATUS(status));
	pid = xfork();
	if (pid == 0)
		_exit(root_exempt());
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "root is exempt from RLIMIT_NPROC (%d)", WEXITSTATUS(status));
	pid = xfork();
	if (pid == 0)
		_exit(setrlimit_rules());
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "non-root: raising the hard limit is EPERM, soft > hard EINVAL, setuid to "
	    "another uid EPERM (%d)", WEXITSTATUS(status));
	pid = xfork();
	if (pid == 0)
		_exit(setuid_moves());
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "setuid moves the caller's count to the new uid (%d)", WEXITSTATUS(status));
	errno = 0;
	ok(set_nproc(10, 5) == -1 && errno == EINVAL, "setrlimit with soft > hard is EINVAL");
	errno = 0;
	ok(setrlimit(RLIMIT_NPROC, (void *)0x10) == -1 && errno == EFAULT,
	    "setrlimit from a bad pointer is EFAULT");
	return (0);
}

/*
 * kern.maxproc keeps a reserve of 10 slots non-root cannot take; root can.
 */
static int
maxproc_reserve(void)
{
	int status = -1, after, maxproc, rel, err, n;
	pid_t pid;

	maxproc = sget("kern.maxproc");
	n = sget("kern.nprocs");
	ok(sset("kern.maxproc", n + 30) == 0, "root lowers kern.maxproc to nprocs + 30 (%d)",
	    n + 30);
	pid = xfork();
	if (pid == 0)
		_exit(reserve_nonroot());
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == RESERVE,
	    "non-root forks until EAGAIN with nprocs at maxproc - 10 (maxproc - nprocs = %d)",
	    WEXITSTATUS(status));
	n = fork_until_fail(60, &rel, &err);
	after = sget("kern.nprocs");
	close(rel);
	reap_all();
	ok(err == EAGAIN && after == sget("kern.maxproc"),
	    "root can fork into the reserve, up to maxproc (%d forks, nprocs %d)", n, after);
	ok(sset("kern.maxproc", maxproc) == 0 && sget("kern.maxproc") == maxproc,
	    "kern.maxproc is put back (%d)", maxproc);
	pid = xfork();
	if (pid == 0)
		_exit(0);
	ok(pid > 0 && waitpid(pid, &status, 0) == pid, "forking works after the limits are lifted");

	sset("kern.maxproc", maxproc);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(rlimit_nproc, "RLIMIT_NPROC: its default, kern.nprocs, the per-uid count, root exempt, setrlimit rules"),
	TAP_CASE(maxproc_reserve, "kern.maxproc keeps a reserve of 10 slots non-root cannot take; root can"),
};

static int maxproc0;

/* Whatever a case did to kern.maxproc, the next one starts with it as it was. */
static void
put_back(const struct tap_case *c __attribute__((unused)), int status __attribute__((unused)))
{
	sset("kern.maxproc", maxproc0);
}

int
main(int argc, char **argv)
{
	maxproc0 = sget("kern.maxproc");
	tap_after_case = put_back;
	return (RUN_CASES(cases, argc, argv));
}
