/*
 * The reaper tree (core/reaper.c): where orphans go.
 */
#ifndef _REAPER_H_
#define _REAPER_H_

#include "proc.h"

/* core/reaper.c: the reaper tree; proctree_lock held for each */
struct proc *reaper_fork(struct proc *p1, struct proc *p2, int flags);
void	reaper_make_init(struct proc *p);
void	reaper_acquire(struct proc *p);
void	reaper_abandon(struct proc *p);
void	reaper_reap(struct proc *p);

#endif /* !_REAPER_H_ */
