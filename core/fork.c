/*
 * Process creation.
 *
 * fork1() builds a child and leaves it stopped (SIDL); start_forked_proc()
 * lets it run.  The split is DragonFly's: whatever the caller still has to
 * do to the child (a kernel thread's entry point, RFSTOPPED) happens
 * between the two.  Which resources the child shares and which it copies
 * is decided by the rfork flags, FreeBSD's numbering, DragonFly's checks.
 */
#include "fail.h"
#include "file.h"
#include "fork.h"
#include "lwp.h"
#include "pid.h"
#include "pmap.h"
#include "proc.h"
#include "reaper.h"
#include "resource.h"
#include "sched.h"
#include "session.h"
#include "signalvar.h"
#include "sysctl.h"
#include "trap.h"
#include "vm.h"
#include "vmmeter.h"

#define PROC_RESERVE	10	/* slots below maxproc only root may take */

int maxproc;			/* (*) kern.maxproc; sized from memory at boot */

/*
 * at_fork callouts: run for every fork once parent and child are set up.
 * Registered at boot, before a second CPU runs: the list is then read
 * without a lock.
 */
struct forklist {
	forklist_fn		*function;
	TAILQ_ENTRY(forklist)	next;
};
static TAILQ_HEAD(, forklist) fork_list = { NULL, &fork_list.tqh_first };

int
at_fork(forklist_fn *function)
{
	struct forklist *ep;

	rm_at_fork(function);
	if ((ep = kmalloc(sizeof(*ep))) == NULL)
		return (ENOMEM);
	ep->function = function;
	TAILQ_INSERT_TAIL(&fork_list, ep, next);
	return (0);
}

/* Remove a callout; true if it was registered. */
bool
rm_at_fork(forklist_fn *function)
{
	struct forklist *ep;

	TAILQ_FOREACH(ep, &fork_list, next) {
		if (ep->function == function) {
			TAILQ_REMOVE(&fork_list, ep, next);
			kfree(ep);
			return (true);
		}
	}
	return (false);
}

static int
maxproc_set(int v)
{
	if (v < PROC_RESERVE + 1 || v > PID_MAX)
		return (EINVAL);
	maxproc = v;
	return (0);
}
SYSCTL_INT_RW("kern.maxproc", maxproc, maxproc_set);

/*
 * The throttle against fork bombs: a console line at most once a second,
 * and a short sleep before the caller sees EAGAIN, so that a loop of
 * failing forks does not eat the machine.
 */
static int
fork_refused(struct proc *p1)
{
	static volatile uint64_t last_msg_tick;
	static volatile bool said;
	uint64_t last = last_msg_tick;

	/* Two CPUs may both print once: a line more, never a line lost. */
	if (!said || ticks - last >= HZ) {
		said = true;
		last_msg_tick = ticks;
		printf("forkrt: maxproc limit exceeded by uid %u, see kern.maxproc "
		    "and RLIMIT_NPROC\n", p1->p_uid);
	}
	if (p1 != &proc0)
		pause("fork", HZ / 2);
	return (EAGAIN);
}

/* Pages in the writable part of vm, what the v_*forkpages counters add up. */
static unsigned
vm_data_pages(struct vmspace *vm)
{
	struct vm_map_entry *e;
	size_t n = 0;

	TAILQ_FOREACH(e, &vm->entries, link)
		if (e->prot & VM_PROT_WRITE)
			n += (e->end - e->start) >> PAGE_SHIFT;
	return ((unsigned)n);
}

static void
count_one(unsigned *count, unsigned *pagecount, unsigned pages)
{
	__atomic_add_fetch(count, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(pagecount, pages, __ATOMIC_RELAXED);
}

static void
count_fork(struct proc *p1, struct proc *p2, int flags)
{
	unsigned pages = 0;

	if (p2->p_vmspace != NULL) {
		spin_lock(&p2->p_vmspace->lock);
		pages = vm_data_pages(p2->p_vmspace);
		spin_unlock(&p2->p_vmspace->lock);
	}
	if (flags == (RFFDG | RFPROC))
		count_one(&vmcnt.v_forks, &vmcnt.v_forkpages, pages);
	else if ((unsigned)flags == (RFFDG | RFPROC | RFPPWAIT | RFMEM))
		count_one(&vmcnt.v_vforks, &vmcnt.v_vforkpages, pages);
	else if (p1 == &proc0)
		count_one(&vmcnt.v_kthreads, &vmcnt.v_kthreadpages, pages);
	else
		count_one(&vmcnt.v_rforks, &vmcnt.v_rforkpages, pages);
}

/*
 * rfork without RFPROC acts on the caller: a private copy of a shared
 * address space unless RFMEM, then the descriptor table per RFFDG/RFCFDG.
 * Not with more than one lwp (DragonFly): the others would see it change
 * under them.
 */
static int
rfork_self(struct lwp *l1, int flags)
{
	struct proc *p1 = l1->l_proc;
	struct vmspace *vm, *old;
	int error;

	if (p1->p_nthreads > 1)
		return (EINVAL);
	if ((flags & RFMEM) == 0 && p1->p_vmspace != NULL &&
	    __atomic_load_n(&p1->p_vmspace->ref, __ATOMIC_ACQUIRE) > 1) {
		if ((error = vm_fork(p1->p_vmspace, &vm)) != 0)
			return (error);
		old = p1->p_vmspace;
		p1->p_vmspace = vm;
		/* Off the old one first: the sharers may all have gone meanwhile. */
		pmap_activate(vm->pmap);
		vmspace_release(old);
	}
	return (fd_rfork_self(p1, flags));
}

/*
 * Create a new process from l1's, sharing or copying per flags.  flags have
 * passed the user checks (sys_rfork) or come from the kernel.  On success
 * *childp is the child, stopped, with every at_fork callout run; without
 * RFPROC the caller itself was changed and *childp is NULL.  On failure
 * every slot, count, reference and page fork1 took has been given back.
 */
int
fork1(struct lwp *l1, int flags, struct proc **childp)
{
	struct proc *p1 = l1->l_proc, *p2, *leader;
	struct forklist *ep;
	struct lwp *l2;
	uid_t uid = p1->p_uid;
	rlim_t nproc_max;
	int error;

	*childp = NULL;
	if ((flags & (RFFDG | RFCFDG)) == (RFFDG | RFCFDG))
		return (EINVAL);
	if ((flags & RFPROC) == 0)
		return (rfork_self(l1, flags));

	/*
	 * The last PROC_RESERVE slots are root's, so that root can still log
	 * in and kill a runaway; the per-uid limit counts the caller too.
	 */
	spin_lock(&p1->p_lock);
	nproc_max = uid != 0 ? lim_cur(p1, RLIMIT_NPROC) : 0;
	spin_unlock(&p1->p_lock);
	spin_lock(&proctree_lock);
	if ((nprocs >= maxproc - PROC_RESERVE && uid != 0) || nprocs >= maxproc ||
	    !chgproccnt(p1->p_uidinfo, 1, nproc_max)) {
		spin_unlock(&proctree_lock);
		return (fork_refused(p1));
	}
	nprocs++;
	spin_unlock(&proctree_lock);

	/*
	 * Each step has its fail point (debug.fail_point.fork_*), so that
	 * the tests reach every back-out path below on a real kernel.
	 */
	error = ENOMEM;
	if (FAIL_POINT(fork_proc_alloc) || (p2 = proc_alloc()) == NULL)
		goto fail_count;
	if (p1->p_vmspace == NULL || (flags & RFMEM)) {
		if ((p2->p_vmspace = p1->p_vmspace) != NULL)
			vmspace_hold(p2->p_vmspace);
	} else if ((error = FAIL_POINT_ERROR(fork_vmspace, ENOMEM)) != 0 ||
	    (error = vm_fork(p1->p_vmspace, &p2->p_vmspace)) != 0)
		goto fail_proc;
	if ((error = FAIL_POINT_ERROR(fork_fd, ENOMEM)) != 0 ||
	    (error = fd_fork(p1, p2, flags)) != 0)
		goto fail_vm;
	if ((error = FAIL_POINT_ERROR(fork_sigacts, ENOMEM)) != 0 ||
	    (error = sigacts_fork(p1, p2, flags)) != 0)
		goto fail_fd;
	error = ENOMEM;
	if (FAIL_POINT(fork_lwp) || (l2 = lwp_alloc(p2)) == NULL)
		goto fail_sig;

	/* Nothing below can fail but the pid.  p2 is nobody else's yet. */
	p2->p_uid = uid;
	spin_lock(&p1->p_lock);
	p2->p_limit = lim_hold(p1->p_limit);
	p2->p_flags = p1->p_flags & (P_SUGID | P_SYSTEM | P_KTHREAD);
	/* A child keeps its parent's CPU set, but kernel processes are not lwp0's. */
	l2->l_affinity = p1 == &proc0 ? ~(cpuset_t)0 : l1->l_affinity;
	/* POSIX: the caller's mask and alternate stack; nothing pending. */
	l2->l_sigmask = l1->l_sigmask;
	l2->l_sigstk = l1->l_sigstk;
	spin_unlock(&p1->p_lock);
	if (flags & RFPPWAIT)
		p2->p_flags |= P_PPWAIT;
	p2->p_sigparent = (flags & RFTSIGZMB) ? RFTSIGNUM(flags) :
	    (flags & RFLINUXTHPN) ? SIGUSR1 : SIGCHLD;
	p2->p_estcpu = p1->p_estcpu;
	memcpy(p2->p_comm, p1->p_comm, sizeof(p2->p_comm));
	p2->p_leader = (flags & RFTHREAD) ? p1->p_leader : p2;
	lwp_tid_insert(p2, l2);
	l2->l_cpu = curcpu();
	if (p1->p_vmspace != NULL)
		cpu_fork(l1, l2);

	spin_lock(&proctree_lock);
	/*
	 * RFPGLOCK (DragonFly): a group or broadcast kill walks the tree
	 * under proctree_lock, as we add the child to it here.  A kill that
	 * came before left its signal on the parent, which then must not
	 * make a child the kill could not see: give up, the parent takes the
	 * signal and, if it lives on, forks again (ERESTART).
	 */
	if ((error = FAIL_POINT_ERROR(fork_pid, EAGAIN)) == 0)
		error = sig_deliverable(l1) != 0 ||
		    (__atomic_load_n(&p1->p_flags, __ATOMIC_ACQUIRE) &
		    (P_WEXIT | P_SINGLE)) ? ERESTART : pid_alloc(flags, &p2->p_pid);
	if (error != 0) {
		spin_unlock(&proctree_lock);
		lwp_tree_remove(p2, l2);
		lwp_free(l2);
		lim_free(p2->p_limit);
		goto fail_sig;
	}
	p2->p_uidinfo = p1->p_uidinfo;
	p2->p_uidinfo->ui_ref++;
	proc_add(p2, reaper_fork(p1, p2, flags));
	pgrp_inherit(p2, p1);
	if (flags & RFTHREAD) {
		leader = p1->p_leader;
		p2->p_peers = leader->p_peers;
		leader->p_peers = p2;
		/*
		 * A leader that is exiting has already sent its peers SIGKILL
		 * (exit_peers): one joining now gets it too (FreeBSD).
		 */
		spin_lock(&leader->p_lock);
		if (leader->p_flags & P_WEXIT)
			p2->p_siglist |= SIGMASK(SIGKILL);
		spin_unlock(&leader->p_lock);
	}
	spin_unlock(&proctree_lock);

	count_fork(p1, p2, flags & ~(RFSTOPPED | RFSPAWNDFL));
	TAILQ_FOREACH(ep, &fork_list, next)
		ep->function(p1, p2, flags);
	*childp = p2;
	return (0);

fail_sig:
	sigacts_free(p2);
fail_fd:
	fd_exit(p2);
fail_vm:
	if (p2->p_vmspace != NULL)
		vmspace_release(p2->p_vmspace);
fail_proc:
	proc_free(p2);
fail_count:
	spin_lock(&proctree_lock);
	chgproccnt(p1->p_uidinfo, -1, 0);
	nprocs--;
	spin_unlock(&proctree_lock);
	return (error);
}

/* Make a child fork1 built runnable, unless it was asked to stay stopped. */
void
start_forked_proc(struct proc *p2, int flags)
{
	struct lwp *l2 = lwp_first(p2);

	spin_lock(&proctree_lock);
	spin_lock(&p2->p_lock);
	KASSERT(p2->p_stat == SIDL, "start of a started process");
	p2->p_stat = SACTIVE;
	spin_unlock(&p2->p_lock);
	spin_unlock(&proctree_lock);
	if (flags & RFSTOPPED) {
		spin_lock(&sleepq_lock);
		l2->l_stat = LSSTOP;
		spin_unlock(&sleepq_lock);
	} else
		sched_setrun_forked(l2);
}

/* Take p out of its RFTHREAD group (exit).  proctree_lock held. */
void
peers_unlink(struct proc *p)
{
	struct proc *q;

	KASSERT(spin_held(&proctree_lock), "peers_unlink without proctree_lock");
	if (p->p_leader == NULL || p->p_leader == p)
		return;
	for (q = p->p_leader; q->p_peers != NULL; q = q->p_peers) {
		if (q->p_peers == p) {
			q->p_peers = p->p_peers;
			break;
		}
	}
	p->p_peers = NULL;
}
