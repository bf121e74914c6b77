/*
 * The fork benchmark.  For each case: a warm-up, then timed iterations,
 * then one line
 *
 *   bench arch=A case=C size_kib=S iters=N median_ns=.. min_ns=.. median_cycles=..
 *
 * (pid_alloc lines also carry live=N).  size_kib is how much private
 * memory the parent has touched before forking.
 *
 *   bench            the short run tools/forkrt run shows (also as "app")
 *   bench --full     every case and size (tools/forkrt bench)
 */
#include <forkrt.h>

#if defined(__riscv)
#define ARCH	"riscv64"
#elif defined(__x86_64__)
#define ARCH	"x86_64"
#else
#define ARCH	"unknown"
#endif

#define CHILD_STACK	(16 * 1024)

#define BENCH_ARCH	ARCH
#define BENCH_TRUE	"true"
#define bench_cycles()	forkrt_cycles()
#define bench_fail()	exit(1)
#include "bench_cases.h"

static char child_stack[CHILD_STACK] __attribute__((aligned(16)));

static int
child_returns(void *arg __attribute__((unused)))
{
	return (0);
}

static void
one_rfork_mem(void)
{
	wait_for(rfork_thread(RFPROC | RFMEM, child_stack + CHILD_STACK,
	    child_returns, NULL));
}

static void
lwp_body(void *arg __attribute__((unused)))
{
}

/* Create an lwp that returns at once, and wait until it is gone. */
static void
one_lwp(void)
{
	lwpid_t tid = -1;
	struct lwp_params p = { lwp_body, NULL, child_stack + CHILD_STACK, &tid, NULL };

	if (lwp_create(&p) != 0) {
		printf("bench: lwp_create: %s\n", strerror(errno));
		exit(1);
	}
	while (lwp_kill(getpid(), tid, 0) == 0)
		sched_yield();
}

/*
 * fork+exit+wait while `live` other processes sleep (blocked reading a
 * pipe nobody writes): pid allocation must not slow down with them.
 */
static int
pid_alloc(int live, int iters)
{
	char extra[32];
	int fds[2], made = 0, status;

	if (pipe(fds) != 0) {
		printf("bench: pipe: %s\n", strerror(errno));
		return (-1);
	}
	for (; made < live; made++) {
		pid_t pid = fork();
		char c;

		if (pid == 0) {
			close(fds[1]);
			read(fds[0], &c, 1);
			_exit(0);
		}
		if (pid < 0) {
			printf("bench: pid_alloc: fork %d of %d: %s\n", made + 1, live,
			    strerror(errno));
			break;
		}
	}
	if (made == live) {
		snprintf(extra, sizeof(extra), " live=%d", live);
		run_case("pid_alloc", one_fork, iters, extra);
	}
	close(fds[1]);
	for (int i = 0; i < made; i++)
		wait(&status);
	close(fds[0]);
	return (made == live ? 0 : -1);
}

int
main(int argc, char **argv)
{
	static const size_t full_sizes[] = { 0, 1024, 16 * 1024, 64 * 1024 };
	static const size_t short_sizes[] = { 0, 16 * 1024 };
	bool full = argc > 1 && strcmp(argv[1], "--full") == 0;
	const size_t *sizes = full ? full_sizes : short_sizes;
	int nsizes = full ? 4 : 2;
	int iters = full ? 200 : 40;

	printf("bench: %s run on %s, pid %d\n", full ? "full" : "short", ARCH, getpid());
	for (int s = 0; s < nsizes; s++) {
		int n = sizes[s] >= 16 * 1024 ? iters / 2 : iters;

		if (set_region(sizes[s]) != 0)
			return (1);
		run_case("fork_exit_wait", one_fork, n, "");
		run_case("vfork_exit_wait", one_vfork, n, "");
		run_case("rfork_mem_exit_wait", one_rfork_mem, n, "");
		run_case("lwp_create_exit", one_lwp, n, "");
		run_case("fork_exec_wait", one_fork_exec, n, "");
	}
	set_region(1024);
	touch_one_page(iters);
	set_region(0);
	if (full) {
		static const int lives[] = { 10, 1000, 10000 };

		for (int i = 0; i < 3; i++)
			if (pid_alloc(lives[i], iters) != 0)
				printf("bench: pid_alloc with %d live processes skipped\n",
				    lives[i]);
	}
	return (0);
}
