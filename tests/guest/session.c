/*
 * The session suite: setsid, setpgid's POSIX rules, getpgrp, getpgid and
 * getsid, group inheritance and lifetime, and kill(0) / kill(-pgid).
 */
#include "tap.h"

/* A child that sleeps in read on fds[0] until fds[1] closes, after running fn. */
static pid_t
sleeper(int fds[2], void (*fn)(void))
{
	pid_t pid = xfork();
	char c;

	if (pid == 0) {
		close(fds[1]);
		if (fn != NULL)
			fn();
		read(fds[0], &c, 1);
		_exit(0);
	}
	return (pid);
}

static void
do_setsid(void)
{
	setsid();
}

static void
do_exec(void)
{
	char *argv[] = { "echoargs", "--hold", NULL };

	execv("echoargs", argv);
}

static int
setsid_child(void)
{
	pid_t me = getpid(), sid;

	if ((sid = setsid()) != me)
		return (1);
	if (getsid(0) != me || getpgid(0) != me || getpgrp() != me || getsid(me) != me)
		return (2);
	errno = 0;
	if (setsid() != -1 || errno != EPERM)
		return (3);
	/* a session leader cannot change its group (POSIX: EPERM) */
	errno = 0;
	if (setpgid(0, 0) != -1 || errno != EPERM)
		return (4);
	return (0);
}

static int
leader_setsid(void)
{
	setpgid(0, 0);
	errno = 0;
	return (setsid() == -1 && errno == EPERM ? 0 : 1);
}

/*
 * getpgrp, getsid, setsid and setpgid between a parent and its child; a
 * group survives while a member lives.
 */
static int
setsid_and_setpgid(void)
{
	int status = -1, fds[2];
	pid_t me = getpid(), pid, pid2, sid = getsid(0);

	ok(getpgrp() == getpgid(0) && getpgid(me) == getpgrp(),
	    "getpgrp, getpgid(0) and getpgid(getpid()) agree (%d)", getpgrp());
	ok(sid > 0 && getsid(me) == sid, "getsid(0) and getsid(getpid()) agree (%d)", sid);

	pid = xfork();
	if (pid == 0)
		_exit(setsid_child());
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "setsid makes a new session and group led by the caller, a second setsid is EPERM "
	    "(%d)", WEXITSTATUS(status));
	pid = xfork();
	if (pid == 0)
		_exit(leader_setsid());
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "setsid by a process group leader is EPERM");

	pipe(fds);
	pid = sleeper(fds, NULL);
	ok(getpgid(pid) == getpgrp() && getsid(pid) == sid,
	    "a child inherits its parent's group and session");
	ok(setpgid(pid, 0) == 0 && getpgid(pid) == pid, "setpgid(child, 0) makes pid the group id");
	ok(setpgid(pid, getpgrp()) == 0 && getpgid(pid) == getpgrp(),
	    "setpgid moves a child back into the parent's group");
	ok(setpgid(pid, pid) == 0 && getpgid(pid) == pid, "setpgid(child, child) makes its own group");
	errno = 0;
	ok(setpgid(pid, -1) == -1 && errno == EINVAL, "setpgid with a negative pgid is EINVAL");
	errno = 0;
	ok(setpgid(pid, 99990) == -1 && errno == EPERM,
	    "setpgid into a group that does not exist is EPERM");
	errno = 0;
	ok(setpgid(1, 0) == -1 && errno == ESRCH, "setpgid of a process that is not a child is ESRCH");
	errno = 0;
	ok(setpgid(99998, 0) == -1 && errno == ESRCH, "setpgid of a pid nobody has is ESRCH");


	/* a group survives while a member lives */
	pid2 = xfork();
	if (pid2 == 0) {
		if (setpgid(0, pid) != 0)
			_exit(1);
		_exit(getpgrp() == pid ? 0 : 2);
	}
	waitpid(pid2, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "a process joins an existing group of its session");
	close(fds[1]);
	close(fds[0]);
	waitpid(pid, &status, 0);
	errno = 0;
	ok(getpgid(pid) == -1 && errno == ESRCH, "a reaped process has no group (ESRCH)");
	return (0);
}

/* A group outlives its reaped leader while a member lives. */
static int
member_holds_group(void)
{
	int status = -1, fds[2], hold[2], n;
	pid_t pid2, pgid;
	char c;

	/* the member lives until `hold' is closed: no guess at how long is enough. */
	pipe(fds);
	pipe(hold);
	pgid = xfork();
	if (pgid == 0) {
		/* leader: make a group, a member in it, and leave */
		close(fds[0]);
		close(hold[1]);
		setpgid(0, 0);
		if (xfork() == 0) {
			write(fds[1], "m", 1);
			read(hold[0], &c, 1);
			_exit(0);
		}
		_exit(0);
	}
	close(fds[1]);
	close(hold[0]);
	n = (int)read(fds[0], &c, 1);
	close(fds[0]);
	waitpid(pgid, &status, 0);
	pid2 = xfork();
	if (pid2 == 0)
		_exit(setpgid(0, pgid) == 0 && getpgrp() == pgid ? 0 : 1);
	waitpid(pid2, &status, 0);
	close(hold[1]);
	ok(n == 1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "a group outlives its reaped leader while a member lives (joined %d)", pgid);
	return (0);
}

/* setpgid of a child in another session is EPERM, after exec EACCES. */
static int
setpgid_refused(void)
{
	int status = -1, fds[2], n;
	pid_t pid;
	char c;

	pipe(fds);
	pid = sleeper(fds, do_setsid);

	/* Until its setsid is done (it may run on another CPU, or not yet). */
	for (int i = 0; i < 100000 && getsid(pid) != pid; i++)
		sched_yield();
	errno = 0;
	ok(setpgid(pid, getpgrp()) == -1 && errno == EPERM,
	    "setpgid of a child in another session is EPERM");
	close(fds[1]);
	close(fds[0]);
	waitpid(pid, &status, 0);
	{
		int hold[2], sync[2];

		pipe(hold);
		pipe(sync);
		pid = xfork();
		if (pid == 0) {
			dup2(hold[0], 10);
			dup2(sync[1], 11);
			close(hold[0]);
			close(hold[1]);
			close(sync[0]);
			close(sync[1]);
			do_exec();
			_exit(99);
		}
		close(hold[0]);
		close(sync[1]);
		n = (int)read(sync[0], &c, 1);
		close(sync[0]);
		errno = 0;
		ok(n == 1 && setpgid(pid, pid) == -1 && errno == EACCES,
		    "setpgid of a child after it exec'd is EACCES (read %d, errno %d)", n, errno);
		close(hold[1]);
		waitpid(pid, &status, 0);
		ok(WIFEXITED(status) && WEXITSTATUS(status) == 2, "the exec'd child exits with argc 2");
	}
	return (0);
}

/* getpgid and getsid of bad pids. */
static int
bad_pids(void)
{
	errno = 0;
	ok(getpgid(99998) == -1 && errno == ESRCH, "getpgid of an unused pid is ESRCH");
	errno = 0;
	ok(getsid(99998) == -1 && errno == ESRCH, "getsid of an unused pid is ESRCH");
	errno = 0;
	ok(getpgid(-3) == -1 && errno == ESRCH, "getpgid of a negative pid is ESRCH");
	return (0);
}

/* kill(0) and kill(-pgid) signal a process group. */
static int
kill_groups(void)
{
	int status = -1, fds[2], bad;
	pid_t me = getpid(), pid, pid2, pgid;

	pipe(fds);
	pid = xfork();
	if (pid == 0) {
		/* a group of three: us and two sleepers; an outsider in another group */
		int st, kids = 0, sigd = 0;
		pid_t a, b, out;

		setpgid(0, 0);
		a = sleeper(fds, NULL);
		b = sleeper(fds, NULL);
		out = sleeper(fds, NULL);
		setpgid(out, out);
		signal(SIGTERM, SIG_IGN);
		if (kill(0, SIGTERM) != 0)
			_exit(10);
		for (int i = 0; i < 3; i++) {
			pid_t w = waitpid(-getpgrp(), &st, 0);

			if (w == a || w == b) {
				kids++;
				sigd += WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM;
			}
			if (w <= 0)
				break;
		}
		close(fds[1]);
		close(fds[0]);
		if (kids != 2 || sigd != 2)
			_exit(11);
		if (waitpid(out, &st, 0) != out || !WIFEXITED(st))
			_exit(12);
		_exit(0);
	}
	close(fds[0]);
	close(fds[1]);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "kill(0, sig) hits every process of the caller's group and only them (%#x)", status);

	pipe(fds);
	pgid = sleeper(fds, NULL);
	setpgid(pgid, pgid);
	pid = sleeper(fds, NULL);
	setpgid(pid, pgid);
	pid2 = sleeper(fds, NULL);
	ok(kill(-pgid, SIGKILL) == 0, "kill(-pgid) is accepted");
	bad = 0;
	if (waitpid(pgid, &status, 0) != pgid || WTERMSIG(status) != SIGKILL)
		bad++;
	if (waitpid(pid, &status, 0) != pid || WTERMSIG(status) != SIGKILL)
		bad++;
	ok(bad == 0, "kill(-pgid, SIGKILL) ends both members of the group");
	ok(kill(pid2, 0) == 0 && waitpid(pid2, &status, WNOHANG) == 0,
	    "a process outside the group is untouched");
	close(fds[0]);
	close(fds[1]);
	waitpid(pid2, &status, 0);
	errno = 0;
	ok(kill(-pgid, SIGKILL) == -1 && errno == ESRCH, "kill(-pgid) of a gone group is ESRCH");
	ok(getpgrp() != 0 && getpid() == me, "the suite itself survived");
	errno = 0;
	ok(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD, "every child was reaped");
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(setsid_and_setpgid, "getpgrp, getsid, setsid and setpgid between a parent and its child; a group survives while a member lives"),
	TAP_CASE(member_holds_group, "a group outlives its reaped leader while a member lives"),
	TAP_CASE(setpgid_refused, "setpgid of a child in another session is EPERM, after exec EACCES"),
	TAP_CASE(bad_pids, "getpgid and getsid of bad pids"),
	TAP_CASE(kill_groups, "kill(0) and kill(-pgid) signal a process group"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
