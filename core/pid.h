/*
 * Process ids: allocation and the bitmaps of ids in use (core/pid.c).
 */
#ifndef _PID_H_
#define _PID_H_

#include "proc.h"

int	pid_alloc(int flags, pid_t *pidp);
/* kern.pid_max, kern.randompid, kern.lastpid (t), and root's setters of the first two: 0 or EINVAL. */
extern int pid_max, randompid;
extern pid_t lastpid;
int	pid_max_set(int v);
int	randompid_set(int v);
/*
 * The ids in use, one bitmap per use (FreeBSD's proc_id_*map); pid_alloc
 * hands out no id set in any of them, so each must be set for as long as
 * its use lasts:
 *   PROC_ID_PID	a process's pid, from proc_add until it is reaped
 *   PROC_ID_GROUP	a process group's id, while the group exists
 *   PROC_ID_SESSION	a session's id, while the session exists
 *   PROC_ID_REAP	a reaper's subtree id, while a process carries it
 * Each with proctree_lock held; ids in [0, PID_MAX).  proc_id_set panics
 * (KASSERT) when the id is already set and proc_id_clear when it is not.
 */
#define PROC_ID_PID	0
#define PROC_ID_GROUP	1
#define PROC_ID_SESSION	2
#define PROC_ID_REAP	3
#define PROC_ID_NTYPES	4
void	proc_id_set(int type, pid_t id);
void	proc_id_clear(int type, pid_t id);
bool	proc_id_test(int type, pid_t id);

#endif /* !_PID_H_ */
