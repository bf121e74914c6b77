/*
 * Clocks, sleeps and interval timers: the system calls and what POSIX
 * builds on them (gettimeofday, sleep, usleep, alarm).
 */
#include <forkrt.h>

long	__syscall6(long num, long a0, long a1, long a2, long a3, long a4, long a5);

static long
sys3(long num, long a0, long a1, long a2)
{
	long r = __syscall6(num, a0, a1, a2, 0, 0, 0);

	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return (-1);
	}
	return (r);
}

int
gettimeofday(struct timeval *tp, void *tzp __attribute__((unused)))
{
	struct timespec ts;

	if (tp == NULL)
		return (0);
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (-1);
	tp->tv_sec = ts.tv_sec;
	tp->tv_usec = ts.tv_nsec / 1000;
	return (0);
}

int
nanosleep(const struct timespec *req, struct timespec *rem)
{
	return ((int)sys3(SYS_nanosleep, (long)req, (long)rem, 0));
}

/* The seconds not slept, rounded up, when a signal ends the sleep. */
unsigned
sleep(unsigned seconds)
{
	struct timespec req = { (time_t)seconds, 0 }, rem;

	if (nanosleep(&req, &rem) == 0)
		return (0);
	return ((unsigned)rem.tv_sec + (rem.tv_nsec != 0));
}

int
usleep(unsigned microseconds)
{
	struct timespec req = { (time_t)(microseconds / 1000000),
	    (long)(microseconds % 1000000) * 1000 };

	return (nanosleep(&req, NULL));
}

int
getitimer(int which, struct itimerval *value)
{
	return ((int)sys3(SYS_getitimer, which, (long)value, 0));
}

int
setitimer(int which, const struct itimerval *value, struct itimerval *ovalue)
{
	return ((int)sys3(SYS_setitimer, which, (long)value, (long)ovalue));
}

/*
 * A one-shot ITIMER_REAL; 0 cancels.  Returns the seconds left of the
 * previous alarm, rounded up so that a pending one never reads as none.
 */
unsigned
alarm(unsigned seconds)
{
	struct itimerval it = { { 0, 0 }, { (time_t)seconds, 0 } }, old;

	if (setitimer(ITIMER_REAL, &it, &old) != 0)
		return (0);
	return ((unsigned)old.it_value.tv_sec + (old.it_value.tv_usec != 0));
}
