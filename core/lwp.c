/*
 * Lightweight processes (DragonFly): more than one thread of control in a
 * process, sharing its address space, descriptors and everything else
 * but the registers and the kernel stack.
 *
 * Ending lwps other than the caller (exit, execv) is cooperative: the
 * process is flagged, sleepers are woken, and each lwp leaves through
 * lwp_exit_self() on its way back to user mode (userret), while the
 * survivor waits on p_nthreads.
 */
#include "proc.h"
#include "syscall.h"
#include "trap.h"
#include "vm.h"

/*
 * The lwp that is not the process's last goes away alone; the last one's
 * exit is the process's, with status 0.
 */
__noreturn void
lwp_exit_self(struct lwp *l)
{
	struct proc *p = l->l_proc;

	if (p->p_nthreads == 1)
		exit1(p, W_EXITCODE(0, 0));
	lwp_tree_remove(p, l);
	wakeup(&p->p_nthreads);
	sched_exit();
}

void
proc_single_lwp(struct proc *p, struct lwp *l, int flag)
{
	struct lwp *other;

	p->p_flags |= flag;
	p->p_singlelwp = l;
	FOREACH_LWP_IN_PROC(other, p)
		if (other != l)
			sched_unsleep(other);
	while (p->p_nthreads > 1)
		tsleep_nosig(&p->p_nthreads, "single");
	if (flag != P_WEXIT) {
		p->p_flags &= ~flag;
		p->p_singlelwp = NULL;
	}
}

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
	lwp_tid_insert(p, l2);
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
	lwp_tree_remove(p, l2);
	lwp_free(l2);
	return (error);
}

int
sys_lwp_gettid(struct lwp *l, const register_t *args __unused, register_t *rv)
{
	*rv = (register_t)l->l_tid;
	return (0);
}

int
sys_lwp_exit(struct lwp *l, const register_t *args __unused, register_t *rv __unused)
{
	lwp_exit_self(l);
}

static int
tid_key_cmp(const void *key, const struct rb_node *n)
{
	lwpid_t tid = *(const lwpid_t *)key;
	lwpid_t ntid = rb_entry(n, struct lwp, l_rbnode)->l_tid;

	return (tid < ntid ? -1 : tid > ntid);
}

/*
 * lwp_kill(pid, tid, sig): signals belong to the process in forkrt (no
 * handlers, every default action ends all of it), so this checks that the
 * lwp exists and posts sig to its process.
 */
int
sys_lwp_kill(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p;
	pid_t pid = (pid_t)args[0];
	lwpid_t tid = (lwpid_t)args[1];
	int sig = (int)args[2];

	if (sig < 0 || sig >= NSIG)
		return (EINVAL);
	p = pid == -1 || pid == 0 ? l->l_proc : pfind(pid);
	if (p == NULL || p->p_stat != SACTIVE ||
	    rb_find(&p->p_lwptree, &tid, tid_key_cmp) == NULL)
		return (ESRCH);
	if (l->l_proc->p_uid != 0 && l->l_proc->p_uid != p->p_uid)
		return (EPERM);
	if (sig != 0)
		psignal(p, sig);
	return (0);
}
