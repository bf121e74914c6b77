/*
 * <time.h>: clocks (CLOCK_REALTIME, CLOCK_MONOTONIC and the CPU-time
 * clocks) and sleeping.
 */
#ifndef _TIME_H_
#define _TIME_H_

#include <sys/types.h>

int	clock_gettime(clockid_t clock, struct timespec *ts);
int	clock_getres(clockid_t clock, struct timespec *res);
int	nanosleep(const struct timespec *rqtp, struct timespec *rmtp);

#endif /* !_TIME_H_ */
