/*
 * <sys/sysctl.h>: knobs and counters by name (DESIGN.md lists them).
 * Values are int unless the name says otherwise; writes are root's.
 */
#ifndef _SYS_SYSCTL_H_
#define _SYS_SYSCTL_H_

#include <sys/types.h>

int	sysctlbyname(const char *name, void *old, size_t *oldlen,
	    const void *new, size_t newlen);

#endif /* !_SYS_SYSCTL_H_ */
