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
 *
 * The copy-on-write cases and prefork are bench_cases.h's cow_cases(), the
 * same code as forkrt's.  tools/forkrt_lib/linuxpeer.py boots the kernel with
 * transparent_hugepage=never (4 KiB pages, as forkrt) and -cpu max,-erms
 * (no rep-string page clears and copies, which -icount under-counts).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
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

static void	finish(int status) __attribute__((noreturn));

#define BENCH_ARCH	ARCH
#define BENCH_TRUE	"/true"
#define bench_cycles()	__rdtsc()
#define bench_fail()	finish(1)
#include "../../user/prog/bench_cases.h"

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
		run_case("vfork_exec_wait", one_vfork_exec, n, "");
		run_case("posix_spawn_wait", one_posix_spawn, n, "");
		run_case("pthread_create_join", one_pthread, n, "");
		run_case("signal_roundtrip", one_signal, n, "");
	}
	cow_cases(full);
	concurrent_forkers("fork_exit_wait_par1", 1, full ? 100 : 25, full ? 7 : 3);
	concurrent_forkers("fork_exit_wait_par2", 2, full ? 100 : 25, full ? 7 : 3);
	concurrent_forkers("fork_exit_wait_par4", 4, full ? 100 : 25, full ? 7 : 3);
	finish(0);
}
