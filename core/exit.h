/*
 * Ending a process and waiting for it (core/exit.c).
 */
#ifndef _EXIT_H_
#define _EXIT_H_

#include "proc.h"

__noreturn void exit1(struct proc *p, int wstatus);
int	kern_wait6(struct proc *p, idtype_t idtype, id_t id, int options, pid_t *pidp,
	    int *status, siginfo_t *si, struct __wrusage *wru);
/* Reap zombie child (proctree_lock held, released): its usage to its parent and *wru. */
void	proc_collect(struct proc *child, struct __wrusage *wru);
/* pdwait: kern_wait6 for the process of one descriptor, whoever holds it. */
int	kern_pdwait(struct procdesc *pd, int options, int *status, siginfo_t *si,
	    struct __wrusage *wru, bool *found);
/* wait4's pid (> 0, -1, 0, < -1) over kern_wait6, with WEXITED implied. */
int	kern_wait(struct proc *p, pid_t pid, int *status, int options, pid_t *found,
	    struct __wrusage *wru);

#endif /* !_EXIT_H_ */
