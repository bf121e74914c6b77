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
 *   bench --check    the regression guard's short set, CHECK_ITERS each
 *                    (tools/forkrt bench --check, under icount on 1 CPU)
 *   bench --pids     the pid allocation cases alone, CHECK_ITERS each:
 *                    pid_alloc live=10 and live=10000, fork_after_pid_wrap
 *   bench --profile CASE SIZE_KIB N
 *                    a warm-up, then N untimed iterations of CASE with a
 *                    parent of SIZE_KIB, then one line
 *                    "bench: profile ... cycles=C" (C: the cycle counter
 *                    across the N); tools/forkrt profile traces two such
 *                    runs and subtracts them
 *
 * The copy-on-write cases (bench_cases.h, cow_cases): fork_touch_one_page,
 * fork_parent_touch_one_page, read_all_nofork, fork_parent_read_all,
 * fork_parent_write_all and snapshot at parent sizes 1 MiB, 64 MiB and
 * 1 GiB (short run: 1 MiB), and prefork with 64 MiB; the whole-region
 * cases add pages= per_page_ns= per_page_cycles=, snapshot adds writes=
 * worst_write_ns= worst_write_cycles=, prefork children= child_kib=.
 *
 * The pid cases: pid_alloc (fork_exit_wait while N other processes
 * sleep, live=N) and fork_after_pid_wrap (every fork wraps the lowered pid
 * space, nearly all of it in use; pid_max= held=).
 *
 * The SMP cases: fork_exit_wait_parN (N processes forking at once; the
 * figures are per fork across all of them), fork_lwps_spinning and
 * fork_lwps_sleeping (a parent with three more lwps on other CPUs,
 * running or asleep: the TLB shootdown that fork's write-protect costs).
 */
#include <forkrt.h>
#include <pthread.h>

#if defined(__riscv)
#define ARCH	"riscv64"
#elif defined(__x86_64__)
#define ARCH	"x86_64"
#elif defined(__aarch64__)
#define ARCH	"aarch64"
#else
#define ARCH	"unknown"
#endif

#define CHILD_STACK	(16 * 1024)
#define PID_WRAP_MAX	2100	/* fork_after_pid_wrap's kern.pid_max: 2000 ids to fill */

#define BENCH_ARCH	ARCH
#define BENCH_TRUE	"true"
#define bench_cycles()	forkrt_cycles()
#define bench_fail()	exit(1)
#include "bench_cases.h"

static char child_stack[CHILD_STACK] __attribute__((aligned(16)));

static int
sysctl_int(const char *name)
{
	int v = 0;
	size_t len = sizeof(v);

	sysctlbyname(name, &v, &len, NULL, 0);
	return (v);
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
 * Fork of a parent with three more lwps, each pinned to another CPU: fork
 * write-protects the parent's memory, and where those lwps run the pmap is
 * active and their TLBs must be shot down (vm.stats.sys.v_ipi_shootdown);
 * where they sleep, it is not.  The line says how many shootdown rounds a
 * fork took.
 */
#define OTHER_LWPS	3

static volatile int others_stop, others_up;
static int others_pipe[2];

static void
pin_self(int cpu)
{
	cpuset_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	cpuset_setaffinity(CPU_LEVEL_WHICH, CPU_WHICH_TID, -1, sizeof(set), &set);
}

static void
spinning_lwp(void *arg)
{
	pin_self((int)(intptr_t)arg);
	__atomic_add_fetch(&others_up, 1, __ATOMIC_SEQ_CST);
	while (!others_stop)
		;
}

static void
sleeping_lwp(void *arg)
{
	char c;

	pin_self((int)(intptr_t)arg);
	__atomic_add_fetch(&others_up, 1, __ATOMIC_SEQ_CST);
	read(others_pipe[0], &c, 1);
}

static void
fork_with_lwps(const char *name, void (*body)(void *), int iters)
{
	int ncpu = sysctl_int("kern.smp.cpus"), s0, n = 0;
	lwpid_t tids[OTHER_LWPS];

	others_stop = 0;
	others_up = 0;
	if (pipe(others_pipe) != 0)
		bench_fail();
	for (int i = 0; i < OTHER_LWPS; i++) {
		char *stack = malloc(CHILD_STACK);
		struct lwp_params p = { body, (void *)(intptr_t)((i + 1) % ncpu),
		    stack + CHILD_STACK, &tids[i], NULL };

		if (stack == NULL || lwp_create(&p) != 0) {
			printf("bench: %s: lwp_create: %s\n", name, strerror(errno));
			bench_fail();
		}
	}
	while (others_up < OTHER_LWPS)
		sched_yield();
	/* The sleepers are asleep, not on their way there. */
	for (int i = 0; i < 20; i++)
		sched_yield();
	s0 = sysctl_int("vm.stats.sys.v_ipi_shootdown");
	run_case(name, one_fork, iters, "");
	n = sysctl_int("vm.stats.sys.v_ipi_shootdown") - s0;
	printf("bench: %s: %d shootdown rounds in %d forks\n", name, n, iters + WARMUP);
	others_stop = 1;
	for (int i = 0; i < OTHER_LWPS; i++)
		write(others_pipe[1], "x", 1);
	for (int i = 0; i < OTHER_LWPS; i++)
		while (lwp_kill(getpid(), tids[i], 0) == 0)
			sched_yield();
	close(others_pipe[0]);
	close(others_pipe[1]);
}

/* Concurrent forkers, and the shootdown rounds they caused. */
static void
par_case(const char *name, int forkers, bool full)
{
	int s0 = sysctl_int("vm.stats.sys.v_ipi_shootdown");
	int per = full ? 100 : 25, rounds = full ? 7 : 3;

	concurrent_forkers(name, forkers, per, rounds);
	printf("bench: %s: %d shootdown rounds in %d forks\n", name,
	    sysctl_int("vm.stats.sys.v_ipi_shootdown") - s0, forkers * per * rounds);
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

static int
sysctl_set_int(const char *name, int v)
{
	return (sysctlbyname(name, NULL, NULL, &v, sizeof(v)));
}

/*
 * fork+exit+wait right after the pid space wraps, with every id of it
 * but one in use: kern.pid_max lowered to pid_max, the space filled with
 * sleeping children until fork says EAGAIN, then one of them let go.
 * Each fork starts its search just above that hole, finds the rest of
 * the space taken, wraps to 100 and walks up to the hole: the whole
 * space searched, every time.  The line carries pid_max= and held= (the
 * children alive meanwhile).
 */
static int
pid_wrap(int pid_max, int iters)
{
	int fds[2], made = 0, status, old_max = sysctl_int("kern.pid_max");
	char extra[48];
	pid_t pid;

	if (sysctl_int("kern.maxproc") <= pid_max) {
		printf("bench: fork_after_pid_wrap: kern.maxproc %d does not exceed %d\n",
		    sysctl_int("kern.maxproc"), pid_max);
		return (-1);
	}
	if (pipe(fds) != 0 || sysctl_set_int("kern.pid_max", pid_max) != 0) {
		printf("bench: fork_after_pid_wrap: %s\n", strerror(errno));
		return (-1);
	}
	for (;; made++) {
		char c;

		if ((pid = fork()) == 0) {
			close(fds[1]);
			read(fds[0], &c, 1);
			_exit(0);
		}
		if (pid < 0)
			break;
	}
	if (errno == EAGAIN && made > 0 && write(fds[1], "x", 1) == 1 &&
	    wait(&status) > 0) {
		snprintf(extra, sizeof(extra), " pid_max=%d held=%d", pid_max, made - 1);
		run_case("fork_after_pid_wrap", one_fork, iters, extra);
		made--;
	} else
		printf("bench: fork_after_pid_wrap: fork %d: %s\n", made + 1,
		    strerror(errno));
	close(fds[1]);
	for (int i = 0; i < made; i++)
		wait(&status);
	close(fds[0]);
	sysctl_set_int("kern.pid_max", old_max);
	return (0);
}

/* The pid allocation cases alone (bench --pids), at the check's iteration count. */
static int
pid_cases(int iters)
{
	printf("bench: pid run on %s, pid %d\n", ARCH, getpid());
	if (pid_alloc(10, iters) != 0 || pid_alloc(10000, iters) != 0 ||
	    pid_wrap(PID_WRAP_MAX, iters) != 0)
		return (1);
	return (0);
}

/*
 * Named cases, for --check and --profile: what one iteration does.
 * fork_touch_one_page's op is the whole iteration (fork, the child's first
 * write to one page of the parent's memory, exit, wait); its bench line
 * times the write alone, inside the child (touch_one_page).
 */
static void
one_fork_touch(void)
{
	static size_t next;
	pid_t pid;

	if (region_len == 0) {
		printf("bench: fork_touch_one_page needs a parent with memory "
		    "(size_kib > 0)\n");
		bench_fail();
	}
	pid = fork();
	if (pid == 0) {
		region[next * 4096 % region_len] = 2;
		_exit(0);
	}
	next++;
	wait_for(pid);
}

static const struct named_case {
	const char *name;
	void (*op)(void);
} named_cases[] = {
	{ "fork_exit_wait", one_fork },
	{ "vfork_exit_wait", one_vfork },
	{ "rfork_mem_exit_wait", one_rfork_mem },
	{ "lwp_create_exit", one_lwp },
	{ "pthread_create_join", one_pthread },
	{ "signal_roundtrip", one_signal },
	{ "fork_exec_wait", one_fork_exec },
	{ "vfork_exec_wait", one_vfork_exec },
	{ "posix_spawn_wait", one_posix_spawn },
	{ "fork_touch_one_page", one_fork_touch },
};
#define NNAMED	(int)(sizeof(named_cases) / sizeof(named_cases[0]))

static const struct named_case *
find_case(const char *name)
{
	for (int i = 0; i < NNAMED; i++)
		if (strcmp(named_cases[i].name, name) == 0)
			return (&named_cases[i]);
	printf("bench: no case '%s'; cases:", name);
	for (int i = 0; i < NNAMED; i++)
		printf(" %s", named_cases[i].name);
	printf("\n");
	return (NULL);
}

/*
 * The regression guard (tools/forkrt bench --check): a short set of cases
 * at a fixed iteration count.  Under icount on one CPU every iteration
 * costs the same instructions, so the medians repeat exactly.
 */
#define CHECK_ITERS	21

static int
check_set(void)
{
	static const struct {
		const char *name;
		size_t kib;
	} set[] = {
		{ "fork_exit_wait", 0 },
		{ "fork_exit_wait", 16 * 1024 },
		{ "vfork_exit_wait", 0 },
		{ "lwp_create_exit", 0 },
		{ "fork_exec_wait", 0 },
		{ "fork_touch_one_page", 1024 },
	};

	printf("bench: check run on %s, pid %d\n", ARCH, getpid());
	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		const struct named_case *c = find_case(set[i].name);

		if (c == NULL || set_region(set[i].kib) != 0)
			return (1);
		if (c->op == one_fork_touch)
			touch_one_page(CHECK_ITERS, WARMUP);
		else
			run_case(c->name, c->op, CHECK_ITERS, "");
	}
	set_region(0);
	return (0);
}

/* tools/forkrt profile: nothing but the case's iterations, untimed. */
static int
profile(int argc, char **argv)
{
	const struct named_case *c;
	uint64_t c0, c1;
	long kib, iters;

	if (argc != 5) {
		printf("bench: usage: bench --profile CASE SIZE_KIB ITERATIONS\n");
		return (2);
	}
	kib = strtol(argv[3], NULL, 10);
	iters = strtol(argv[4], NULL, 10);
	if ((c = find_case(argv[2])) == NULL || kib < 0 || iters < 0)
		return (2);
	if (set_region((size_t)kib) != 0)
		return (1);
	for (int i = 0; i < WARMUP; i++)
		c->op();
	c0 = forkrt_cycles();
	for (long i = 0; i < iters; i++)
		c->op();
	c1 = forkrt_cycles();
	printf("bench: profile case=%s size_kib=%ld iters=%ld cycles=%llu\n", c->name,
	    kib, iters, (unsigned long long)(c1 - c0));
	return (0);
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

	if (argc > 1 && strcmp(argv[1], "--check") == 0)
		return (check_set());
	if (argc > 1 && strcmp(argv[1], "--profile") == 0)
		return (profile(argc, argv));
	if (argc > 1 && strcmp(argv[1], "--pids") == 0)
		return (pid_cases(CHECK_ITERS));
	printf("bench: %s run on %s, pid %d\n", full ? "full" : "short", ARCH, getpid());
	for (int s = 0; s < nsizes; s++) {
		int n = sizes[s] >= 16 * 1024 ? iters / 2 : iters;

		if (set_region(sizes[s]) != 0)
			return (1);
		run_case("fork_exit_wait", one_fork, n, "");
		run_case("vfork_exit_wait", one_vfork, n, "");
		run_case("rfork_mem_exit_wait", one_rfork_mem, n, "");
		run_case("lwp_create_exit", one_lwp, n, "");
		run_case("pthread_create_join", one_pthread, n, "");
		run_case("signal_roundtrip", one_signal, n, "");
		run_case("fork_exec_wait", one_fork_exec, n, "");
		run_case("vfork_exec_wait", one_vfork_exec, n, "");
		run_case("posix_spawn_wait", one_posix_spawn, n, "");
		/* On one CPU the other lwps only share it: nothing to shoot down. */
		if (sysctl_int("kern.smp.cpus") > OTHER_LWPS) {
			fork_with_lwps("fork_lwps_spinning", spinning_lwp, n);
			fork_with_lwps("fork_lwps_sleeping", sleeping_lwp, n);
		}
	}
	set_region(0);
	par_case("fork_exit_wait_par1", 1, full);
	par_case("fork_exit_wait_par2", 2, full);
	par_case("fork_exit_wait_par4", 4, full);
	cow_cases(full);
	if (full) {
		static const int lives[] = { 10, 1000, 10000 };

		for (int i = 0; i < 3; i++)
			if (pid_alloc(lives[i], iters) != 0)
				printf("bench: pid_alloc with %d live processes skipped\n",
				    lives[i]);
		if (pid_wrap(PID_WRAP_MAX, iters) != 0)
			printf("bench: fork_after_pid_wrap skipped\n");
	}
	return (0);
}
