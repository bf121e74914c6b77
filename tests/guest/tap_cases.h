/*
 * Guest suites' TAP and case tables, on the standard headers alone (the
 * posix suite includes no <forkrt.h>; tap.h adds the rest): ok() per
 * behaviour, diag(), done() for the plan and the "N passed, N failed"
 * line, and the case table every suite's main() runs.
 */
#ifndef _TAP_CASES_H_
#define _TAP_CASES_H_

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tap_ok.h"

static __attribute__((format(printf, 1, 2), unused)) void
diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static __attribute__((unused)) int
done(void)
{
	printf("1..%d\n", tap_n);
	printf("%d passed, %d failed\n", tap_n - tap_failed, tap_failed);
	fflush(stdout);
	return (tap_failed == 0 ? 0 : 1);
}

/*
 * Case tables (xv6's usertests, FreeBSD's ATF): a suite is a table of
 * cases, each a function of its own, and a main() of one line:
 *
 *	static const struct tap_case cases[] = {
 *		TAP_CASE(fork_returns_twice, "fork returns twice"),
 *		...
 *	};
 *
 *	int
 *	main(int argc, char **argv)
 *	{
 *		return (RUN_CASES(cases, argc, argv));
 *	}
 *
 * Each case runs in a child of its own (run_case), so that its handlers,
 * masks, children, descriptors and failures go with it: a case that fails
 * or crashes is a `not ok' and the next case still runs, from the suite's
 * own clean state (a case that hangs still hangs the suite, until meson's
 * timeout ends the boot).  A case either
 *  - prints no TAP and returns 0 when every check held, else the number
 *    of the first that did not (CHECK): run_case prints one line for it,
 *    named by the table; or
 *  - prints its own ok() lines, numbered on from the suite's count (the
 *    counters come back to the parent through a MAP_SHARED page), and
 *    returns 0; a non-zero return, or a child killed by a signal, adds a
 *    `not ok' line saying so.
 * A case whose child must end another way (a signal, an exit status)
 * says which in .expect (TAP_CASE_STATUS).
 *
 * `tools/forkrt test --arch ARCH -- SUITE CASE...' boots the suite with
 * the case ids on the kernel command line; init passes them on as argv,
 * and run_cases then runs only those cases (an id it does not know is an
 * error, with the list of ids).
 */
#define CHECK(n, cond)	do { if (!(cond)) return (n); } while (0)

struct tap_case {
	const char	*id;		/* the function's name: what argv selects */
	int		(*fn)(void);
	const char	*name;		/* the behaviour, as the TAP line says it */
	int		expect;		/* the wait status the case's child ends with */
};

#define TAP_CASE(fn, name)		{ #fn, fn, name, 0 }
#define TAP_CASE_STATUS(fn, name, st)	{ #fn, fn, name, st }
#define RUN_CASES(cases, argc, argv)					\
	run_cases(cases, sizeof(cases) / sizeof((cases)[0]), argc, argv)

/* The TAP counters of a case's child, seen by the parent. */
static __attribute__((unused)) struct tap_counts {
	int	n, failed;
	int	go;	/* the case's child may start (run_case) */
} *tap_shared;

static __attribute__((unused)) int
tap_sync(int cond)
{
	if (tap_shared != NULL) {
		tap_shared->n = tap_n;
		tap_shared->failed = tap_failed;
	}
	return (cond);
}

/* Every ok() in a guest suite also updates the shared counters. */
#define ok(...)		tap_sync(ok(__VA_ARGS__))

/*
 * Called in the suite's process before and after each case (the latter
 * with the child's wait status, or -1): where a suite takes a count of
 * free pages, puts back knobs a case may have left changed, or checks
 * that every slot and page came back.
 */
static __attribute__((unused)) void (*tap_before_case)(const struct tap_case *);
static __attribute__((unused)) void (*tap_after_case)(const struct tap_case *, int status);

/* Map the page the counters come back through; exits if it cannot. */
static __attribute__((unused)) void
tap_init(void)
{
	if (tap_shared != NULL)
		return;
	tap_shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0);
	if (tap_shared == MAP_FAILED) {
		tap_shared = NULL;
		printf("Bail out! mmap of the TAP counter page failed (errno %d)\n", errno);
		exit(2);
	}
	tap_sync(1);
}

/* Write 128 KiB of stack below the caller's frame. */
static __attribute__((noinline, unused)) void
tap_warm_stack(void)
{
	volatile char pad[131072];

	memset((char *)pad, 0, sizeof(pad));
}

/*
 * Read the first byte of page pg into a pipe and back over itself: false
 * if the process cannot read or write the page (the byte, if it went in,
 * is taken back out, so that the pipe is empty again).
 */
static __attribute__((unused)) bool
tap_own_page(uintptr_t pg, int fds[2])
{
	char c;

	if (write(fds[1], (void *)pg, 1) != 1)
		return (false);
	if (read(fds[0], (void *)pg, 1) == 1)
		return (true);
	read(fds[0], &c, 1);
	return (false);
}

/*
 * Make the pages a case is about to write its own, before it runs: a
 * fork leaves the child's data, bss, heap and stack copy-on-write, and a
 * case that counts free pages ("nothing leaked") must not count the
 * copies its own first writes make.  The writable pages are found by the
 * kernel's copyout, which fails with EFAULT, and touches nothing, where
 * the process may not write: from a page known to be in a range (the
 * page of tap_n for data and bss, the one below the break for the heap)
 * each page down and up is read into a pipe and back over itself, until
 * one cannot be.
 */
static __attribute__((unused)) void
tap_own_pages(void)
{
	uintptr_t at[] = { (uintptr_t)&tap_n, (uintptr_t)sbrk(0) - 1 }, pg;
	int fds[2];

	tap_warm_stack();
	tap_sync(1);		/* the counter page: mapped, its table our own */
	if (pipe(fds) != 0)
		return;
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		for (pg = at[i] & ~(uintptr_t)4095; pg >= 4096 && tap_own_page(pg, fds);
		    pg -= 4096)
			;
		for (pg = (at[i] & ~(uintptr_t)4095) + 4096; tap_own_page(pg, fds); pg += 4096)
			;
	}
	close(fds[0]);
	close(fds[1]);
}

/*
 * Run one case in a child of its own and print its TAP (above); the
 * child's wait status, or -1 if it could not be forked.
 */
static __attribute__((unused)) int
run_case(const struct tap_case *c)
{
	int status = -1, r, start;
	pid_t pid;

	tap_init();
	diag("case %s", c->id);
	fflush(stdout);
#ifdef TAP_SETTLE
	TAP_SETTLE();	/* what the last case's process held is given back first */
#endif
	tap_sync(1);
	if (tap_before_case != NULL)
		tap_before_case(c);
	start = tap_n;
	tap_shared->go = 0;
	if ((pid = fork()) == 0) {
		tap_own_pages();
		while (!__atomic_load_n(&tap_shared->go, __ATOMIC_ACQUIRE))
			sched_yield();
		r = c->fn();
		fflush(stdout);
		_exit(r);
	}
	/*
	 * The case may count free pages from its first line, so this
	 * process's own copy-on-write faults after the fork (its stack, as
	 * deep as waitpid goes) happen before the child is let go (go, in
	 * the shared page: no descriptor, no signal): on another CPU they
	 * would land inside the case's count.
	 */
	if (pid > 0)
		(void)waitpid(pid, &status, WNOHANG);
	__atomic_store_n(&tap_shared->go, 1, __ATOMIC_RELEASE);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		status = -1;
	tap_n = tap_shared->n;
	tap_failed = tap_shared->failed;
	if (tap_n == start) {
		if (!ok(status == c->expect, "%s", c->name))
			diag("wait status %#x, expected %#x (an exit status is the failed check)",
			    status, c->expect);
	} else if (status != c->expect) {
		ok(0, "%s: its child ended with wait status %#x, expected %#x", c->id, status,
		    c->expect);
	}
	if (tap_after_case != NULL)
		tap_after_case(c, status);
	return (status);
}

/*
 * Run the cases argv names (argv[1]...), or all of them, one after the
 * other (run_case): how many ran, or -1 after saying which id is unknown.
 */
static __attribute__((unused)) int
run_selected(const struct tap_case *cases, size_t n, int argc, char **argv)
{
	bool sel[n], found;
	int ran = 0;

	for (size_t i = 0; i < n; i++)
		sel[i] = argc < 2;
	for (int a = 1; a < argc; a++) {
		found = false;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(argv[a], cases[i].id) == 0)
				sel[i] = found = true;
		}
		if (!found) {
			printf("Bail out! %s has no case %s\n", argv[0], argv[a]);
			diag("its cases:");
			for (size_t i = 0; i < n; i++)
				diag("  %s", cases[i].id);
			return (-1);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!sel[i])
			continue;
		if (argc > 1)
			diag("running %s %s, as the command line names it (%s)", argv[0],
			    cases[i].id, cases[i].name);
		run_case(&cases[i]);
		ran++;
	}
	return (ran);
}

/* run_selected, then the plan and the count line: the suite's exit status. */
static __attribute__((unused)) int
run_cases(const struct tap_case *cases, size_t n, int argc, char **argv)
{
	if (run_selected(cases, n, argc, argv) < 0)
		return (2);
	return (done());
}

#endif /* !_TAP_CASES_H_ */
