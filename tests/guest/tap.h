/*
 * What every guest test program shares: the case tables and the TAP they
 * print (tap_cases.h), and the few helpers most suites need.
 */
#ifndef _TAP_H_
#define _TAP_H_

#include <forkrt.h>

/*
 * Before each case: the pages and objects the last case's process held
 * are given back a little after it is reaped (by whoever reaps its lwps,
 * with several CPUs), and a case that takes its own "nothing leaked"
 * count at once must not see them go.
 */
static void settle_before_case(void);
#define TAP_SETTLE()	settle_before_case()

#include "tap_cases.h"


/* Run fn in a child and return its wait status (or -1 if fork failed). */
static __attribute__((unused)) int
in_child(void (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return (-1);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return (-1);
	return (status);
}

/* An int sysctl's value, or -1. */
static __attribute__((unused)) int
sget(const char *name)
{
	int v = -1;
	size_t len = sizeof(v);

	if (sysctlbyname(name, &v, &len, NULL, 0) != 0)
		return (-1);
	return (v);
}

/* Set an int sysctl: 0, or -1 and errno. */
static __attribute__((unused)) int
sset(const char *name, int v)
{
	return (sysctlbyname(name, NULL, NULL, &v, sizeof(v)));
}

static __attribute__((unused)) int
free_pages(void)
{
	return (sget("vm.stats.vm.v_free_count"));
}

/*
 * For "nothing leaked" checks: free pages, plus the pages the kernel heap
 * holds, minus the objects it has handed out, plus the pages of kernel
 * stacks kept mapped for reuse and the page tables mapping the kernel
 * stacks' region (both high-water marks, like the heap's slabs).  A page
 * leaked outside the heap or an object leaked in it moves it; how the
 * heap's slabs happen to fill, whether a dead lwp's stack went back to
 * the allocator or to the stack cache, and how many stacks were ever at
 * once, do not (with several CPUs that order changes run to run, and
 * v_free_count alone can differ by a slab page with nothing leaked).
 */
static __attribute__((unused)) int
unleaked_pages(void)
{
	return (free_pages() + sget("vm.kmem.pages") - sget("vm.kmem.objects") +
	    sget("vm.kstack.cached_pages") + sget("vm.kstack.table_pages"));
}

/*
 * The kernel's named fail points (include/fail.h): debug.fail_point.NAME
 * reads the setting, and root writes N > 0 to fail the next N passes, -1
 * to fail every pass, 0 for none.  fail_point_set returns 0, or -1 and
 * errno (ENOENT: no such point, or a kernel built without them: the
 * suites then skip what needs one).
 */
static __attribute__((unused)) int
fail_point_set(const char *name, int setting)
{
	char knob[96];

	snprintf(knob, sizeof(knob), "debug.fail_point.%s", name);
	return (sset(knob, setting));
}

/* The point's setting, or -1 with errno (an armed -1 reads -1 with errno 0). */
static __attribute__((unused)) int
fail_point_get(const char *name)
{
	char knob[96];

	snprintf(knob, sizeof(knob), "debug.fail_point.%s", name);
	errno = 0;
	return (sget(knob));
}

static __attribute__((unused)) bool
have_fail_point(const char *name)
{
	return (fail_point_get(name) != -1 || errno == 0);
}

/* fork with nothing buffered, so that no line is printed twice. */
static __attribute__((unused)) pid_t
xfork(void)
{
	fflush(stdout);
	return (fork());
}

static __attribute__((unused)) uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

/* Sleep about ms milliseconds (a kevent wait with nothing to wait for). */
static __attribute__((unused)) void
nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	struct kevent ev;
	int kq = kqueue();

	kevent(kq, NULL, 0, &ev, 1, &ts);
	close(kq);
}

/*
 * unleaked_pages() once it holds still: with several CPUs an exited lwp's
 * stack and structure are freed by whoever reaps it, a little later, so a
 * count taken just as a process ends (or just after one ended before the
 * suite) may still move by a page or an object.  Waits up to a second.
 */
static __attribute__((unused)) int
settled_unleaked(void)
{
	int a = unleaked_pages(), b;

	for (int i = 0; i < 50; i++, a = b) {
		nap(20);
		if ((b = unleaked_pages()) == a)
			break;
	}
	return (a);
}

static __attribute__((unused)) void
settle_before_case(void)
{
	settled_unleaked();
}

/* Fork, run fn in the child and _exit with its value; the wait status, or -1. */
static __attribute__((unused)) int
run_child(int (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return (-1);
	return (status);
}

/* Execute an instruction the CPU does not know: the process gets SIGILL. */
static __attribute__((unused)) void
illegal_instruction(void)
{
#if defined(__riscv)
	__asm__ volatile(".word 0");
#elif defined(__x86_64__)
	__asm__ volatile("ud2");
#elif defined(__aarch64__)
	__asm__ volatile("udf #0");
#endif
}

/* Reap every child left; returns how many. */
static __attribute__((unused)) int
reap_all(void)
{
	int n = 0, status;

	while (waitpid(-1, &status, 0) > 0)
		n++;
	return (n);
}

#endif
