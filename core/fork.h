/*
 * Creating processes: fork1 (core/fork.c), and rfork's flags from user
 * space (core/sys_proc.c).
 */
#ifndef _FORK_H_
#define _FORK_H_

#include "proc.h"

/* rfork's and pdrfork's flags from user space as fork1's (core/sys_proc.c).  0 or EINVAL. */
int	rfork_flags(int uflags, bool procdesc, int *flagsp);

int	fork1(struct lwp *l, int flags, struct proc **childp);
void	start_forked_proc(struct proc *p, int flags);
void	peers_unlink(struct proc *p);
typedef void forklist_fn(struct proc *parent, struct proc *child, int flags);
int	at_fork(forklist_fn *function);
bool	rm_at_fork(forklist_fn *function);
extern int maxproc;

#endif /* !_FORK_H_ */
