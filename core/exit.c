/*
 * Process exit and wait.
 *
 * exit1() tears a process down to a zombie: its address space goes at
 * once, its children pass to init, and its parent is told.  What is left
 * (the proc structure, holding the pid and the wait status) goes when the
 * parent collects it in kern_wait(); the lwp's kernel stack goes as soon
 * as the scheduler has switched off it.
 */
#include "hal.h"
#include "pmap.h"
#include "proc.h"
#include "trap.h"
#include "vm.h"

extern LIST_HEAD(proclist, proc) allproc, zombproc;

/* Called by the exiting process itself. */
__noreturn void
exit1(struct proc *p, int wstatus)
{
	struct proc *child, *next, *parent;
	struct lwp *l = curlwp;

	KASSERT(l->l_proc == p, "exit1 of another process");
	if (p == initproc) {
		printf("forkrt: init exited (status %#x)\n", wstatus);
		printf("forkrt: poweroff status=%d\n", 126);
		hal_poweroff(126);
	}
	p->p_flags |= P_WEXIT;

	/* Off the address space before it can go. */
	pmap_activate(NULL);
	if (p->p_vmspace != NULL) {
		vmspace_release(p->p_vmspace);
		p->p_vmspace = NULL;
	}

	spin_lock(&proc_lock);
	LIST_FOREACH_SAFE(child, &p->p_children, p_sibling, next) {
		LIST_REMOVE(child, p_sibling);
		child->p_pptr = initproc;
		LIST_INSERT_HEAD(&initproc->p_children, child, p_sibling);
		if (child->p_stat == SZOMB)
			wakeup(initproc);
	}
	p->p_xstat = wstatus;
	p->p_stat = SZOMB;
	LIST_REMOVE(p, p_list);
	LIST_INSERT_HEAD(&zombproc, p, p_list);
	LIST_REMOVE(l, l_sibling);
	p->p_nthreads--;
	parent = p->p_pptr;
	spin_unlock(&proc_lock);

	if (p->p_flags & P_PPWAIT) {
		p->p_flags &= ~P_PPWAIT;
		wakeup(&p->p_flags);
	}
	psignal(parent, SIGCHLD);
	wakeup(parent);
	sched_exit();
}

/* Free a zombie the parent has collected. */
static void
proc_reap(struct proc *p)
{
	spin_lock(&proc_lock);
	LIST_REMOVE(p, p_list);
	LIST_REMOVE(p, p_hash);
	LIST_REMOVE(p, p_sibling);
	nprocs--;
	spin_unlock(&proc_lock);
	proc_free(p);
}

static bool
wait_matches(const struct proc *child, pid_t pid)
{
	return (pid == -1 || child->p_pid == pid);
}

/*
 * Wait for a child of p matching pid (-1: any) to exit.  0 with *found the
 * child's pid and *status its wait status; 0 with *found 0 under WNOHANG
 * when none has exited yet; ECHILD when no child matches; EINTR when a
 * signal ends the wait.
 */
int
kern_wait(struct proc *p, pid_t pid, int *status, int options, pid_t *found)
{
	struct proc *child;
	int error, nfound;

	if (options & ~(WNOHANG | WUNTRACED))
		return (EINVAL);
	for (;;) {
		nfound = 0;
		LIST_FOREACH(child, &p->p_children, p_sibling) {
			if (!wait_matches(child, pid))
				continue;
			nfound++;
			if (child->p_stat == SZOMB) {
				*found = child->p_pid;
				*status = child->p_xstat;
				proc_reap(child);
				return (0);
			}
		}
		if (nfound == 0)
			return (ECHILD);
		if (options & WNOHANG) {
			*found = 0;
			return (0);
		}
		if ((error = tsleep(p, "wait")) != 0)
			return (error);
	}
}
