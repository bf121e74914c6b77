/*
 * TAP for host unit tests: ok() per behaviour, done() for the plan and
 * the "N passed, N failed" line.
 */
#ifndef _HOST_TAP_H_
#define _HOST_TAP_H_

#include <stdarg.h>

#include "kernel.h"

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

static int
done(void)
{
	printf("1..%d\n", tap_n);
	printf("%d passed, %d failed\n", tap_n - tap_failed, tap_failed);
	return (tap_failed == 0 ? 0 : 1);
}

#endif
