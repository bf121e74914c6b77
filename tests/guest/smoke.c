/*
 * The smoke suite: the first things that must hold on every target.
 */
#include "tap.h"

static volatile int *volatile null_ptr;
static int global = 1;

static void
touch_null(void)
{
	*null_ptr = 1;
}

static void
touch_kernel(void)
{
	*(volatile int *)0xffffffff80000000ul = 1;
}

static void
write_text(void)
{
	*(volatile unsigned char *)(uintptr_t)&touch_null = 0;
}

static void
exit_42(void)
{
	_exit(42);
}

/*
 * write and clock_gettime with bad pointers are EFAULT, a bad descriptor
 * EBADF.
 */
static int
bad_pointers(void)
{
	errno = 0;
	ok(write(1, NULL, 8) == -1 && errno == EFAULT, "write from NULL is EFAULT");
	errno = 0;
	ok(write(1, (void *)0xffffffff80000000ul, 8) == -1 && errno == EFAULT,
	    "write from a kernel address is EFAULT");
	errno = 0;
	ok(write(1, (void *)0x3000000000ul, 8) == -1 && errno == EFAULT,
	    "write from an unmapped user address is EFAULT");
	errno = 0;
	ok(write(99, "x", 1) == -1 && errno == EBADF, "write to a bad descriptor is EBADF");
	errno = 0;
	ok(clock_gettime(CLOCK_MONOTONIC, (void *)0x10) == -1 && errno == EFAULT,
	    "clock_gettime into a bad pointer is EFAULT");
	return (0);
}

/* The monotonic clock advances; sched_yield returns 0. */
static int
clock(void)
{
	struct timespec t0, t1;

	ok(clock_gettime(CLOCK_MONOTONIC, &t0) == 0, "clock_gettime works");
	for (volatile int i = 0; i < 100000; i++)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ok(t1.tv_sec > t0.tv_sec || (t1.tv_sec == t0.tv_sec && t1.tv_nsec > t0.tv_nsec),
	    "the monotonic clock advances");
	ok(sched_yield() == 0, "sched_yield returns 0");
	return (0);
}

/* A 1 MiB malloc is usable. */
static int
heap(void)
{
	char *heap;

	heap = malloc(1 << 20);
	if (heap != NULL) {
		memset(heap, 0x5a, 1 << 20);
	}
	ok(heap != NULL && heap[(1 << 20) - 1] == 0x5a, "a 1 MiB malloc is usable");
	return (0);
}

/*
 * A child exit status reaches the parent; faults kill with SIGSEGV and
 * SIGILL.
 */
static int
children(void)
{
	int status = -1;

	status = in_child(exit_42);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 42,
	    "the parent sees the child's exit status 42 (status %#x)", status);

	status = in_child(touch_null);
	ok(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	    "a child dereferencing NULL is killed by SIGSEGV (status %#x)", status);
	status = in_child(touch_kernel);
	ok(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	    "a child writing a kernel address is killed by SIGSEGV (status %#x)", status);
	status = in_child(write_text);
	ok(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	    "a child writing its own text is killed by SIGSEGV (status %#x)", status);
	status = in_child(illegal_instruction);
	ok(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGILL,
	    "a child executing an illegal instruction is killed by SIGILL (status %#x)",
	    status);
	return (0);
}

/* After the faults fork works, wait and execv errors. */
static int
survives(void)
{
	int status = -1;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		global = 2;
		_exit(global == 2 ? 0 : 1);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0 && global == 1,
	    "the kernel survives the faults: fork still works and the child's write stays its own");

	errno = 0;
	ok(waitpid(-1, &status, 0) == -1 && errno == ECHILD, "wait with no children is ECHILD");
	errno = 0;
	ok(execv("no-such-program", NULL) == -1 && errno == ENOENT,
	    "execv of an unknown program is ENOENT");
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(bad_pointers, "write and clock_gettime with bad pointers are EFAULT, a bad descriptor EBADF"),
	TAP_CASE(clock, "the monotonic clock advances; sched_yield returns 0"),
	TAP_CASE(heap, "a 1 MiB malloc is usable"),
	TAP_CASE(children, "a child exit status reaches the parent; faults kill with SIGSEGV and SIGILL"),
	TAP_CASE(survives, "after the faults fork works, wait and execv errors"),
};

/* Whether every word after argv[0] names a case (a plain run has none). */
static bool
only_case_names(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		size_t j = 0;

		while (j < sizeof(cases) / sizeof(cases[0]) && strcmp(argv[i], cases[j].id) != 0)
			j++;
		if (j == sizeof(cases) / sizeof(cases[0]))
			return (false);
	}
	return (true);
}

/*
 * What the suite's own process gets: argv as init passes it on (argc is 1
 * but for the case names `tools/forkrt test -- smoke CASE' adds), init as
 * its parent; these are checked here, before the cases, which run in
 * children of their own.
 */
int
main(int argc, char **argv)
{
	ok(argc >= 1 && strcmp(argv[0], "smoke") == 0 && only_case_names(argc, argv),
	    "argv reaches main (%s; case names after it: %d)", argv[0], argc - 1);
	ok(write(1, "hello from smoke\n", 17) == 17, "write to the console returns its length");
	ok(getpid() > 1, "getpid is a user pid (%d)", getpid());
	ok(getppid() == 1, "the suite's parent is init (%d)", getppid());
	return (RUN_CASES(cases, argc, argv));
}
