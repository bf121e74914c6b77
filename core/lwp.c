/*
 * Lightweight processes (DragonFly): more than one thread of control in a
 * process, sharing its address space, descriptors and everything else
 * but the registers and the kernel stack.
 *
 * Ending lwps other than the caller (exit, execv) is cooperative: the
 * process is flagged, sleepers are woken, and each lwp leaves through
 * lwp_exit_self() on its way back to user mode (userret), while the
 * survivor waits on p_nthreads and p_ndying: until every other lwp's
 * stack is freed, so that the process's pages are all back once it is.
 * The system calls are in sys_lwp.c.
 */
#include "exit.h"
#include "lwp.h"
#include "proc.h"
#include "rusage.h"
#include "sched.h"
#include "signalvar.h"
#include "syscall.h"
#include "trap.h"
#include "vm.h"
#include "vmparam.h"

/*
 * The lwp that is not the process's last goes away alone and does not
 * return; the last one returns, for its caller to end the process (the
 * last one's exit is the process's: exit1), which keeps exit.c above
 * this file.  Being the last holds until the caller acts on it: only
 * this lwp itself could make another.
 */
void
lwp_exit_self(struct lwp *l)
{
	struct proc *p = l->l_proc;

	spin_lock(&p->p_lock);
	if (p->p_nthreads == 1) {
		spin_unlock(&p->p_lock);
		return;
	}
	rusage_lwp_exit(p, l);
	lwp_tree_remove(p, l);
	p->p_ndying++;
	spin_unlock(&p->p_lock);
	sched_exit(false);
}

/*
 * p_lock held, and held again on return.  The others may be asleep (woken
 * here), or running in user mode on other CPUs (sent an IPI, so that they
 * reach userret() now rather than at their next tick).
 *
 * An exit beats an exec: an lwp that exits while another waits here for
 * its exec takes the process over, and the exec gives way (EINTR, P_SINGLE
 * cleared) instead of waiting for the exiting lwp while it waits for the
 * exec's.  An exit always returns 0.
 */
int
proc_single_lwp(struct proc *p, struct lwp *l, int flag)
{
	struct lwp *other;
	int was;

	KASSERT(spin_held(&p->p_lock), "proc_single_lwp without p_lock");
	was = __atomic_fetch_or(&p->p_flags, flag, __ATOMIC_RELEASE);
	p->p_singlelwp = l;
	FOREACH_LWP_IN_PROC(other, p)
		if (other != l)
			sched_unsleep(other);
	/* An exec asleep below sleeps uninterruptibly: tell it the news. */
	if (was & P_SINGLE)
		wakeup(&p->p_nthreads);
	/* Gone from the tree, and off their CPUs with their stacks freed. */
	while (p->p_nthreads > 1 || p->p_ndying > 0) {
		if (p->p_singlelwp != l) {
			KASSERT(flag == P_SINGLE, "an exit was taken over");
			__atomic_and_fetch(&p->p_flags, ~P_SINGLE, __ATOMIC_RELEASE);
			return (EINTR);
		}
		msleep(&p->p_nthreads, &p->p_lock, 0, "single", 0);
	}
	if (flag != P_WEXIT) {
		__atomic_and_fetch(&p->p_flags, ~flag, __ATOMIC_RELEASE);
		p->p_singlelwp = NULL;
	}
	return (0);
}
