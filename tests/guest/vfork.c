/*
 * The vfork suite: the parent sleeps until its child execs or exits, the
 * two share memory until then, and execv loads an embedded program with
 * its arguments (echoargs exits with argc) or fails leaving the caller
 * intact.
 */
#include "tap.h"

static volatile int shared;

/* execv in a forked child; its wait status, the child's errno in the exit code on failure. */
static int
fork_exec(const char *name, char *const argv[])
{
	int status;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		execv(name, argv);
		_exit(200 + errno);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return (-1);
	return (status);
}

/* The parent sleeps until the child exits, and sees its writes. */
static int
parent_waits(void)
{
	int status;
	pid_t pid;

	shared = 0;
	fflush(stdout);
	pid = vfork();
	if (pid == 0) {
		for (int i = 0; i < 200; i++)
			sched_yield();
		shared = 1;
		_exit(5);
	}
	ok(pid > 0 && shared == 1,
	    "vfork's parent runs only after the child exits, and sees its write");
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 5,
	    "the vfork child's _exit status reaches the parent");

	return (0);
}

/*
 * A vfork child execs or fails to and _exits; execv passes its arguments
 * and refuses bad ones, leaving the caller intact.
 */
static int
vfork_exec(void)
{
	char *args3[] = { "echoargs", "one", "two words", NULL };
	char *args1[] = { "echoargs", NULL };
	char *badarg[] = { "echoargs", (char *)0x10, NULL };
	static char *many[80];
	int status, err;
	pid_t pid;

	shared = 0;
	fflush(stdout);
	pid = vfork();
	if (pid == 0) {
		shared = getpid();
		execv("echoargs", args1);
		_exit(99);
	}
	ok(pid > 0 && shared == pid, "the vfork child's write before execv is seen by the parent");
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 1,
	    "a vfork child that execs echoargs exits with argc 1 (%#x)", status);

	fflush(stdout);
	pid = vfork();
	if (pid == 0) {
		execv("no-such-program", args1);
		shared = errno;
		_exit(98);
	}
	ok(shared == ENOENT && waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 98,
	    "a vfork child whose execv fails gets ENOENT and can still _exit");

	status = fork_exec("echoargs", args3);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 3,
	    "execv passes its arguments: echoargs exits with argc 3 (%#x)", status);
	status = fork_exec("echoargs", NULL);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "execv with a NULL argv runs the program with argc 0 (%#x)", status);

	errno = 0;
	ok(execv("no-such-program", args1) == -1 && errno == ENOENT,
	    "execv of an unknown program is ENOENT");
	errno = 0;
	ok(execv((const char *)0x10, args1) == -1 && errno == EFAULT,
	    "execv with a bad name pointer is EFAULT");
	errno = 0;
	ok(execv("echoargs", (char *const *)0x10) == -1 && errno == EFAULT,
	    "execv with a bad argv pointer is EFAULT");
	errno = 0;
	ok(execv("echoargs", badarg) == -1 && errno == EFAULT,
	    "execv with a bad argument string is EFAULT");
	for (int i = 0; i < 79; i++)
		many[i] = "x";
	many[79] = NULL;
	errno = 0;
	err = execv("echoargs", many) == -1 ? errno : 0;
	ok(err == E2BIG, "execv with 79 arguments is E2BIG (errno %d)", err);
	ok(write(1, "", 0) == 0 && getpid() > 1 && shared == ENOENT,
	    "a failed execv leaves the caller intact");

	return (0);
}

/* v_vforks counts, and nothing is left to reap. */
static int
counted(void)
{
	int status, before, after;
	pid_t pid;

	before = sget("vm.stats.vm.v_vforks");
	fflush(stdout);
	pid = vfork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0);
	after = sget("vm.stats.vm.v_vforks");
	ok(before >= 0 && after == before + 1, "vfork adds one to v_vforks (%d -> %d)",
	    before, after);

	errno = 0;
	ok(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD, "every child was reaped");
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(parent_waits, "vfork's parent waits for the child's exit and sees its write"),
	TAP_CASE(vfork_exec, "vfork and execv: arguments, errors, a failed exec leaves the caller intact"),
	TAP_CASE(counted, "v_vforks counts vforks; every child was reaped"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
