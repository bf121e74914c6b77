/*
 * The process table: allproc and zombproc, the pid hash, and the
 * allocation of proc and lwp structures with their kernel stacks.
 */
#include "hal.h"
#include "kstack.h"
#include "lwp.h"
#include "page.h"
#include "pid.h"
#include "proc.h"
#include "sched.h"
#include "sysctl.h"

#define PIDHASH_SIZE	1024	/* power of two */

struct proc proc0, *initproc;
struct lwp lwp0;

struct proclist allproc, zombproc;			/* (t) */
static struct proclist pidhash[PIDHASH_SIZE];		/* (t) */
int nprocs;						/* (t) */
SYSCTL_INT("kern.nprocs", nprocs);

static inline struct proclist *
pidhash_chain(pid_t pid)
{
	return (&pidhash[(unsigned)pid & (PIDHASH_SIZE - 1)]);
}

void
proc_init(void)
{
	LIST_INIT(&allproc);
	LIST_INIT(&zombproc);
	for (unsigned i = 0; i < PIDHASH_SIZE; i++)
		LIST_INIT(&pidhash[i]);

	/* proc0 is the kernel itself; lwp0 runs kmain and then idles. */
	spin_init(&proc0.p_lock, "proc");
	proc0.p_pid = 0;
	proc0.p_stat = SACTIVE;
	proc0.p_flags = P_SYSTEM;
	strlcpy(proc0.p_comm, "kernel", sizeof(proc0.p_comm));
	LIST_INIT(&proc0.p_children);
	/* The reaper of kernel threads, and of init until init is one itself. */
	proc0.p_treeflag = P_TREE_REAPER;
	proc0.p_reaper = &proc0;
	TAILQ_INIT(&proc0.p_reaplist);
	lwp_tree_init(&proc0);
	lwp0.l_proc = &proc0;
	lwp0.l_stat = LSRUN;
	lwp0.l_affinity = CPUSET_BIT(0);
	lwp0.l_flags = LW_IDLE;
	lwp0.l_running = true;
	lwp0.l_cpu = curcpu();
	curcpu()->ci_curlwp = &lwp0;
	curcpu()->ci_idlelwp = &lwp0;
	lwp_tid_insert(&proc0, &lwp0);
	LIST_INSERT_HEAD(&allproc, &proc0, p_list);
	LIST_INSERT_HEAD(pidhash_chain(0), &proc0, p_hash);
	spin_lock(&proctree_lock);
	proc_id_set(PROC_ID_PID, 0);
	spin_unlock(&proctree_lock);
	nprocs = 1;
}

struct proc *
proc_alloc(void)
{
	struct proc *p;

	if ((p = kzalloc(sizeof(*p))) == NULL)
		return (NULL);
	spin_init(&p->p_lock, "proc");
	p->p_stat = SIDL;
	LIST_INIT(&p->p_children);
	lwp_tree_init(p);
	return (p);
}

void
proc_free(struct proc *p)
{
	KASSERT(p->p_nthreads == 0, "process still has lwps");
	KASSERT(p->p_holdcnt == 0, "process still held");
	kfree(p->p_siginfo);
	kfree(p);
}

/*
 * Enter p, whose p_pid is set, into allproc, the pid hash, the pid map
 * and its parent's children.  Called with proctree_lock held; fork1 has already counted p in
 * nprocs, when it reserved the slot.
 */
int
proc_add(struct proc *p, struct proc *parent)
{
	KASSERT(spin_held(&proctree_lock), "proctree_lock");
	LIST_INSERT_HEAD(&allproc, p, p_list);
	LIST_INSERT_HEAD(pidhash_chain(p->p_pid), p, p_hash);
	proc_id_set(PROC_ID_PID, p->p_pid);
	p->p_pptr = parent;
	LIST_INSERT_HEAD(&parent->p_children, p, p_sibling);
	return (0);
}

/* The live or zombie process with this pid, or NULL.  Valid while proctree_lock is held. */
struct proc *
pfind(pid_t pid)
{
	struct proc *p;

	KASSERT(spin_held(&proctree_lock), "pfind without proctree_lock");
	LIST_FOREACH(p, pidhash_chain(pid), p_hash)
		if (p->p_pid == pid)
			return (p);
	return (NULL);
}

struct lwp *
lwp_alloc(struct proc *p)
{
	struct lwp *l;
	vaddr_t kstack;

	if ((l = kzalloc(sizeof(*l))) == NULL)
		return (NULL);
	if (kstack_alloc(&kstack) != 0) {
		kfree(l);
		return (NULL);
	}
	l->l_md.md_kstack = kstack;
	l->l_proc = p;
	l->l_stat = LSIDL;
	l->l_affinity = ~(cpuset_t)0;
	return (l);
}

void
lwp_free(struct lwp *l)
{
	kstack_free(l->l_md.md_kstack);
	kfree(l->l_siginfo);
	kfree(l);
}
