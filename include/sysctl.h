/*
 * Named kernel knobs and counters, reached with sysctlbyname(2).  Every
 * value is a C int on the user side.
 */
#ifndef _SYSCTL_H_
#define _SYSCTL_H_

#include "types.h"

struct sysctl_oid {
	const char	*name;
	int		(*get)(void);
	/* NULL: read-only.  Returns 0 or EINVAL; the caller has checked for root. */
	int		(*set)(int value);
};

#endif
