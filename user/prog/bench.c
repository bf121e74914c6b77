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

#define MAX_ITERS	400
#define WARMUP		5
#define CHILD_STACK	(16 * 1024)

static uint64_t ns[MAX_ITERS], cyc[MAX_ITERS];
static char *region;		/* the parent's touched memory */
static size_t region_len;
static char child_stack[CHILD_STACK] __attribute__((aligned(16)));

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

static void
sort(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static void
report(const char *name, int iters, const char *extra)
{
	uint64_t min_ns;

	sort(ns, iters);
	sort(cyc, iters);
	min_ns = ns[0];
	printf("bench arch=%s case=%s size_kib=%lu%s iters=%d median_ns=%llu "
	    "min_ns=%llu median_cycles=%llu\n", ARCH, name,
	    (unsigned long)(region_len / 1024), extra, iters,
	    (unsigned long long)ns[iters / 2], (unsigned long long)min_ns,
	    (unsigned long long)cyc[iters / 2]);
	fflush(stdout);
}

/* The parent's private memory: size_kib of anonymous pages, every one written. */
static int
set_region(size_t kib)
{
	if (region != NULL)
		munmap(region, region_len);
	region = NULL;
	region_len = 0;
	if (kib == 0)
		return (0);
	region = mmap(NULL, kib * 1024, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANON, -1, 0);
	if (region == MAP_FAILED) {
		printf("bench: mmap %lu KiB: %s\n", (unsigned long)kib, strerror(errno));
		region = NULL;
		return (-1);
	}
	region_len = kib * 1024;
	for (size_t off = 0; off < region_len; off += 4096)
		region[off] = 1;
	return (0);
}

static void
wait_for(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		printf("bench: child failed (pid %d, errno %s)\n", pid, strerror(errno));
		exit(1);
	}
}

static void
one_fork(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	wait_for(pid);
}

static void
one_vfork(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		_exit(0);
	wait_for(pid);
}

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
one_fork_exec(void)
{
	char *argv[] = { "true", NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execv("true", argv);
		_exit(127);
	}
	wait_for(pid);
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

static void
run_case(const char *name, void (*op)(void), int iters, const char *extra)
{
	for (int i = 0; i < WARMUP; i++)
		op();
	for (int i = 0; i < iters; i++) {
		uint64_t t0 = now_ns(), c0 = forkrt_cycles();

		op();
		cyc[i] = forkrt_cycles() - c0;
		ns[i] = now_ns() - t0;
	}
	report(name, iters, extra);
}

/*
 * The first copy-on-write fault after fork: the child times its first
 * write to one page of the parent's memory and hands the figure back in a
 * shared page.
 */
static void
touch_one_page(int iters)
{
	volatile uint64_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANON, -1, 0);

	for (int i = -WARMUP; i < iters; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			uint64_t t0 = now_ns(), c0 = forkrt_cycles();

			region[(size_t)(i + WARMUP) * 4096 % region_len] = 2;
			shared[1] = forkrt_cycles() - c0;
			shared[0] = now_ns() - t0;
			_exit(0);
		}
		wait_for(pid);
		if (i >= 0) {
			ns[i] = shared[0];
			cyc[i] = shared[1];
		}
	}
	munmap((void *)shared, 4096);
	report("fork_touch_one_page", iters, "");
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
