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
 * and the usual headers (printf, fork, vfork, waitpid, mmap, clock_gettime,
 * <pthread.h>).
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

/* The same through vfork: the child borrows our memory until it execs. */
static void
one_vfork_exec(void)
{
	char *argv[] = { "true", NULL };
	pid_t pid = vfork();

	if (pid == 0) {
		execv(BENCH_TRUE, argv);
		_exit(127);
	}
	wait_for(pid);
}

/*
 * And through posix_spawn: forkrt's over rfork(RFSPAWN), glibc's over
 * clone(CLONE_VM | CLONE_VFORK), both a vfork with the library's checks
 * and error reporting around it.
 */
static void
one_posix_spawn(void)
{
	char *argv[] = { "true", NULL };
	pid_t pid;
	int error;

	if ((error = posix_spawn(&pid, BENCH_TRUE, NULL, NULL, argv, NULL)) != 0) {
		printf("bench: posix_spawn_wait: %s\n", strerror(error));
		bench_fail();
	}
	wait_for(pid);
}

static void *
thread_returns(void *arg)
{
	return (arg);
}

/* A thread that returns at once, created and joined: its stack is freed by the join. */
static void
one_pthread(void)
{
	pthread_t t;
	int error;

	if ((error = pthread_create(&t, NULL, thread_returns, NULL)) != 0 ||
	    (error = pthread_join(t, NULL)) != 0) {
		printf("bench: pthread_create_join: %s\n", strerror(error));
		bench_fail();
	}
}

static volatile sig_atomic_t roundtrip_hits;

static void
on_roundtrip(int sig)
{
	(void)sig;
	roundtrip_hits++;
}

/*
 * A signal's whole round trip: kill to ourselves, the frame built on the
 * way back to user mode, the handler, and sigreturn.
 */
static void
one_signal(void)
{
	static bool installed;
	sig_atomic_t before = roundtrip_hits;

	if (!installed) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_roundtrip;
		if (sigaction(SIGUSR1, &sa, NULL) != 0)
			bench_fail();
		installed = true;
	}
	kill(getpid(), SIGUSR1);
	if (roundtrip_hits != before + 1) {
		printf("bench: signal_roundtrip: the handler did not run\n");
		bench_fail();
	}
}

static void
run_case_warm(const char *name, void (*op)(void), int iters, int warm,
    const char *extra)
{
	for (int i = 0; i < warm; i++)
		op();
	for (int i = 0; i < iters; i++) {
		uint64_t t0 = now_ns(), c0 = bench_cycles();

		op();
		cyc[i] = bench_cycles() - c0;
		ns[i] = now_ns() - t0;
	}
	report(name, iters, extra);
}

static void
run_case(const char *name, void (*op)(void), int iters, const char *extra)
{
	run_case_warm(name, op, iters, WARMUP, extra);
}

/*
 * The first copy-on-write fault after fork: the child times its first
 * write to one page of the parent's memory and hands the figure back in a
 * shared page.
 */
static void
touch_one_page(int iters, int warm)
{
	volatile uint64_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANON, -1, 0);

	if (shared == MAP_FAILED) {
		printf("bench: mmap shared: %s\n", strerror(errno));
		bench_fail();
	}
	for (int i = -warm; i < iters; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			uint64_t t0 = now_ns(), c0 = bench_cycles();

			region[(size_t)(i + warm) * 4096 % region_len] = 2;
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

/*
 * Copy-on-write after fork (issue 11): what the first writes, the reads and
 * the writes of either side cost once the parent has N MiB, and two
 * workloads built from them.  Every page access is one 8-byte word, the
 * first of the page, through a volatile pointer.
 */
#define PAGE_BYTES	4096

static volatile uint64_t bench_sink;	/* keeps read sums alive */
static uint64_t worst_ns[MAX_ITERS], worst_cyc[MAX_ITERS];
static int held_ready[2], held_go[2];	/* child -> parent, parent -> child */

#define WORD(page)	(*(volatile uint64_t *)(region + (size_t)(page) * PAGE_BYTES))

static size_t
region_pages(void)
{
	return (region_len / PAGE_BYTES);
}

/* One word of every page of the region: the sum. */
static uint64_t
read_all(void)
{
	size_t pages = region_pages();
	uint64_t sum = 0;

	for (size_t p = 0; p < pages; p++)
		sum += WORD(p);
	return (sum);
}

static void
write_all(uint64_t v)
{
	size_t pages = region_pages();

	for (size_t p = 0; p < pages; p++)
		WORD(p) = v;
}

/*
 * fork() a child that says it runs, then blocks reading a pipe until
 * release() and exits without touching the region: the parent then acts
 * while the child is alive, has run, and has not written.
 */
static pid_t
fork_held(void)
{
	char c = 0;
	pid_t pid = fork();

	if (pid == 0) {
		if (write(held_ready[1], &c, 1) != 1 || read(held_go[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	if (pid < 0 || read(held_ready[0], &c, 1) != 1) {
		printf("bench: fork_held: %s\n", strerror(errno));
		bench_fail();
	}
	return (pid);
}

static void
release(pid_t pid)
{
	char c = 0;

	if (write(held_go[1], &c, 1) != 1) {
		printf("bench: release: %s\n", strerror(errno));
		bench_fail();
	}
	wait_for(pid);
}

/* report() with pages= per_page_ns= per_page_cycles= (median / pages, two decimals). */
static void
report_per_page(const char *name, int iters)
{
	char extra[128];
	size_t pages = region_pages();
	uint64_t pn, pc;

	sort(ns, iters);
	sort(cyc, iters);
	pn = ns[iters / 2] * 100 / (pages ? pages : 1);
	pc = cyc[iters / 2] * 100 / (pages ? pages : 1);
	snprintf(extra, sizeof(extra), " pages=%lu per_page_ns=%llu.%02llu "
	    "per_page_cycles=%llu.%02llu", (unsigned long)pages,
	    (unsigned long long)(pn / 100), (unsigned long long)(pn % 100),
	    (unsigned long long)(pc / 100), (unsigned long long)(pc % 100));
	report(name, iters, extra);
}

enum held_op { PARENT_TOUCH_ONE, PARENT_READ_ALL, PARENT_WRITE_ALL, READ_NOFORK };

/*
 * The parent's side, timed in the parent: its first write to one page
 * (fork_parent_touch_one_page), one word of every page read
 * (fork_parent_read_all) or written (fork_parent_write_all), each after fork
 * while the child is held; and the same read with no fork
 * (read_all_nofork), the baseline of fork_parent_read_all.
 */
static void
parent_case(const char *name, enum held_op op, int iters, int warm)
{
	if (pipe(held_ready) != 0 || pipe(held_go) != 0) {
		printf("bench: %s: pipe: %s\n", name, strerror(errno));
		bench_fail();
	}
	for (int i = -warm; i < iters; i++) {
		size_t page = (size_t)(i + warm) % region_pages();
		pid_t pid = op == READ_NOFORK ? 0 : fork_held();
		uint64_t t0 = now_ns(), c0 = bench_cycles(), sum = 0, c, t;

		switch (op) {
		case PARENT_TOUCH_ONE:
			region[page * PAGE_BYTES] = 2;
			break;
		case PARENT_READ_ALL:
		case READ_NOFORK:
			sum = read_all();
			break;
		case PARENT_WRITE_ALL:
			write_all((uint64_t)(i + warm) + 2);
			break;
		}
		c = bench_cycles() - c0;
		t = now_ns() - t0;
		if (pid != 0)
			release(pid);
		bench_sink += sum;
		if (i >= 0) {
			ns[i] = t;
			cyc[i] = c;
		}
	}
	close(held_ready[0]);
	close(held_ready[1]);
	close(held_go[0]);
	close(held_go[1]);
	if (op == PARENT_TOUCH_ONE)
		report(name, iters, "");
	else
		report_per_page(name, iters);
}

/*
 * fork() alone, timed in the parent until it returns, of a parent that has
 * just written one word of every page (untimed): what write-protecting a
 * written parent costs at fork.  x86-64 write-protects a 2 MiB table in
 * its directory entry; riscv64 must clear W leaf by leaf (BENCHMARKS.md).
 * The child exits at once; the wait is not timed.
 */
static void
fork_after_write_all(int iters, int warm)
{
	for (int i = -warm; i < iters; i++) {
		uint64_t t0, c0, c, t;
		pid_t pid;

		write_all((uint64_t)(i + warm) + 2);
		t0 = now_ns();
		c0 = bench_cycles();
		if ((pid = fork()) == 0)
			_exit(0);
		c = bench_cycles() - c0;
		t = now_ns() - t0;
		wait_for(pid);
		if (i >= 0) {
			ns[i] = t;
			cyc[i] = c;
		}
	}
	report("fork_after_write_all", iters, "");
}

/*
 * A fixed pseudo-random permutation of the page numbers 0..pages-1: a
 * bijection on `bits`-bit numbers (multiply by an odd number, add, xorshift),
 * walked until it lands below `pages`.  snapshot writes the pages
 * perm(0), perm(1), ...: each a different page, the same ones every run.
 */
static size_t
perm_step(size_t x, size_t mask, int bits)
{
	x = (x * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull) & mask;
	x ^= x >> (bits / 2 + 1);
	x = (x * 0xbf58476d1ce4e5b9ull) & mask;
	x ^= x >> (bits / 3 + 1);
	return (x);
}

static size_t
perm(size_t k, size_t pages, size_t mask, int bits)
{
	size_t x = perm_step(k, mask, bits);

	while (x >= pages)
		x = perm_step(x, mask, bits);
	return (x);
}

/*
 * The Redis BGSAVE pattern.  The parent sums one word of every page (not
 * timed: the checksum the child must find, and every page mapped as in a
 * running server), then forks; the child sums the first 8-byte word of every
 * page (one word a page) and exits 0 only if it finds the sum from before
 * the fork; meanwhile the parent writes the first word of 10 % of its pages,
 * each a different page in a fixed pseudo-random order (perm()), timing each
 * write.  median_ns is fork to reaped; worst_write_ns / worst_write_cycles
 * are the median over the iterations of each one's slowest single write.
 */
static void
snapshot(int iters, int warm)
{
	size_t pages = region_pages(), writes = pages / 10, mask;
	char extra[128];
	int bits = 0;

	while (((size_t)1 << bits) < pages)
		bits++;
	mask = ((size_t)1 << bits) - 1;
	for (int i = -warm; i < iters; i++) {
		uint64_t expect = read_all(), wt_max = 0, wc_max = 0, t0, c0, c, t;
		pid_t pid;

		t0 = now_ns();
		c0 = bench_cycles();
		pid = fork();
		if (pid == 0)
			_exit(read_all() == expect ? 0 : 3);
		if (pid < 0) {
			printf("bench: snapshot: fork: %s\n", strerror(errno));
			bench_fail();
		}
		for (size_t k = 0; k < writes; k++) {
			size_t p = perm(k, pages, mask, bits);
			uint64_t wt = now_ns(), wc = bench_cycles();

			WORD(p) = ((uint64_t)(i + warm + 2) << 32) | k;
			wc = bench_cycles() - wc;
			wt = now_ns() - wt;
			if (wt > wt_max)
				wt_max = wt;
			if (wc > wc_max)
				wc_max = wc;
		}
		wait_for(pid);
		c = bench_cycles() - c0;
		t = now_ns() - t0;
		if (i >= 0) {
			ns[i] = t;
			cyc[i] = c;
			worst_ns[i] = wt_max;
			worst_cyc[i] = wc_max;
		}
	}
	sort(worst_ns, iters);
	sort(worst_cyc, iters);
	snprintf(extra, sizeof(extra), " writes=%lu worst_write_ns=%llu "
	    "worst_write_cycles=%llu", (unsigned long)writes,
	    (unsigned long long)worst_ns[iters / 2],
	    (unsigned long long)worst_cyc[iters / 2]);
	report("snapshot", iters, extra);
}

/*
 * A pre-forking server: the parent (its region, 64 MiB in the bench) forks
 * `children` children at once; child k writes one word of every page of the
 * k-th `child_kib` of the region (its own part) and exits; timed from the
 * first fork to the last child reaped.
 */
#define PREFORK_MAX	16

static void
prefork(int children, size_t child_kib, int iters, int warm)
{
	pid_t pids[PREFORK_MAX];
	size_t per = child_kib * 1024 / PAGE_BYTES;
	char extra[64];

	if (children > PREFORK_MAX || (size_t)children * per > region_pages()) {
		printf("bench: prefork: %d x %lu KiB does not fit\n", children,
		    (unsigned long)child_kib);
		bench_fail();
	}
	for (int i = -warm; i < iters; i++) {
		uint64_t t0 = now_ns(), c0 = bench_cycles(), c, t;

		for (int k = 0; k < children; k++) {
			pid_t pid = fork();

			if (pid == 0) {
				for (size_t p = (size_t)k * per; p < (size_t)(k + 1) * per; p++)
					WORD(p) = (uint64_t)k + 1;
				_exit(0);
			}
			if (pid < 0) {
				printf("bench: prefork: fork %d: %s\n", k, strerror(errno));
				bench_fail();
			}
			pids[k] = pid;
		}
		for (int k = 0; k < children; k++)
			wait_for(pids[k]);
		c = bench_cycles() - c0;
		t = now_ns() - t0;
		if (i >= 0) {
			ns[i] = t;
			cyc[i] = c;
		}
	}
	snprintf(extra, sizeof(extra), " children=%d child_kib=%lu", children,
	    (unsigned long)child_kib);
	report("prefork", iters, extra);
}

/*
 * All of the above, at parent sizes 1 MiB, 64 MiB and 1 GiB (full) or
 * 1 MiB (short), then prefork with 64 MiB.  Iterations shrink with the
 * size so that a full run stays within minutes under TCG and --icount:
 * 200 / 20 / 5 (the whole-region writes and snapshot 200 / 10 / 3).  At
 * 1 GiB fork_exit_wait runs too (the smaller sizes are in the main loop).
 */
static void
cow_cases(bool full)
{
	static const size_t full_sizes[] = { 1024, 64 * 1024, 1024 * 1024 };
	static const size_t short_sizes[] = { 1024 };
	const size_t *sizes = full ? full_sizes : short_sizes;
	int nsizes = full ? 3 : 1;

	for (int s = 0; s < nsizes; s++) {
		size_t kib = sizes[s];
		int n = kib <= 1024 ? (full ? 200 : 40) : kib <= 64 * 1024 ? 20 : 5;
		int nw = kib <= 1024 ? n : kib <= 64 * 1024 ? 10 : 3;
		int warm = n >= 20 ? WARMUP : 1, warmw = nw >= 20 ? WARMUP : 1;

		if (set_region(kib) != 0)
			bench_fail();
		if (kib > 64 * 1024)
			run_case_warm("fork_exit_wait", one_fork, n, warm, "");
		touch_one_page(n, warm);
		parent_case("fork_parent_touch_one_page", PARENT_TOUCH_ONE, n, warm);
		parent_case("read_all_nofork", READ_NOFORK, n, warm);
		parent_case("fork_parent_read_all", PARENT_READ_ALL, n, warm);
		parent_case("fork_parent_write_all", PARENT_WRITE_ALL, nw, warmw);
		fork_after_write_all(nw, warmw);
		snapshot(nw, warmw);
	}
	if (set_region(64 * 1024) != 0)
		bench_fail();
	prefork(16, 1024, full ? 10 : 3, 1);
	set_region(0);
}

#endif
