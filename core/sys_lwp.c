/*
 * The lwp system calls (DragonFly's lwp_create, lwp_gettid, lwp_exit,
 * lwp_kill; NetBSD's _lwp_setprivate).  The lwps themselves, and how
 * they end, are lwp.c's.
 */
#include "exit.h"
#include "lwp.h"
#include "proc.h"
#include "sched.h"
#include "signalvar.h"
#include "syscall.h"
#include "trap.h"
#include "vm.h"
#include "vmparam.h"

/*
 * lwp_create(params, trampoline).  The raw DragonFly call starts the new
 * lwp at lwp_func(lwp_arg) on lwp_stack.  With a non-zero trampoline (what
 * the C library passes) the kernel instead stores {lwp_func, lwp_arg} on
 * top of the new stack and starts trampoline(block), which calls the
 * function and then lwp_exit(), so that returning from lwp_func is safe.
 * The new tid is copied out to lwp_tid1 and lwp_tid2 when they are set.
 * Any failure undoes everything: the tree entry, the count, the memory.
 */
int
sys_lwp_create(struct lwp *l, const register_t *args, register_t *rv)
{
	struct proc *p = l->l_proc;
	struct vmspace *vm = p->p_vmspace;
	struct lwp_params params;
	vaddr_t sp, tramp = args[1];
	struct lwp *l2;
	int error;

	if ((error = copyin(vm, args[0], &params, sizeof(params))) != 0)
		return (error);
	sp = (vaddr_t)params.lwp_stack & ~(vaddr_t)15;
	if (sp <= VM_MIN_USER || sp > VM_MAX_USER ||
	    (vaddr_t)params.lwp_func < VM_MIN_USER ||
	    (vaddr_t)params.lwp_func >= VM_MAX_USER ||
	    (tramp != 0 && (tramp < VM_MIN_USER || tramp >= VM_MAX_USER)))
		return (EINVAL);
	if ((l2 = lwp_alloc(p)) == NULL)
		return (ENOMEM);
	spin_lock(&p->p_lock);
	/* An exit or exec already under way would never wait for this one. */
	if (p->p_flags & (P_WEXIT | P_SINGLE)) {
		spin_unlock(&p->p_lock);
		lwp_free(l2);
		return (EINTR);
	}
	lwp_tid_insert(p, l2);
	l2->l_affinity = l->l_affinity;
	/* FreeBSD's thr_new: the creator's mask, no alternate stack. */
	l2->l_sigmask = l->l_sigmask;
	l2->l_sigstk = (stack_t){ .ss_flags = SS_DISABLE };
	l2->l_cpu = curcpu();
	spin_unlock(&p->p_lock);
	if (tramp != 0) {
		uint64_t block[2] = { (uint64_t)params.lwp_func, (uint64_t)params.lwp_arg };

		sp -= sizeof(block);
		if ((error = copyout(vm, block, sp, sizeof(block))) != 0)
			goto fail;
		cpu_set_user(l2, tramp, sp, sp);
	} else
		cpu_set_user(l2, (vaddr_t)params.lwp_func, sp,
		    (uintptr_t)params.lwp_arg);
	if (params.lwp_tid1 != NULL && (error = copyout(vm, &l2->l_tid,
	    (vaddr_t)params.lwp_tid1, sizeof(l2->l_tid))) != 0)
		goto fail;
	if (params.lwp_tid2 != NULL && (error = copyout(vm, &l2->l_tid,
	    (vaddr_t)params.lwp_tid2, sizeof(l2->l_tid))) != 0)
		goto fail;
	sched_setrun(l2);
	*rv = 0;
	return (0);
fail:
	spin_lock(&p->p_lock);
	lwp_tree_remove(p, l2);
	wakeup(&p->p_nthreads);
	spin_unlock(&p->p_lock);
	lwp_free(l2);
	return (error);
}

int
sys_lwp_gettid(struct lwp *l, const register_t *args __unused, register_t *rv)
{
	*rv = (register_t)l->l_tid;
	return (0);
}

/*
 * lwp_setprivate(addr), NetBSD's _lwp_setprivate: the caller's user thread
 * pointer, kept across switches, copied by fork, cleared by exec.  Any
 * value is allowed: only user mode dereferences it.
 */
int
sys_lwp_setprivate(struct lwp *l, const register_t *args, register_t *rv)
{
	cpu_lwp_setprivate(l, (uintptr_t)args[0]);
	*rv = 0;
	return (0);
}

int
sys_lwp_exit(struct lwp *l, const register_t *args __unused, register_t *rv __unused)
{
	lwp_exit_self(l);
	exit1(l->l_proc, W_EXITCODE(0, 0));
}

/*
 * lwp_kill(pid, tid, sig): sig for that one lwp (pthread_kill, raise);
 * pid -1 or 0 is the caller's process.  ESRCH when there is no such lwp.
 */
int
sys_lwp_kill(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *cur = l->l_proc, *p;
	pid_t pid = (pid_t)args[0];
	lwpid_t tid = (lwpid_t)args[1];
	int sig = (int)args[2], error = 0;
	struct ksiginfo ksi = { .ksi_code = SI_LWP, .ksi_pid = cur->p_pid,
	    .ksi_uid = cur->p_uid };
	bool found;

	if (sig < 0 || sig >= NSIG)
		return (EINVAL);
	spin_lock(&proctree_lock);
	p = pid == -1 || pid == 0 ? cur : pfind(pid);
	if (p == NULL) {
		spin_unlock(&proctree_lock);
		return (ESRCH);
	}
	spin_lock(&p->p_lock);
	found = p->p_stat == SACTIVE && tid >= 0 && lwp_find(p, tid) != NULL;
	spin_unlock(&p->p_lock);
	if (!found)
		error = ESRCH;
	else if (cur->p_uid != 0 && cur->p_uid != p->p_uid)
		error = EPERM;
	else if (sig != 0)
		psignal_info(p, tid, sig, &ksi);
	spin_unlock(&proctree_lock);
	return (error);
}
