/*
 * TAP for host unit tests: ok() per behaviour, done() for the plan and
 * the "N passed, N failed" line.
 */
#ifndef _HOST_TAP_H_
#define _HOST_TAP_H_

#include <stdarg.h>

#include "kernel.h"

#include "../tap_ok.h"


static int
done(void)
{
	printf("1..%d\n", tap_n);
	printf("%d passed, %d failed\n", tap_n - tap_failed, tap_failed);
	return (tap_failed == 0 ? 0 : 1);
}

#endif
