/*
 * The timing and the cases that forkrt's benchmark (user/prog/bench.c) and
 * its Linux peer (tools/peer/linux_bench.c) share, so that both measure
 * exactly the same thing.  Plain POSIX; the includer provides, before
 * including this file:
 *
 *   BENCH_ARCH		the arch= of the lines printed
 *   BENCH_TRUE		the path execv gives the trivial program
 *   bench_cycles()	the cycle counter
 *   bench_fail()	what to do when a child fails (does not return)
 *
 * and the usual headers (printf, fork, vfork, waitpid, mmap, clock_gettime).
 */
#ifndef _BENCH_CASES_H_
#define _BENCH_CASES_H_

#define MAX_ITERS	400
#define WARMUP		5

static uint64_t ns[MAX_ITERS], cyc[MAX_ITERS];
static char *region;		/* the parent's touched memory */
static size_t region_len;

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

/* One line: the median and the minimum of the iterations just timed. */
static void
report(const char *name, int iters, const char *extra)
{
	uint64_t min_ns;

	sort(ns, iters);
	sort(cyc, iters);
	min_ns = ns[0];
	printf("bench arch=%s case=%s size_kib=%lu%s iters=%d median_ns=%llu "
	    "min_ns=%llu median_cycles=%llu\n", BENCH_ARCH, name,
	    (unsigned long)(region_len / 1024), extra, iters,
	    (unsigned long long)ns[iters / 2], (unsigned long long)min_ns,
	    (unsigned long long)cyc[iters / 2]);
	fflush(stdout);
}

/* The parent's private memory: kib of anonymous pages, every one written. */
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
		bench_fail();
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

static void
one_fork_exec(void)
{
	char *argv[] = { "true", NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execv(BENCH_TRUE, argv);
		_exit(127);
	}
	wait_for(pid);
}

static void
run_case(const char *name, void (*op)(void), int iters, const char *extra)
{
	for (int i = 0; i < WARMUP; i++)
		op();
	for (int i = 0; i < iters; i++) {
		uint64_t t0 = now_ns(), c0 = bench_cycles();

		op();
		cyc[i] = bench_cycles() - c0;
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

	if (shared == MAP_FAILED) {
		printf("bench: mmap shared: %s\n", strerror(errno));
		bench_fail();
	}
	for (int i = -WARMUP; i < iters; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			uint64_t t0 = now_ns(), c0 = bench_cycles();

			region[(size_t)(i + WARMUP) * 4096 % region_len] = 2;
			shared[1] = bench_cycles() - c0;
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
 * Concurrent forkers: `forkers` processes each fork, exit and wait `per`
 * children at once.  Each round is timed from the moment all are ready to
 * the last one's end; the line's median_ns and median_cycles are per fork
 * across all of them (so forks_per_s is the aggregate rate), over `rounds`
 * rounds.  With one CPU per forker this is what fork costs when forkers
 * meet on the kernel's shared structures.
 */
static void
concurrent_forkers(const char *name, int forkers, int per, int rounds)
{
	volatile int *sync = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANON, -1, 0);
	pid_t pids[16];
	char extra[64];

	if (sync == MAP_FAILED || forkers > 16 || rounds > MAX_ITERS) {
		printf("bench: %s: cannot set up\n", name);
		bench_fail();
	}
	for (int r = 0; r < rounds; r++) {
		uint64_t t0, c0;

		sync[0] = 0;		/* go */
		sync[1] = 0;		/* ready */
		fflush(stdout);
		for (int i = 0; i < forkers; i++) {
			if ((pids[i] = fork()) == 0) {
				__atomic_add_fetch(&sync[1], 1, __ATOMIC_SEQ_CST);
				while (!__atomic_load_n(&sync[0], __ATOMIC_SEQ_CST))
					sched_yield();
				for (int k = 0; k < per; k++)
					one_fork();
				_exit(0);
			}
		}
		while (__atomic_load_n(&sync[1], __ATOMIC_SEQ_CST) < forkers)
			sched_yield();
		t0 = now_ns();
		c0 = bench_cycles();
		__atomic_store_n(&sync[0], 1, __ATOMIC_SEQ_CST);
		for (int i = 0; i < forkers; i++)
			wait_for(pids[i]);
		cyc[r] = (bench_cycles() - c0) / (uint64_t)(forkers * per);
		ns[r] = (now_ns() - t0) / (uint64_t)(forkers * per);
	}
	munmap((void *)sync, 4096);
	sort(ns, rounds);
	snprintf(extra, sizeof(extra), " forkers=%d forks_per_s=%llu", forkers,
	    (unsigned long long)(ns[rounds / 2] ? 1000000000ull / ns[rounds / 2] : 0));
	report(name, rounds, extra);
}

#endif
