/*
 * <sys/times.h>: process times in CLK_TCK ticks.
 */
#ifndef _SYS_TIMES_H_
#define _SYS_TIMES_H_

#include <sys/types.h>

clock_t	times(struct tms *buf);

#endif /* !_SYS_TIMES_H_ */
