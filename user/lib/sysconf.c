/*
 * sysconf and getpagesize: the figures a program may ask the system for.
 */
#include <forkrt.h>

#define PAGE_SIZE	4096	/* both platforms' base page */

int
getpagesize(void)
{
	return (PAGE_SIZE);
}

long
sysconf(int name)
{
	struct rlimit rl;
	int ncpu;
	size_t len = sizeof(ncpu);

	switch (name) {
	case _SC_OPEN_MAX:
		return (OPEN_MAX);
	case _SC_PAGESIZE:
		return (PAGE_SIZE);
	case _SC_CLK_TCK:
		return (CLK_TCK);
	case _SC_CHILD_MAX:
		if (getrlimit(RLIMIT_NPROC, &rl) != 0)
			return (-1);
		return (rl.rlim_cur == RLIM_INFINITY ? -1 : (long)rl.rlim_cur);
	case _SC_NPROCESSORS_CONF:
	case _SC_NPROCESSORS_ONLN:
		if (sysctlbyname("kern.smp.cpus", &ncpu, &len, NULL, 0) != 0)
			return (-1);
		return (ncpu);
	default:
		errno = EINVAL;
		return (-1);
	}
}
