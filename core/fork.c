/*
 * Process creation.
 *
 * fork1() builds a child and leaves it stopped (SIDL); start_forked_proc()
 * lets it run.  The split is DragonFly's: whatever the caller still has to
 * do to the child (a kernel thread's entry point, RFSTOPPED) happens
 * between the two.  Which resources the child shares and which it copies
 * is decided by the rfork flags, FreeBSD's numbering, DragonFly's checks.
 */
#include "file.h"
#include "pmap.h"
#include "proc.h"
#include "resource.h"
#include "session.h"
#include "signalvar.h"
#include "trap.h"
#include "vm.h"
#include "vmmeter.h"

#define PROC_RESERVE	10	/* slots below maxproc only root may take */

int maxproc;			/* kern.maxproc; sized from memory at boot */

/*
 * debug.fork_fail_at: while N (1..6) is set, step N of every fork fails as
 * if memory (or, for step 6, pids) ran out, so that the tests reach each
 * back-out path of fork1 on real hardware state.
 */
static int fork_fail_at;
#define FORK_FAIL_STEPS	6
#define FAIL_AT(n)	__predict_false(fork_fail_at == (n))
struct vmmeter vmcnt;
static int forksleep;		/* where a refused fork sleeps */

/* at_fork callouts: run for every fork once parent and child are set up. */
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

int
fork_fail_at_get(void)
{
	return (fork_fail_at);
}

int
fork_fail_at_set(int v)
{
	if (v < 0 || v > FORK_FAIL_STEPS)
		return (EINVAL);
	fork_fail_at = v;
	return (0);
}

int
maxproc_set(int v)
{
	if (v < PROC_RESERVE + 1 || v > 99999)
		return (EINVAL);
	maxproc = v;
	return (0);
}

/*
 * The throttle against fork bombs: a console line at most once a second,
 * and a short sleep before the caller sees EAGAIN, so that a loop of
 * failing forks does not eat the machine.
 */
static int
fork_refused(struct proc *p1)
{
	static uint64_t last_msg_tick;
	static bool said;

	if (!said || ticks - last_msg_tick >= HZ) {
		printf("forkrt: maxproc limit exceeded by uid %u, see kern.maxproc "
		    "and RLIMIT_NPROC\n", p1->p_uid);
		last_msg_tick = ticks;
		said = true;
	}
	if (curlwp != &lwp0)
		tsleep_timo(&forksleep, "fork", HZ / 2);
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
count_fork(struct proc *p1, struct proc *p2, int flags)
{
	unsigned pages = p2->p_vmspace != NULL ? vm_data_pages(p2->p_vmspace) : 0;

	if (flags == (RFFDG | RFPROC)) {
		vmcnt.v_forks++;
		vmcnt.v_forkpages += pages;
	} else if ((unsigned)flags == (RFFDG | RFPROC | RFPPWAIT | RFMEM)) {
		vmcnt.v_vforks++;
		vmcnt.v_vforkpages += pages;
	} else if (p1 == &proc0) {
		vmcnt.v_kthreads++;
		vmcnt.v_kthreadpages += pages;
	} else {
		vmcnt.v_rforks++;
		vmcnt.v_rforkpages += pages;
	}
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
	struct vmspace *vm;
	int error;

	if (p1->p_nthreads > 1)
		return (EINVAL);
	if ((flags & RFMEM) == 0 && p1->p_vmspace != NULL && p1->p_vmspace->ref > 1) {
		if ((error = vm_fork(p1->p_vmspace, &vm)) != 0)
			return (error);
		vmspace_release(p1->p_vmspace);
		p1->p_vmspace = vm;
		pmap_activate(vm->pmap);
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
	struct proc *p1 = l1->l_proc, *p2;
	struct forklist *ep;
	struct lwp *l2;
	uid_t uid = p1->p_uid;
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
	if ((nprocs >= maxproc - PROC_RESERVE && uid != 0) || nprocs >= maxproc)
		return (fork_refused(p1));
	nprocs++;
	if (!chgproccnt(p1->p_uidinfo, 1, uid != 0 ? lim_cur(p1, RLIMIT_NPROC) : 0)) {
		nprocs--;
		return (fork_refused(p1));
	}

	error = ENOMEM;
	if (FAIL_AT(1) || (p2 = proc_alloc()) == NULL)
		goto fail_count;
	if (p1->p_vmspace == NULL || (flags & RFMEM)) {
		if ((p2->p_vmspace = p1->p_vmspace) != NULL)
			vmspace_hold(p2->p_vmspace);
	} else if ((error = FAIL_AT(2) ? ENOMEM :
	    vm_fork(p1->p_vmspace, &p2->p_vmspace)) != 0)
		goto fail_proc;
	if ((error = FAIL_AT(3) ? ENOMEM : fd_fork(p1, p2, flags)) != 0)
		goto fail_vm;
	if ((error = FAIL_AT(4) ? ENOMEM : sigacts_fork(p1, p2, flags)) != 0)
		goto fail_fd;
	error = ENOMEM;
	if (FAIL_AT(5) || (l2 = lwp_alloc(p2)) == NULL)
		goto fail_sig;

	/* Nothing below can fail but the pid. */
	p2->p_uid = uid;
	p2->p_uidinfo = p1->p_uidinfo;
	p2->p_uidinfo->ui_ref++;
	p2->p_limit = lim_hold(p1->p_limit);
	p2->p_flags = p1->p_flags & (P_SUGID | P_SYSTEM | P_KTHREAD);
	if (flags & RFPPWAIT)
		p2->p_flags |= P_PPWAIT;
	p2->p_sigparent = (flags & RFLINUXTHPN) ? SIGUSR1 : SIGCHLD;
	p2->p_estcpu = p1->p_estcpu;
	memcpy(p2->p_comm, p1->p_comm, sizeof(p2->p_comm));
	if (flags & RFTHREAD) {
		p2->p_leader = p1->p_leader;
		p2->p_peers = p1->p_leader->p_peers;
		p1->p_leader->p_peers = p2;
	} else
		p2->p_leader = p2;
	lwp_tid_insert(p2, l2);
	if (p1->p_vmspace != NULL)
		cpu_fork(l1, l2);

	spin_lock(&proc_lock);
	if ((error = FAIL_AT(6) ? EAGAIN : pid_alloc(flags, &p2->p_pid)) != 0) {
		spin_unlock(&proc_lock);
		peers_unlink(p2);
		lwp_tree_remove(p2, l2);
		lwp_free(l2);
		lim_free(p2->p_limit);
		uifree(p2->p_uidinfo);
		goto fail_sig;
	}
	proc_add(p2, (flags & RFNOWAIT) && initproc != NULL ? initproc : p1);
	pgrp_inherit(p2, p1);
	spin_unlock(&proc_lock);

	count_fork(p1, p2, flags & ~RFSTOPPED);
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
	chgproccnt(p1->p_uidinfo, -1, 0);
	nprocs--;
	return (error);
}

/* Make a child fork1 built runnable, unless it was asked to stay stopped. */
void
start_forked_proc(struct proc *p2, int flags)
{
	struct lwp *l2 = lwp_first(p2);

	KASSERT(p2->p_stat == SIDL, "start of a started process");
	p2->p_stat = SACTIVE;
	if (flags & RFSTOPPED)
		l2->l_stat = LSSTOP;
	else
		sched_setrun(l2);
}

/* Take p out of its RFTHREAD group (exit, or a fork that failed late). */
void
peers_unlink(struct proc *p)
{
	struct proc *q;

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
