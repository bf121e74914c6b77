/*
 * Process creation: fork1() builds a child and leaves it stopped (SIDL);
 * start_forked_proc() lets it run.  The split is DragonFly's: whatever the
 * caller still has to do to the child (vfork's wait, a kernel thread's
 * set-up) happens between the two.
 */
#include "pmap.h"
#include "proc.h"
#include "vm.h"

int maxproc = 1000;		/* kern.maxproc; sized from memory at boot */

/*
 * Create a new process from l's.  flags are rfork flags and have been
 * checked by the caller.  On success *childp is the child, stopped; on
 * failure everything fork1 took has been given back.
 */
int
fork1(struct lwp *l1, int flags, struct proc **childp)
{
	struct proc *p1 = l1->l_proc, *p2, *parent;
	struct lwp *l2;
	int error;

	if (nprocs >= maxproc)
		return (EAGAIN);
	if ((p2 = proc_alloc()) == NULL)
		return (ENOMEM);
	if (flags & RFMEM) {
		vmspace_hold(p1->p_vmspace);
		p2->p_vmspace = p1->p_vmspace;
	} else if ((error = vm_fork(p1->p_vmspace, &p2->p_vmspace)) != 0)
		goto fail_proc;
	if ((l2 = lwp_alloc(p2)) == NULL) {
		error = ENOMEM;
		goto fail_vm;
	}

	p2->p_uid = p1->p_uid;
	p2->p_flags = p1->p_flags & P_SUGID;
	if (flags & RFPPWAIT)
		p2->p_flags |= P_PPWAIT;
	memcpy(p2->p_comm, p1->p_comm, sizeof(p2->p_comm));
	l2->l_tid = p2->p_lasttid = 1;
	LIST_INSERT_HEAD(&p2->p_lwps, l2, l_sibling);
	p2->p_nthreads = 1;
	cpu_fork(l1, l2);

	parent = (flags & RFNOWAIT) && initproc != NULL ? initproc : p1;
	spin_lock(&proc_lock);
	if ((error = pid_alloc(&p2->p_pid)) != 0) {
		spin_unlock(&proc_lock);
		LIST_REMOVE(l2, l_sibling);
		lwp_free(l2);
		goto fail_vm;
	}
	proc_add(p2, parent);
	spin_unlock(&proc_lock);
	*childp = p2;
	return (0);

fail_vm:
	vmspace_release(p2->p_vmspace);
fail_proc:
	proc_free(p2);
	return (error);
}

/* Make a child fork1 built runnable, unless it was asked to stay stopped. */
void
start_forked_proc(struct proc *p2)
{
	struct lwp *l2 = LIST_FIRST(&p2->p_lwps);

	KASSERT(p2->p_stat == SIDL, "start of a started process");
	p2->p_stat = SACTIVE;
	sched_setrun(l2);
}
