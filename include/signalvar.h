/*
 * Signal dispositions.  forkrt has no handlers: a signal is either taken
 * with its default action or ignored (signal(2) with SIG_DFL / SIG_IGN).
 * The disposition table is what RFSIGSHARE shares.
 */
#ifndef _SIGNALVAR_H_
#define _SIGNALVAR_H_

#include "proc.h"

#define SIGMASK(sig)	(1u << ((sig) - 1))
/* Signals whose default action is to be ignored. */
#define SIGS_DFL_IGNORE	(SIGMASK(SIGCHLD))
/* Signals that can be neither ignored nor caught. */
#define SIGS_CANTMASK	(SIGMASK(SIGKILL) | SIGMASK(SIGSTOP))

struct sigacts {
	unsigned	ps_refcnt;
	uint32_t	ps_sigignore;	/* set to SIG_IGN */
};

/* RFSIGSHARE: share p1's table; otherwise p2 gets a copy.  0 or ENOMEM. */
int	sigacts_fork(struct proc *p1, struct proc *p2, int flags);
void	sigacts_free(struct proc *p);
int	sigacts_init(struct proc *p);

#endif
