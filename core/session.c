/*
 * Sessions and process groups: setsid, setpgid, getpgrp, getpgid, getsid.
 */
#include "pid.h"
#include "proc.h"
#include "session.h"
#include "syscall.h"

#define PGRPHASH_SIZE	256

LIST_HEAD(pgrplist, pgrp);
static struct pgrplist pgrphash[PGRPHASH_SIZE];
/* Every group and session, and their membership, are (t): proctree_lock. */
static struct session session0 = { 1, &proc0, 0 };
static struct pgrp pgrp0;

static inline struct pgrplist *
pgrphash_chain(pid_t pgid)
{
	return (&pgrphash[(unsigned)pgid % PGRPHASH_SIZE]);
}

/* proc0 heads group 0 in session 0, which every kernel process shares. */
void
session_init(void)
{
	for (unsigned i = 0; i < PGRPHASH_SIZE; i++)
		LIST_INIT(&pgrphash[i]);
	LIST_INIT(&pgrp0.pg_members);
	pgrp0.pg_session = &session0;
	pgrp0.pg_id = 0;
	LIST_INSERT_HEAD(&pgrp0.pg_members, &proc0, p_pglist);
	LIST_INSERT_HEAD(&pgrphash[0], &pgrp0, pg_hash);
	proc0.p_pgrp = &pgrp0;
	spin_lock(&proctree_lock);
	proc_id_set(PROC_ID_GROUP, pgrp0.pg_id);
	proc_id_set(PROC_ID_SESSION, session0.s_sid);
	spin_unlock(&proctree_lock);
}

struct pgrp *
pgfind(pid_t pgid)
{
	struct pgrp *pg;

	KASSERT(spin_held(&proctree_lock), "pgfind without proctree_lock");
	LIST_FOREACH(pg, pgrphash_chain(pgid), pg_hash)
		if (pg->pg_id == pgid)
			return (pg);
	return (NULL);
}

static void
pgrp_join(struct proc *p, struct pgrp *pg)
{
	p->p_pgrp = pg;
	LIST_INSERT_HEAD(&pg->pg_members, p, p_pglist);
}

void
pgrp_inherit(struct proc *p, struct proc *parent)
{
	KASSERT(spin_held(&proctree_lock), "pgrp_inherit without proctree_lock");
	pgrp_join(p, parent->p_pgrp);
}

static void
pgrp_free(struct pgrp *pg)
{
	struct session *s = pg->pg_session;

	LIST_REMOVE(pg, pg_hash);
	proc_id_clear(PROC_ID_GROUP, pg->pg_id);
	if (--s->s_count == 0) {
		proc_id_clear(PROC_ID_SESSION, s->s_sid);
		if (s != &session0)
			kfree(s);
	}
	if (pg != &pgrp0)
		kfree(pg);
}

void
pgrp_leave(struct proc *p)
{
	struct pgrp *pg = p->p_pgrp;

	KASSERT(spin_held(&proctree_lock), "pgrp_leave without proctree_lock");
	if (pg == NULL)
		return;
	LIST_REMOVE(p, p_pglist);
	p->p_pgrp = NULL;
	if (pg->pg_session->s_leader == p)
		pg->pg_session->s_leader = NULL;
	if (LIST_EMPTY(&pg->pg_members))
		pgrp_free(pg);
}

/*
 * POSIX's orphaned group: no live member has a parent in another group of
 * the same session, so no job-control shell is left to continue it.
 * proctree_lock held.
 */
bool
pgrp_orphaned(const struct pgrp *pg)
{
	const struct proc *p, *pp;

	KASSERT(spin_held(&proctree_lock), "pgrp_orphaned without proctree_lock");
	if (pg == NULL)
		return (true);
	LIST_FOREACH(p, &pg->pg_members, p_pglist) {
		if (p->p_stat == SZOMB || (pp = p->p_pptr) == NULL)
			continue;
		if (pp->p_pgrp != pg && pp->p_pgrp != NULL &&
		    pp->p_pgrp->pg_session == pg->pg_session)
			return (false);
	}
	return (true);
}

/* A new group with id p's pid in session s (NULL: a new session led by p). */
static int
pgrp_create(struct proc *p, struct session *s)
{
	struct pgrp *pg;

	if ((pg = kzalloc(sizeof(*pg))) == NULL)
		return (ENOMEM);
	if (s == NULL) {
		if ((s = kzalloc(sizeof(*s))) == NULL) {
			kfree(pg);
			return (ENOMEM);
		}
		s->s_leader = p;
		s->s_sid = p->p_pid;
		proc_id_set(PROC_ID_SESSION, s->s_sid);
	}
	s->s_count++;
	LIST_INIT(&pg->pg_members);
	pg->pg_session = s;
	pg->pg_id = p->p_pid;
	LIST_INSERT_HEAD(pgrphash_chain(pg->pg_id), pg, pg_hash);
	proc_id_set(PROC_ID_GROUP, pg->pg_id);
	pgrp_leave(p);
	pgrp_join(p, pg);
	return (0);
}

int
session_create(struct proc *p)
{
	KASSERT(spin_held(&proctree_lock), "session_create without proctree_lock");
	return (pgrp_create(p, NULL));
}

/* setsid: EPERM if the caller already leads a group (its pid is a group id). */
int
sys_setsid(struct lwp *l, const register_t *args __unused, register_t *rv)
{
	struct proc *p = l->l_proc;
	int error;

	spin_lock(&proctree_lock);
	if (pgfind(p->p_pid) != NULL)
		error = EPERM;
	else
		error = session_create(p);
	spin_unlock(&proctree_lock);
	if (error == 0)
		*rv = (register_t)p->p_pid;
	return (error);
}

/*
 * setpgid(pid, pgid), POSIX's rules: pid is the caller or one of its
 * children (ESRCH), a child that has not exec'd (EACCES) and is in the
 * caller's session (EPERM); no session leader may move (EPERM); pgid 0
 * means pid itself, a negative one is EINVAL, and joining an existing
 * group needs it in the caller's session (EPERM).
 */
static int
setpgid_locked(struct proc *cur, pid_t pid, pid_t pgid)
{
	struct session *sess = cur->p_pgrp->pg_session;
	struct proc *p;
	struct pgrp *pg;

	if (pid == 0 || pid == cur->p_pid)
		p = cur;
	else {
		if ((p = pfind(pid)) == NULL || p->p_pptr != cur || p->p_stat == SZOMB)
			return (ESRCH);
		if (p->p_pgrp->pg_session != sess)
			return (EPERM);
		if (p->p_flags & P_EXEC)
			return (EACCES);
	}
	if (p->p_pgrp->pg_session->s_leader == p)
		return (EPERM);
	if (pgid == 0)
		pgid = p->p_pid;
	if (p->p_pgrp->pg_id == pgid)
		return (0);
	if ((pg = pgfind(pgid)) == NULL) {
		if (pgid != p->p_pid)
			return (EPERM);
		return (pgrp_create(p, sess));
	}
	if (pg->pg_session != sess)
		return (EPERM);
	pgrp_leave(p);
	pgrp_join(p, pg);
	return (0);
}

int
sys_setpgid(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	pid_t pid = (pid_t)args[0], pgid = (pid_t)args[1];
	int error;

	if (pgid < 0 || pid < 0)
		return (EINVAL);
	spin_lock(&proctree_lock);
	error = setpgid_locked(l->l_proc, pid, pgid);
	spin_unlock(&proctree_lock);
	return (error);
}

int
sys_getpgrp(struct lwp *l, const register_t *args __unused, register_t *rv)
{
	spin_lock(&proctree_lock);
	*rv = (register_t)l->l_proc->p_pgrp->pg_id;
	spin_unlock(&proctree_lock);
	return (0);
}

/* The process pid names (0: the caller); ESRCH if none.  Zombies still answer. */
static struct proc *
target(struct lwp *l, pid_t pid)
{
	return (pid == 0 ? l->l_proc : pid > 0 ? pfind(pid) : NULL);
}

/* getpgid (sid false) or getsid (sid true) of the process pid names. */
static int
get_id(struct lwp *l, pid_t pid, bool sid, register_t *rv)
{
	struct proc *p;
	int error = 0;

	spin_lock(&proctree_lock);
	if ((p = target(l, pid)) == NULL || p->p_pgrp == NULL)
		error = ESRCH;
	else
		*rv = (register_t)(sid ? p->p_pgrp->pg_session->s_sid :
		    p->p_pgrp->pg_id);
	spin_unlock(&proctree_lock);
	return (error);
}

int
sys_getpgid(struct lwp *l, const register_t *args, register_t *rv)
{
	return (get_id(l, (pid_t)args[0], false, rv));
}

int
sys_getsid(struct lwp *l, const register_t *args, register_t *rv)
{
	return (get_id(l, (pid_t)args[0], true, rv));
}
