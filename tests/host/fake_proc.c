/*
 * Fake processes for host tests of core/pid.c, on fake_kern.c's lists.
 * Each fake process has a group and a session of its own, even when it
 * names the id of another's: so an id may be in use several times over,
 * and it is marked in pid.c's maps (proc_id_set) while any use lasts,
 * as the kernel's one group or session of that id would keep it.
 */
#include "fake_kern.h"
#include "host_libc.h"
#include "pid.h"

static int id_refs[PROC_ID_NTYPES][PID_MAX];

static void
id_ref(int type, pid_t id, int delta)
{
	int before = id_refs[type][id];

	id_refs[type][id] += delta;
	spin_lock(&proctree_lock);
	if (before == 0 && delta > 0)
		proc_id_set(type, id);
	else if (id_refs[type][id] == 0)
		proc_id_clear(type, id);
	spin_unlock(&proctree_lock);
}

static void
ids_ref(struct proc *p, int delta)
{
	id_ref(PROC_ID_PID, p->p_pid, delta);
	if (p->p_pgrp != NULL) {
		id_ref(PROC_ID_GROUP, p->p_pgrp->pg_id, delta);
		id_ref(PROC_ID_SESSION, p->p_pgrp->pg_session->s_sid, delta);
	}
}

/*
 * A fake process with pid, in a group pgid of session sid (pgid 0: no
 * group), on allproc (zombie false) or zombproc.
 */
struct proc *
fake_proc(pid_t pid, pid_t pgid, pid_t sid, bool zombie)
{
	struct proc *p = calloc(1, sizeof(*p));

	p->p_pid = pid;
	if (pgid != 0) {
		p->p_pgrp = calloc(1, sizeof(*p->p_pgrp));
		p->p_pgrp->pg_id = pgid;
		p->p_pgrp->pg_session = calloc(1, sizeof(*p->p_pgrp->pg_session));
		p->p_pgrp->pg_session->s_sid = sid;
	}
	p->p_stat = zombie ? SZOMB : SACTIVE;
	LIST_INSERT_HEAD(zombie ? &zombproc : &allproc, p, p_list);
	ids_ref(p, 1);
	return (p);
}

void
fake_proc_free(struct proc *p)
{
	ids_ref(p, -1);
	LIST_REMOVE(p, p_list);
	if (p->p_pgrp != NULL) {
		free(p->p_pgrp->pg_session);
		free(p->p_pgrp);
	}
	free(p);
}

void
fake_procs_clear(void)
{
	while (!LIST_EMPTY(&allproc))
		fake_proc_free(LIST_FIRST(&allproc));
	while (!LIST_EMPTY(&zombproc))
		fake_proc_free(LIST_FIRST(&zombproc));
}
