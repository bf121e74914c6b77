/*
 * Sessions and process groups.  A group lives as long as one member does
 * (zombies count: a process leaves its group when it is reaped); a session
 * as long as one of its groups does.
 */
#ifndef _SESSION_H_
#define _SESSION_H_

#include "proc.h"

struct session {
	unsigned	s_count;	/* groups in the session */
	struct proc	*s_leader;	/* NULL once the leader is reaped */
	pid_t		s_sid;
};

struct pgrp {
	LIST_ENTRY(pgrp) pg_hash;
	LIST_HEAD(, proc) pg_members;
	struct session	*pg_session;
	pid_t		pg_id;
};

struct pgrp *pgfind(pid_t pgid);
/* Put p, not yet in any group, into its parent's group (fork). */
void	pgrp_inherit(struct proc *p, struct proc *parent);
/* p leaves its group (reap), freeing the group and session when empty. */
void	pgrp_leave(struct proc *p);
/* No member's parent is in another group of its session (POSIX).  proctree_lock held. */
bool	pgrp_orphaned(const struct pgrp *pg);
/* A new session and group led by p (init, setsid).  0 or ENOMEM. */
int	session_create(struct proc *p);
void	session_init(void);

#endif
