/*
 * Resource usage: getrusage, wait4/wait3 with the child's usage, and
 * times() in CLK_TCK units.
 */
#include <forkrt.h>

long	__syscall6(long num, long a0, long a1, long a2, long a3, long a4, long a5);

static long
sys4(long num, long a0, long a1, long a2, long a3)
{
	long r = __syscall6(num, a0, a1, a2, a3, 0, 0);

	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return (-1);
	}
	return (r);
}

int
getrusage(int who, struct rusage *ru)
{
	return ((int)sys4(SYS_getrusage, who, (long)ru, 0, 0));
}

pid_t
wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	return ((pid_t)sys4(SYS_wait4, pid, (long)status, options, (long)ru));
}

pid_t
wait3(int *status, int options, struct rusage *ru)
{
	return (wait4(-1, status, options, ru));
}

static clock_t
tv_to_ticks(const struct timeval *tv)
{
	return ((clock_t)(tv->tv_sec * CLK_TCK + tv->tv_usec * CLK_TCK / 1000000));
}

/* The return value is the real time since boot (an arbitrary past point, as POSIX allows). */
clock_t
times(struct tms *tms)
{
	struct rusage self, children;
	struct timespec now;

	if (getrusage(RUSAGE_SELF, &self) != 0 ||
	    getrusage(RUSAGE_CHILDREN, &children) != 0 ||
	    clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return ((clock_t)-1);
	tms->tms_utime = tv_to_ticks(&self.ru_utime);
	tms->tms_stime = tv_to_ticks(&self.ru_stime);
	tms->tms_cutime = tv_to_ticks(&children.ru_utime);
	tms->tms_cstime = tv_to_ticks(&children.ru_stime);
	return ((clock_t)(now.tv_sec * CLK_TCK + now.tv_nsec / (1000000000 / CLK_TCK)));
}
