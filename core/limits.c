/*
 * Per-uid process accounting (FreeBSD's chgproccnt) and resource limits
 * shared copy-on-write between a parent and its children; getrlimit,
 * setrlimit and setuid.
 */
#include "proc.h"
#include "resource.h"
#include "syscall.h"
#include "sysctl.h"
#include "vm.h"

#define UIHASH_SIZE	64

/* The uid hash and every uidinfo count and reference are (t): proctree_lock. */
static LIST_HEAD(, uidinfo) uihash[UIHASH_SIZE];
int maxprocperuid;		/* kern.maxprocperuid: the default RLIMIT_NPROC */

struct uidinfo *
uifind(uid_t uid)
{
	struct uidinfo *ui;

	KASSERT(spin_held(&proctree_lock), "uifind without proctree_lock");
	LIST_FOREACH(ui, &uihash[uid % UIHASH_SIZE], ui_hash) {
		if (ui->ui_uid == uid) {
			ui->ui_ref++;
			return (ui);
		}
	}
	if ((ui = kzalloc(sizeof(*ui))) == NULL)
		return (NULL);
	ui->ui_uid = uid;
	ui->ui_ref = 1;
	LIST_INSERT_HEAD(&uihash[uid % UIHASH_SIZE], ui, ui_hash);
	return (ui);
}

void
uifree(struct uidinfo *ui)
{
	KASSERT(spin_held(&proctree_lock), "uifree without proctree_lock");
	KASSERT(ui->ui_ref > 0, "uidinfo released too often");
	if (--ui->ui_ref > 0)
		return;
	KASSERT(ui->ui_proccnt == 0, "uidinfo freed with processes counted");
	LIST_REMOVE(ui, ui_hash);
	kfree(ui);
}

bool
chgproccnt(struct uidinfo *ui, long diff, rlim_t max)
{
	KASSERT(spin_held(&proctree_lock), "chgproccnt without proctree_lock");
	if (diff > 0 && max != 0 && ui->ui_proccnt + diff > max)
		return (false);
	ui->ui_proccnt += diff;
	KASSERT(ui->ui_proccnt >= 0, "negative process count");
	return (true);
}

struct plimit *
lim_alloc(void)
{
	struct plimit *lim;

	if ((lim = kmalloc(sizeof(*lim))) == NULL)
		return (NULL);
	lim->pl_ref = 1;
	for (int i = 0; i < RLIM_NLIMITS; i++)
		lim->pl_rlimit[i] = (struct rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	return (lim);
}

struct plimit *
lim_hold(struct plimit *lim)
{
	__atomic_add_fetch(&lim->pl_ref, 1, __ATOMIC_RELAXED);
	return (lim);
}

void
lim_free(struct plimit *lim)
{
	KASSERT(lim->pl_ref > 0, "plimit released too often");
	if (__atomic_sub_fetch(&lim->pl_ref, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(lim);
}

/* The soft limit, with RLIMIT_NPROC also bounded by kern.maxprocperuid. */
rlim_t
lim_cur(struct proc *p, int which)
{
	rlim_t cur = p->p_limit->pl_rlimit[which].rlim_cur;

	if (which == RLIMIT_NPROC && cur > maxprocperuid)
		cur = maxprocperuid;
	return (cur);
}

int
maxprocperuid_set(int v)
{
	if (v < 1)
		return (EINVAL);
	maxprocperuid = v;
	return (0);
}
SYSCTL_INT_RW("kern.maxprocperuid", maxprocperuid, maxprocperuid_set);

int
sys_getrlimit(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p = l->l_proc;
	struct rlimit rl;
	int which = (int)args[0];

	if (which < 0 || which >= RLIM_NLIMITS)
		return (EINVAL);
	spin_lock(&p->p_lock);
	rl = p->p_limit->pl_rlimit[which];
	spin_unlock(&p->p_lock);
	if (which == RLIMIT_NPROC) {
		rl.rlim_cur = MIN(rl.rlim_cur, (rlim_t)maxprocperuid);
		rl.rlim_max = MIN(rl.rlim_max, (rlim_t)maxprocperuid);
	}
	return (copyout(p->p_vmspace, &rl, args[1], sizeof(rl)));
}

/*
 * setrlimit: the soft limit may not pass the hard one, and only root may
 * raise a hard limit.  A limit structure shared with other processes is
 * copied first, so they keep theirs.
 */
int
sys_setrlimit(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p = l->l_proc;
	struct plimit *lim;
	struct rlimit rl, *cur;
	int which = (int)args[0], error;

	if (which < 0 || which >= RLIM_NLIMITS)
		return (EINVAL);
	if ((error = copyin(p->p_vmspace, args[1], &rl, sizeof(rl))) != 0)
		return (error);
	if (rl.rlim_cur < 0 || rl.rlim_max < 0 || rl.rlim_cur > rl.rlim_max)
		return (EINVAL);
	/* A copy is made in case it is needed: no allocation under p_lock. */
	if ((lim = kmalloc(sizeof(*lim))) == NULL)
		return (ENOMEM);
	spin_lock(&p->p_lock);
	cur = &p->p_limit->pl_rlimit[which];
	if (rl.rlim_max > cur->rlim_max && p->p_uid != 0) {
		spin_unlock(&p->p_lock);
		kfree(lim);
		return (EPERM);
	}
	/* Shared since a fork (fork1 takes its reference under p_lock too). */
	if (__atomic_load_n(&p->p_limit->pl_ref, __ATOMIC_ACQUIRE) > 1) {
		*lim = *p->p_limit;
		lim->pl_ref = 1;
		lim_free(p->p_limit);
		p->p_limit = lim;
		lim = NULL;
	}
	p->p_limit->pl_rlimit[which] = rl;
	spin_unlock(&p->p_lock);
	kfree(lim);
	return (0);
}

/*
 * setuid: root may become anyone; others only themselves.  The process
 * moves from its old uid's count to the new one's (chgproccnt), which may
 * take it past the new uid's RLIMIT_NPROC: setuid does not check, as in
 * FreeBSD, but the next fork does.
 */
int
sys_setuid(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p = l->l_proc;
	uid_t uid = (uid_t)args[0];
	struct uidinfo *ui;

	if (uid != p->p_uid && p->p_uid != 0)
		return (EPERM);
	if (uid == p->p_uid)
		return (0);
	spin_lock(&proctree_lock);
	if ((ui = uifind(uid)) == NULL) {
		spin_unlock(&proctree_lock);
		return (ENOMEM);
	}
	chgproccnt(p->p_uidinfo, -1, 0);
	uifree(p->p_uidinfo);
	chgproccnt(ui, 1, 0);
	p->p_uidinfo = ui;
	spin_lock(&p->p_lock);
	p->p_uid = uid;
	p->p_flags |= P_SUGID;
	spin_unlock(&p->p_lock);
	spin_unlock(&proctree_lock);
	return (0);
}
