/*
 * CPU affinity and the running CPU: FreeBSD's cpuset_setaffinity(2) and
 * cpuset_getaffinity(2) at CPU_LEVEL_WHICH for an lwp (CPU_WHICH_TID) or
 * every lwp of a process (CPU_WHICH_PID), and sched_getcpu().
 *
 * A new mask takes effect on the lwp's next pass through userret(): an
 * lwp running on a CPU it may no longer use is sent there at once.
 */
#include "lwp.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "vm.h"

/* FreeBSD's CPU_MAXSIZE / NBBY: the largest set a call may pass. */
#define CPUSET_MAXBYTES	128

/* The CPUs that exist, as a mask. */
static cpuset_t
cpus_all(void)
{
	return (ncpus >= 64 ? ~(cpuset_t)0 : CPUSET_BIT(ncpus) - 1);
}

/*
 * Find the target (with p_lock held on return): *pp the process, *lp the
 * lwp for CPU_WHICH_TID (NULL for CPU_WHICH_PID).  Another process needs
 * root or the same uid, as for kill.
 */
static int
cpuset_target(struct lwp *l, register_t which, int64_t id, struct proc **pp,
    struct lwp **lp)
{
	struct proc *p = l->l_proc;

	*lp = NULL;
	if (which == CPU_WHICH_TID) {
		spin_lock(&p->p_lock);
		if (id == -1)
			*lp = l;
		else if (id < 0 || id > INT32_MAX ||
		    (*lp = lwp_find(p, (lwpid_t)id)) == NULL) {
			spin_unlock(&p->p_lock);
			return (ESRCH);
		}
		*pp = p;
		return (0);
	}
	if (which != CPU_WHICH_PID)
		return (EINVAL);
	if (id != -1 && id != 0 && id != p->p_pid) {
		spin_lock(&proctree_lock);
		if (id < 0 || id > INT32_MAX || (p = pfind((pid_t)id)) == NULL ||
		    p->p_stat != SACTIVE || (p->p_flags & P_SYSTEM)) {
			spin_unlock(&proctree_lock);
			return (ESRCH);
		}
		if (l->l_proc->p_uid != 0 && l->l_proc->p_uid != p->p_uid) {
			spin_unlock(&proctree_lock);
			return (EPERM);
		}
		spin_lock(&p->p_lock);
		spin_unlock(&proctree_lock);
	} else
		spin_lock(&p->p_lock);
	*pp = p;
	return (0);
}

/*
 * cpuset_setaffinity(level, which, id, setsize, mask).  A set may be
 * larger than forkrt's one word (FreeBSD's up to CPU_MAXSIZE bits): the
 * words past it must be empty.
 */
int
sys_cpuset_setaffinity(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	uint64_t words[CPUSET_MAXBYTES / sizeof(uint64_t)] = { 0 };
	struct lwp *target, *other;
	size_t size = args[3];
	struct proc *p;
	cpuset_t mask;
	int error;

	if ((int)args[0] != CPU_LEVEL_WHICH)
		return (EINVAL);
	if (size < sizeof(struct cpuset) || size > CPUSET_MAXBYTES)
		return (ERANGE);
	if ((error = copyin(l->l_proc->p_vmspace, args[4], words, size)) != 0)
		return (error);
	for (size_t i = 1; i < nitems(words); i++)
		if (words[i] != 0)
			return (EINVAL);
	mask = words[0];
	/* FreeBSD: a set naming CPUs that do not exist, or none at all. */
	if ((mask & ~cpus_all()) != 0)
		return (EINVAL);
	if (mask == 0)
		return (EDEADLK);
	if ((error = cpuset_target(l, args[1], (int64_t)args[2], &p, &target)) != 0)
		return (error);
	FOREACH_LWP_IN_PROC(other, p) {
		if (target != NULL && other != target)
			continue;
		__atomic_store_n(&other->l_affinity, mask, __ATOMIC_RELEASE);
		if (other != l)
			sched_kick(other);
	}
	spin_unlock(&p->p_lock);
	return (0);
}

/* cpuset_getaffinity(level, which, id, setsize, mask): the whole setsize written, zeros past the CPUs. */
int
sys_cpuset_getaffinity(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	uint64_t words[CPUSET_MAXBYTES / sizeof(uint64_t)] = { 0 };
	size_t size = args[3];
	struct lwp *target;
	struct proc *p;
	int error;

	if ((int)args[0] != CPU_LEVEL_WHICH)
		return (EINVAL);
	if (size < sizeof(struct cpuset) || size > CPUSET_MAXBYTES)
		return (ERANGE);
	if ((error = cpuset_target(l, args[1], (int64_t)args[2], &p, &target)) != 0)
		return (error);
	/* A process's mask: the union of its lwps'. */
	if (target == NULL)
		FOREACH_LWP_IN_PROC(target, p)
			words[0] |= target->l_affinity;
	else
		words[0] = target->l_affinity;
	spin_unlock(&p->p_lock);
	words[0] &= cpus_all();
	return (copyout(l->l_proc->p_vmspace, words, args[4], size));
}

int
sys_sched_getcpu(struct lwp *l __unused, const register_t *args __unused,
    register_t *rv)
{
	*rv = curcpu()->ci_id;
	return (0);
}
