/*
 * The spawn suite: rfork(RFSPAWN) and posix_spawn over it (file actions,
 * attributes, errors reported as the return value with no zombie left).
 * Each case runs in a child of its own (run_child) and returns 0 when
 * every check held, else the number of the first that did not.
 */
#include "tap.h"

/* Spawn argv[0] with its stdout on a pipe; the child's output in buf, its wait status. */
static int
spawn_read(char *const argv[], posix_spawn_file_actions_t *fa, posix_spawnattr_t *attr,
    char *buf, size_t len, int *statusp, pid_t *pidp)
{
	posix_spawn_file_actions_t own;
	int fds[2], error;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(fds) != 0)
		return (errno);
	if (fa == NULL) {
		posix_spawn_file_actions_init(&own);
		fa = &own;
	}
	posix_spawn_file_actions_adddup2(fa, fds[1], 1);
	posix_spawn_file_actions_addclose(fa, fds[0]);
	error = posix_spawn(&pid, argv[0], fa, attr, argv, NULL);
	if (fa == &own)
		posix_spawn_file_actions_destroy(&own);
	close(fds[1]);
	if (error == 0) {
		while (got < (ssize_t)len - 1 && (n = read(fds[0], buf + got, len - 1 - got)) > 0)
			got += n;
		waitpid(pid, statusp, 0);
		if (pidp != NULL)
			*pidp = pid;
	}
	buf[got] = '\0';
	close(fds[0]);
	return (error);
}

static int
spawn_runs(void)
{
	char *argv[] = { "echoargs", "one", "two", NULL };
	char buf[256];
	int status;

	CHECK(1, spawn_read(argv, NULL, NULL, buf, sizeof(buf), &status, NULL) == 0);
	CHECK(2, WIFEXITED(status) && WEXITSTATUS(status) == 3);
	CHECK(3, strstr(buf, "argv[1]=one") != NULL && strstr(buf, "argv[2]=two") != NULL);
	return (0);
}

static int
spawn_missing(void)
{
	char *argv[] = { "no-such-program", NULL };
	int procs = sget("kern.nprocs");
	pid_t pid = -5;

	CHECK(1, posix_spawn(&pid, argv[0], NULL, NULL, argv, NULL) == ENOENT);
	CHECK(2, pid == -5);			/* untouched on failure */
	CHECK(3, waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);	/* no zombie */
	CHECK(4, sget("kern.nprocs") == procs);
	CHECK(5, posix_spawnp(&pid, argv[0], NULL, NULL, argv, NULL) == ENOENT);
	return (0);
}

/* File actions: close, dup2 (onto itself clears FD_CLOEXEC), and their errors. */
static int
spawn_file_actions(void)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "fdstat", "7", "8", "9", NULL };
	char buf[8];
	int status, p[2];
	pid_t pid;

	pipe(p);
	dup2(p[0], 7);
	dup2(p[0], 8);
	dup2(p[0], 9);
	fcntl(9, F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addclose(&fa, 7);
	posix_spawn_file_actions_adddup2(&fa, 9, 9);
	CHECK(1, posix_spawn(&pid, argv[0], &fa, NULL, argv, NULL) == 0);
	CHECK(2, waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	/* fdstat: bit i for argv[i + 1] open; 7 closed, 8 open, 9 kept open by dup2. */
	CHECK(10 + WEXITSTATUS(status), WEXITSTATUS(status) == (2 | 4));
	posix_spawn_file_actions_destroy(&fa);
	/* A close of a descriptor that is not open fails the spawn with EBADF. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addclose(&fa, 30);
	CHECK(3, posix_spawn(&pid, argv[0], &fa, NULL, argv, NULL) == EBADF);
	CHECK(4, waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawn_file_actions_init(&fa);
	CHECK(5, posix_spawn_file_actions_adddup2(&fa, -1, 3) == EBADF &&
	    posix_spawn_file_actions_addclose(&fa, 100000) == EBADF);
	/* No file system: an open action fails the spawn as opening any path would. */
	CHECK(6, posix_spawn_file_actions_addopen(&fa, 5, "/etc/motd", O_RDONLY, 0) == 0);
	CHECK(7, posix_spawn(&pid, argv[0], &fa, NULL, argv, NULL) == ENOENT);
	posix_spawn_file_actions_destroy(&fa);
	CHECK(8, waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	(void)buf;
	return (0);
}

static void
on_usr1(int sig __attribute__((unused)))
{
}

/* "pid pgid sid" as sigstate ids prints them. */
static bool
sscanf_ids(const char *s, int *pid, int *pgid, int *sid)
{
	int *v[3] = { pid, pgid, sid };
	char *end;

	for (int i = 0; i < 3; i++, s = end) {
		*v[i] = (int)strtol(s, &end, 10);
		if (end == s)
			return (false);
	}
	return (true);
}

/* Attributes: SETSIGDEF, SETSIGMASK, SETPGROUP, SETSID; the parent's handlers stay. */
static int
spawn_attributes(void)
{
	char *argv[] = { "sigstate", "ids", NULL };
	posix_spawnattr_t attr;
	struct sigaction sa;
	sigset_t set;
	char buf[128];
	int status, cpid, pgid, sid;
	pid_t pid;
	short flags;

	signal(SIGUSR1, on_usr1);		/* caught: the child starts with SIG_DFL */
	signal(SIGUSR2, SIG_IGN);		/* ignored: kept unless SETSIGDEF */
	posix_spawnattr_init(&attr);
	CHECK(1, spawn_read(argv, NULL, &attr, buf, sizeof(buf), &status, &pid) == 0);
	/* sigstate: 1 USR1 default, 2 USR2 ignored, 4 TERM masked. */
	CHECK(20 + WEXITSTATUS(status), WIFEXITED(status) && WEXITSTATUS(status) == (1 | 2));
	CHECK(2, sigaction(SIGUSR1, NULL, &sa) == 0 && sa.sa_handler == on_usr1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	posix_spawnattr_setsigdefault(&attr, &set);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	posix_spawnattr_setsigmask(&attr, &set);
	CHECK(3, posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP) == 0);
	posix_spawnattr_setpgroup(&attr, 0);
	CHECK(4, spawn_read(argv, NULL, &attr, buf, sizeof(buf), &status, &pid) == 0);
	CHECK(40 + WEXITSTATUS(status), WEXITSTATUS(status) == (1 | 4));
	CHECK(5, sscanf_ids(buf, &cpid, &pgid, &sid) && cpid == pid && pgid == pid &&
	    sid == getsid(0));
	CHECK(6, posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID) == 0);
	CHECK(7, spawn_read(argv, NULL, &attr, buf, sizeof(buf), &status, &pid) == 0);
	CHECK(8, sscanf_ids(buf, &cpid, &pgid, &sid) && pgid == pid && sid == pid);
	CHECK(9, posix_spawnattr_getflags(&attr, &flags) == 0 && flags == POSIX_SPAWN_SETSID);
	CHECK(10, posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSCHEDULER) == EINVAL);
	/* A group that does not exist fails the spawn (EPERM), and leaves no zombie. */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 77777);
	CHECK(11, posix_spawn(&pid, argv[0], NULL, &attr, argv, NULL) == EPERM);
	CHECK(12, waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	posix_spawnattr_destroy(&attr);
	return (0);
}

/* rfork(RFSPAWN) itself: shared memory, the parent held until the child is done. */
static volatile int spawn_shared;

static int
rfspawn_child(void *arg)
{
	(void)arg;
	spawn_shared = 42;
	nap(50);			/* the parent must still be waiting */
	spawn_shared = 43;
	raise(SIGUSR1);			/* the parent catches it; here it is SIG_DFL */
	return (0);
}

static int
rfspawn(void)
{
	static char stack[16384] __attribute__((aligned(16)));
	struct sigaction sa;
	int status;
	pid_t pid;

	signal(SIGUSR1, on_usr1);
	pid = rfork_thread((int)RFSPAWN, stack + sizeof(stack), rfspawn_child, NULL);
	CHECK(1, pid > 0);
	CHECK(2, spawn_shared == 43);	/* its memory is ours, and it finished first */
	CHECK(3, waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	    WTERMSIG(status) == SIGUSR1);
	CHECK(4, sigaction(SIGUSR1, NULL, &sa) == 0 && sa.sa_handler == on_usr1);
	return (0);
}

/* Spawns that succeed and fail give every process slot and page back. */
static int
spawn_leaks(void)
{
	char *ok_argv[] = { "true", NULL }, *bad_argv[] = { "nope", NULL };
	int procs, pages, status;
	pid_t pid;

	/* Warm up: posix_spawn's child stack is a new part of our own stack. */
	if (posix_spawn(&pid, ok_argv[0], NULL, NULL, ok_argv, NULL) == 0)
		waitpid(pid, &status, 0);
	procs = sget("kern.nprocs");
	pages = settled_unleaked();
	for (int i = 0; i < 20; i++) {
		if (posix_spawn(&pid, ok_argv[0], NULL, NULL, ok_argv, NULL) == 0)
			waitpid(pid, &status, 0);
		posix_spawn(&pid, bad_argv[0], NULL, NULL, bad_argv, NULL);
	}
	CHECK(1, sget("kern.nprocs") == procs);
	CHECK(2, settled_unleaked() == pages);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(spawn_runs, "posix_spawn runs a program with its arguments, stdout through adddup2"),
	TAP_CASE(spawn_missing, "a missing program is ENOENT from posix_spawn, with no zombie and no slot left"),
	TAP_CASE(spawn_file_actions, "file actions: addclose, adddup2 (onto itself clears FD_CLOEXEC), EBADF, addopen's ENOENT"),
	TAP_CASE(spawn_attributes, "attributes: caught signals at SIG_DFL, SETSIGDEF, SETSIGMASK, SETPGROUP, SETSID; errors"),
	TAP_CASE(rfspawn, "rfork(RFSPAWN): the child shares memory, the parent waits, caught signals are SIG_DFL in the child"),
	TAP_CASE(spawn_leaks, "20 posix_spawns that succeed and 20 that fail give every slot and page back"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
