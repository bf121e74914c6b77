/*
 * Process descriptors, the process's side: what its exit, its stops and
 * continues and its reaping tell the descriptor (procdesc.h has the
 * rules).  The descriptor as a file (its creation, last close and
 * lookup) is sys_procdesc.c's, with the system calls: its last close may
 * reap or kill the process, which needs exit and signals above this.
 */
#include "exit.h"
#include "file.h"
#include "pid.h"
#include "procdesc.h"
#include "sched.h"

bool
procdesc_exit(struct proc *p)
{
	struct procdesc *pd = p->p_procdesc;

	KASSERT(spin_held(&proctree_lock), "procdesc_exit without proctree_lock");
	if (pd == NULL)
		return (false);
	pd->pd_flags |= PDF_EXITED;
	pd->pd_xstat = p->p_xstat;
	knote_procdesc_exit(&pd->pd_klist, pd->pd_xstat);
	wakeup(pd);
	return (true);
}

void
procdesc_jobstate(struct proc *p)
{
	KASSERT(spin_held(&proctree_lock), "procdesc_jobstate without proctree_lock");
	if (p->p_procdesc != NULL)
		wakeup(p->p_procdesc);
}

/*
 * The process goes, its descriptor stays: the pid with it, until the last
 * close.  A pdwait asleep in another process finds the process gone (ESRCH).
 */
void
procdesc_reap(struct proc *p)
{
	struct procdesc *pd = p->p_procdesc;

	KASSERT(spin_held(&proctree_lock), "procdesc_reap without proctree_lock");
	pd->pd_proc = NULL;
	p->p_procdesc = NULL;
	/* The pid map keeps pd_pid's bit: the last close clears it. */
	pd->pd_flags |= PDF_HELD;
	wakeup(pd);
}
