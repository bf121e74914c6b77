/*
 * The Linux peer of forkrt's fork benchmark (user/prog/bench.c), for x86_64.
 *
 * Built on the build machine as a static glibc program
 * (clang -static -O2) and run as PID 1 (/init) of an initramfs booted by
 * Debian's kernel in the same QEMU as forkrt (tools/forkrt_lib/linuxpeer.py).
 * It runs the cases of bench.c that exist on Linux, timed exactly as there
 * (5 warm-up iterations, then CLOCK_MONOTONIC around each operation), and
 * prints the same lines with arch=x86_64-linux:
 *
 *   bench arch=x86_64-linux case=C size_kib=S iters=N median_ns=.. min_ns=.. median_cycles=..
 *
 * median_cycles comes from rdtsc.  It mounts nothing: clock_gettime needs no
 * file system, the console is the initramfs's /dev/console node, and
 * fork_exec_wait execs /true, a trivial static program in the same
 * initramfs.  At the end it prints "bench: done" and powers off.
 *
 *   /init            every case and size (like bench --full; PID 1 gets no arguments)
 *   /init --short    sizes 0 and 16 MiB, 40 iterations (like plain bench)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#define ARCH	"x86_64-linux"

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

static uint64_t
cycles(void)
{
	return (__rdtsc());
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

/*
 * Which clocksource CLOCK_MONOTONIC reads, from the kernel log (klogctl: no
 * file system needed).  The kernel moves from tsc-early to tsc about a
 * second after boot, possibly after /init starts: wait (at most 5 s) for that
 * switch so that it does not land in the middle of a case.
 */
static void
wait_for_clocksource(void)
{
	static char log[1 << 18];
	const char *key = "Switched to clocksource ";
	char name[32] = "unknown";

	for (int tries = 0; tries < 50; tries++) {
		int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, sizeof(log) - 1);
		char *p, *last = NULL;

		if (n < 0)
			break;
		log[n] = '\0';
		for (p = log; (p = strstr(p, key)) != NULL; p += strlen(key))
			last = p + strlen(key);
		if (last != NULL) {
			size_t len = strcspn(last, " \n");

			if (len >= sizeof(name))
				len = sizeof(name) - 1;
			memcpy(name, last, len);
			name[len] = '\0';
		}
		if (strcmp(name, "tsc") == 0)
			break;
		nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	}
	printf("bench: clocksource %s\n", name);
}

static void
finish(int status)
{
	printf("bench: done status=%d\n", status);
	fflush(stdout);
	if (getpid() == 1) {
		reboot(RB_POWER_OFF);
		printf("bench: reboot(RB_POWER_OFF): %s\n", strerror(errno));
		fflush(stdout);
		for (;;)
			pause();
	}
	exit(status);
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
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
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
		finish(1);
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
	char *envp[] = { NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execve("/true", argv, envp);
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
		uint64_t t0 = now_ns(), c0 = cycles();

		op();
		cyc[i] = cycles() - c0;
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
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (shared == MAP_FAILED) {
		printf("bench: mmap shared: %s\n", strerror(errno));
		finish(1);
	}
	for (int i = -WARMUP; i < iters; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			uint64_t t0 = now_ns(), c0 = cycles();

			region[(size_t)(i + WARMUP) * 4096 % region_len] = 2;
			shared[1] = cycles() - c0;
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

int
main(int argc, char **argv)
{
	static const size_t full_sizes[] = { 0, 1024, 16 * 1024, 64 * 1024 };
	static const size_t short_sizes[] = { 0, 16 * 1024 };
	bool full = !(argc > 1 && strcmp(argv[1], "--short") == 0);
	const size_t *sizes = full ? full_sizes : short_sizes;
	int nsizes = full ? 4 : 2;
	int iters = full ? 200 : 40;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bench: %s run on %s, pid %d\n", full ? "full" : "short", ARCH, getpid());
	wait_for_clocksource();
	for (int s = 0; s < nsizes; s++) {
		int n = sizes[s] >= 16 * 1024 ? iters / 2 : iters;

		if (set_region(sizes[s]) != 0)
			finish(1);
		run_case("fork_exit_wait", one_fork, n, "");
		run_case("vfork_exit_wait", one_vfork, n, "");
		run_case("fork_exec_wait", one_fork_exec, n, "");
	}
	if (set_region(1024) != 0)
		finish(1);
	touch_one_page(iters);
	set_region(0);
	finish(0);
}
