/*
 * Interval timers (core/itimer.c).
 */
#ifndef _ITIMER_H_
#define _ITIMER_H_

#include "proc.h"

void	itimer_tick(struct lwp *l, bool from_user);
void	itimer_exit(struct proc *p);	/* P_WEXIT set: no ITIMER_REAL callout after this */

#endif /* !_ITIMER_H_ */
