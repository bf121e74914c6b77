/*
 * The wait suite: exit, waitpid's forms and errors, kill and the statuses
 * signals leave (xv6 exitwait, killstatus).
 */
#include "tap.h"

static volatile int *volatile null_ptr;

/* A child that sleeps in read on fds[0] until the parent closes fds[1]. */
static pid_t
sleeper(int fds[2])
{
	pid_t pid = xfork();
	char c;

	if (pid == 0) {
		close(fds[1]);
		read(fds[0], &c, 1);
		_exit(0);
	}
	return (pid);
}

/* Exit statuses 0..255, exit, return from main, a NULL status pointer. */
static int
exit_statuses(void)
{
	int status = -1, bad;
	pid_t pid;

	bad = 0;
	for (int code = 0; code < 256; code += 51) {
		pid = xfork();
		if (pid == 0)
			_exit(code);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WIFSIGNALED(status) || WEXITSTATUS(status) != code)
			bad++;
	}
	ok(bad == 0, "exit statuses 0..255 reach the parent through waitpid(pid)");
	pid = xfork();
	if (pid == 0)
		exit(9);
	ok(wait(&status) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 9,
	    "wait collects a child that called exit");
	pid = xfork();
	if (pid == 0)
		return (17);
	ok(waitpid(-1, &status, 0) == pid && WEXITSTATUS(status) == 17,
	    "waitpid(-1) collects a child that returned from main");
	pid = xfork();
	if (pid == 0)
		_exit(1);
	ok(waitpid(pid, NULL, 0) == pid, "waitpid with a NULL status pointer reaps the child");
	return (0);
}

/* WNOHANG returns 0 while the child runs. */
static int
wnohang(void)
{
	int status = -1, fds[2];
	pid_t pid;

	pipe(fds);
	pid = sleeper(fds);
	ok(waitpid(pid, &status, WNOHANG) == 0, "WNOHANG returns 0 while the child runs");
	close(fds[1]);
	close(fds[0]);
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status),
	    "the child ends when its pipe closes and is reaped");
	return (0);
}

/* waitpid(0) and waitpid(-pgid) wait for a group. */
static int
by_group(void)
{
	int status = -1;
	pid_t pid, pid2, got;

	pid = xfork();
	if (pid == 0) {
		for (int i = 0; i < 50; i++)
			sched_yield();
		_exit(2);
	}
	pid2 = xfork();
	if (pid2 == 0) {
		setpgid(0, 0);
		for (int i = 0; i < 50; i++)
			sched_yield();
		_exit(3);
	}
	setpgid(pid2, pid2);
	got = waitpid(0, &status, 0);
	ok(got == pid && WEXITSTATUS(status) == 2,
	    "waitpid(0) waits for a child in the caller's group only (%d)", got);
	got = waitpid(-pid2, &status, 0);
	ok(got == pid2 && WEXITSTATUS(status) == 3,
	    "waitpid(-pgid) waits for a child in that group (%d)", got);
	return (0);
}

/* waitpid errors: ECHILD, EINVAL, EFAULT. */
static int
errors(void)
{
	int status = -1;
	pid_t pid;

	errno = 0;
	ok(waitpid(-1, &status, 0) == -1 && errno == ECHILD, "waitpid with no children is ECHILD");
	pid = xfork();
	if (pid == 0)
		_exit(0);
	errno = 0;
	ok(waitpid(pid + 1000, &status, 0) == -1 && errno == ECHILD,
	    "waitpid for a pid that is not a child is ECHILD");
	errno = 0;
	ok(waitpid(pid, &status, 0x1000) == -1 && errno == EINVAL,
	    "waitpid with an unknown option is EINVAL");
	errno = 0;
	ok(waitpid(pid, (int *)0x10, 0) == -1 && errno == EFAULT,
	    "waitpid with a bad status pointer is EFAULT");
	waitpid(pid, &status, WNOHANG);
	return (0);
}

/* kill probes, SIGKILL and SIGTERM end a child asleep in read. */
static int
kill_sleeper(void)
{
	int status = -1, fds[2];
	pid_t pid;

	pipe(fds);
	pid = sleeper(fds);
	ok(kill(pid, 0) == 0, "kill(pid, 0) probes a live process");
	ok(kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid &&
	    WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "SIGKILL ends a child asleep in read, WTERMSIG SIGKILL (%#x)", status);
	errno = 0;
	ok(kill(pid, 0) == -1 && errno == ESRCH, "kill(pid, 0) of a reaped process is ESRCH");
	pid = sleeper(fds);
	ok(kill(pid, SIGTERM) == 0 && waitpid(pid, &status, 0) == pid &&
	    WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	    "SIGTERM ends a child, WTERMSIG SIGTERM (%#x)", status);
	close(fds[0]);
	close(fds[1]);
	return (0);
}

/* SIGKILL ends a child asleep in waitpid. */
static int
kill_in_waitpid(void)
{
	int status = -1, fds[2];
	pid_t pid;

	pipe(fds);
	pid = xfork();
	if (pid == 0) {
		pid_t gc = sleeper(fds);

		close(fds[1]);
		waitpid(gc, &status, 0);
		_exit(0);
	}
	for (int i = 0; i < 100; i++)
		sched_yield();
	ok(kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid &&
	    WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "SIGKILL ends a child asleep in waitpid (%#x)", status);
	close(fds[0]);
	close(fds[1]);
	return (0);
}

/* SIGKILL ends a parent asleep in a vfork wait; kill errors. */
static int
kill_in_vfork_wait(void)
{
	int status = -1, fds[2];
	pid_t pid;

	pipe(fds);
	pid = xfork();
	if (pid == 0) {
		char c;

		close(fds[1]);
		if (vfork() == 0) {
			read(fds[0], &c, 1);
			_exit(0);
		}
		_exit(0);
	}
	for (int i = 0; i < 100; i++)
		sched_yield();
	ok(kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid &&
	    WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "SIGKILL ends a parent asleep in a vfork wait (%#x)", status);
	close(fds[0]);
	close(fds[1]);

	errno = 0;
	ok(kill(99998, SIGTERM) == -1 && errno == ESRCH, "kill of a pid nobody has is ESRCH");
	errno = 0;
	ok(kill(getpid(), 99) == -1 && errno == EINVAL, "kill with a bad signal is EINVAL");
	return (0);
}

/* kill of another uid's process as non-root is EPERM. */
static int
kill_eperm(void)
{
	int status = -1, fds[2];
	pid_t pid, pid2;

	pipe(fds);
	pid = sleeper(fds);
	pid2 = xfork();
	if (pid2 == 0) {
		int r = 0;

		if (setuid(1000) != 0)
			_exit(10);
		errno = 0;
		r |= !(kill(pid, SIGKILL) == -1 && errno == EPERM);
		errno = 0;
		r |= !(kill(pid, 0) == -1 && errno == EPERM) << 1;
		_exit(r);
	}
	ok(waitpid(pid2, &status, 0) == pid2 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "kill of another uid's process as non-root is EPERM (%#x)", status);
	ok(kill(pid, 0) == 0, "and the target is still alive");
	close(fds[0]);
	close(fds[1]);
	waitpid(pid, &status, 0);
	return (0);
}

/* Faults and signals end children with their signal. */
static int
killed_by_fault(void)
{
	int status = -1;
	pid_t pid;

	pid = xfork();
	if (pid == 0) {
		*null_ptr = 1;
		_exit(0);
	}
	ok(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	    "a write to NULL ends the child with SIGSEGV (%#x)", status);
	pid = xfork();
	if (pid == 0) {
		illegal_instruction();
		_exit(0);
	}
	ok(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGILL,
	    "an illegal instruction ends the child with SIGILL (%#x)", status);
	pid = xfork();
	if (pid == 0) {
		kill(getpid(), SIGUSR1);
		_exit(0);
	}
	ok(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1,
	    "a process that sends itself SIGUSR1 dies of it (%#x)", status);
	pid = xfork();
	if (pid == 0) {
		signal(SIGTERM, SIG_IGN);
		kill(getpid(), SIGTERM);
		_exit(4);
	}
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 4,
	    "an ignored SIGTERM does not end the process (%#x)", status);
	errno = 0;
	ok(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD, "every child was reaped");
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(exit_statuses, "exit statuses 0..255, exit, return from main, a NULL status pointer"),
	TAP_CASE(wnohang, "WNOHANG returns 0 while the child runs"),
	TAP_CASE(by_group, "waitpid(0) and waitpid(-pgid) wait for a group"),
	TAP_CASE(errors, "waitpid errors: ECHILD, EINVAL, EFAULT"),
	TAP_CASE(kill_sleeper, "kill probes, SIGKILL and SIGTERM end a child asleep in read"),
	TAP_CASE(kill_in_waitpid, "SIGKILL ends a child asleep in waitpid"),
	TAP_CASE(kill_in_vfork_wait, "SIGKILL ends a parent asleep in a vfork wait; kill errors"),
	TAP_CASE(kill_eperm, "kill of another uid's process as non-root is EPERM"),
	TAP_CASE(killed_by_fault, "faults and signals end children with their signal"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
