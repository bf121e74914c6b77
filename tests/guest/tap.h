/*
 * A tiny TAP producer for guest test programs: ok() per behaviour, then
 * done() prints the plan and the "N passed, N failed" line and gives the
 * exit status.
 */
#ifndef _TAP_H_
#define _TAP_H_

#include <forkrt.h>

static int tap_n, tap_failed;

static __attribute__((format(printf, 2, 3))) int
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return (cond);
}

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

static int
done(void)
{
	printf("1..%d\n", tap_n);
	printf("%d passed, %d failed\n", tap_n - tap_failed, tap_failed);
	fflush(stdout);
	return (tap_failed == 0 ? 0 : 1);
}

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

#endif
