/*
 * The lwps of a process: its tree by tid (core/lwp_tid.c), and ending
 * them (core/lwp.c).
 */
#ifndef _LWP_H_
#define _LWP_H_

#include "proc.h"

#define FOREACH_LWP_IN_PROC(l, p)					\
	for ((l) = lwp_first(p); (l) != NULL; (l) = lwp_next(l))
struct lwp *lwp_first(struct proc *p);
struct lwp *lwp_next(struct lwp *l);
void	lwp_tree_init(struct proc *p);
/* Give l the next free tid of p (DragonFly's rule) and enter it in p's tree. */
void	lwp_tid_insert(struct proc *p, struct lwp *l);
void	lwp_tree_remove(struct proc *p, struct lwp *l);
struct lwp *lwp_find(struct proc *p, lwpid_t tid);	/* NULL if none */
/* l leaves p for good, unless it is p's last lwp: then it returns, and the caller ends p (exit1). */
void	lwp_exit_self(struct lwp *l);
/* Make every other lwp of p exit and wait for them; p keeps running on l. */
int	proc_single_lwp(struct proc *p, struct lwp *l, int flag);
extern lwpid_t lwp_tid_max;

#endif /* !_LWP_H_ */
