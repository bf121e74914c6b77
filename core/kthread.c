/*
 * Kernel threads: processes forked from proc0 (RFSTOPPED, so they can be
 * given a kernel entry point before they first run) that live in the
 * kernel only.  When one ends it passes to init, which reaps it like any
 * orphan (FreeBSD's kthread_exit).
 */
#include "exit.h"
#include "fork.h"
#include "kthread.h"
#include "lwp.h"
#include "proc.h"
#include "sched.h"
#include "sysctl.h"
#include "trap.h"
#include "vmmeter.h"

struct kthread_start {
	void	(*func)(void *);
	void	*arg;
};

static void
kthread_entry(struct lwp *l)
{
	struct kthread_start *ks = l->l_kstart;
	void (*func)(void *) = ks->func;
	void *arg = ks->arg;

	l->l_kstart = NULL;
	kfree(ks);
	sched_lwp_start();
	func(arg);
	kthread_exit();
}

/*
 * Start func(arg) in a new kernel thread called name.  RFHIGHPID gives
 * kernel threads the low ids that user processes skip.  0 and *pp (if not
 * NULL) the thread's process, or EAGAIN / ENOMEM with nothing left behind.
 */
int
kthread_create(void (*func)(void *), void *arg, struct proc **pp, const char *name)
{
	struct kthread_start *ks;
	struct proc *p;
	struct lwp *l;
	int error;

	if ((ks = kmalloc(sizeof(*ks))) == NULL)
		return (ENOMEM);
	ks->func = func;
	ks->arg = arg;
	error = fork1(&lwp0, RFMEM | RFFDG | RFPROC | RFSTOPPED | RFHIGHPID, &p);
	if (error != 0) {
		kfree(ks);
		return (error);
	}
	spin_lock(&p->p_lock);
	p->p_flags |= P_SYSTEM | P_KTHREAD;
	spin_unlock(&p->p_lock);
	strlcpy(p->p_comm, name, sizeof(p->p_comm));
	l = lwp_first(p);
	l->l_kstart = ks;
	cpu_set_kthread(l, kthread_entry);
	start_forked_proc(p, 0);
	if (pp != NULL)
		*pp = p;
	return (0);
}

/* End the calling kernel thread; init collects it. */
__noreturn void
kthread_exit(void)
{
	struct proc *p = curproc();

	spin_lock(&proctree_lock);
	if (initproc != NULL && p->p_pptr != initproc) {
		LIST_REMOVE(p, p_sibling);
		p->p_pptr = initproc;
		LIST_INSERT_HEAD(&initproc->p_children, p, p_sibling);
	}
	spin_unlock(&proctree_lock);
	exit1(p, W_EXITCODE(0, 0));
}

/*
 * debug.kthread_test: writing N (root only) starts a kernel thread that
 * yields N times, counting in debug.kthread_runs, and exits; a way for the
 * guest suites to see kernel threads come and go.
 */
static int kthread_runs;		/* (a) */

static void
kthread_test_body(void *arg)
{
	for (intptr_t i = 0; i < (intptr_t)arg; i++) {
		__atomic_add_fetch(&kthread_runs, 1, __ATOMIC_RELAXED);
		sched_yield();
	}
}

static int
kthread_test_set(int n)
{
	if (n < 0 || n > 1000000)
		return (EINVAL);
	return (kthread_create(kthread_test_body, (void *)(intptr_t)n, NULL, "ktest"));
}

static int
kthread_runs_get(void)
{
	return (kthread_runs);
}
SYSCTL_PROC_RW("debug.kthread_test", kthread_runs_get, kthread_test_set);
