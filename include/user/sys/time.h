/*
 * <sys/time.h>: struct timeval and the interval timers.
 */
#ifndef _SYS_TIME_H_
#define _SYS_TIME_H_

#include <sys/types.h>

int	setitimer(int which, const struct itimerval *restrict value,
	    struct itimerval *restrict ovalue);
int	getitimer(int which, struct itimerval *value);
int	gettimeofday(struct timeval *restrict tv, void *restrict tz);

#endif /* !_SYS_TIME_H_ */
