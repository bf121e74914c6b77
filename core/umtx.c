/*
 * umtx_sleep(2) and umtx_wakeup(2), DragonFly's: the kernel half of the C
 * library's mutexes, condition variables and read-write locks.
 *
 * umtx_sleep(ptr, value, timeout_us) reads the int at ptr and sleeps while
 * it equals value; umtx_wakeup(ptr, count) wakes up to count of the lwps
 * asleep on ptr (0: all).  The read and the going to sleep happen under
 * the lock of the key's chain, which umtx_wakeup takes too, so a waker
 * that changes the word and then wakes cannot fall between them.
 *
 * Keys.  A word is named by what its sleepers and wakers share, FreeBSD's
 * umtx key rather than DragonFly's physical address:
 *   - in a shared entry (MAP_SHARED, minherit INHERIT_SHARE): the entry's
 *     vm object and the byte offset in it, the same in every process that
 *     maps the object, wherever each maps it;
 *   - in a private entry: the vmspace and the user address, so that lwps
 *     and RFMEM processes (one vmspace) meet, and two processes never do.
 * DragonFly keys by physical page and breaks copy-on-write first; but a
 * private page stays shared copy-on-write between parent and child until
 * one writes, and whichever writes first moves to a new page: a sleeper
 * keyed by the old page would then miss the wakeups of its own process
 * (DragonFly needs a page-move callback to wake such sleepers).  A
 * private word's vmspace and address never change under it.  Sleepers
 * are woken spuriously at worst (a freed object's address reused), which
 * the caller's loop absorbs.
 *
 * Each sleeper waits on a record on its own kernel stack, queued on its
 * chain, so that umtx_wakeup wakes exactly count of them, oldest first,
 * and a wakeup that races a timeout or a signal is never lost: a sleeper
 * taken off the queue by a waker returns 0 whatever ended its msleep.
 */
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "vm.h"
#include "vmparam.h"

#define UMTX_CHAINS	64		/* a power of two */

struct umtx_key {
	const void	*uk_space;	/* vm object (shared) or vmspace (private) */
	uintptr_t	uk_off;		/* byte offset in the object, or the address */
};

/*
 * Locking: (u) the chain's uc_lock; (b) set before the record is queued.
 * Order: proc -> umtx -> vmspace (copyin under the chain lock) -> sleepq.
 */
struct umtx_waiter {
	TAILQ_ENTRY(umtx_waiter) uw_link;	/* (u) */
	struct umtx_key	uw_key;			/* (b) */
	bool		uw_woken;		/* (u) dequeued by umtx_wakeup */
};

struct umtx_chain {
	struct spinlock	uc_lock;			/* the (u) lock */
	TAILQ_HEAD(, umtx_waiter) uc_waiters;		/* (u) oldest first */
};

static struct umtx_chain umtx_chains[UMTX_CHAINS] = {
	[0 ... UMTX_CHAINS - 1] = { .uc_lock = SPINLOCK_INIT("umtx") },
};

static bool
umtx_key_eq(const struct umtx_key *a, const struct umtx_key *b)
{
	return (a->uk_space == b->uk_space && a->uk_off == b->uk_off);
}

/* The key's chain, locked.  A chain's queue head is set up at its first use. */
static struct umtx_chain *
umtx_chain_lock(const struct umtx_key *k)
{
	uintptr_t h = (uintptr_t)k->uk_space ^ (k->uk_off >> 2);
	struct umtx_chain *uc;

	h ^= h >> 7;
	h ^= h >> 13;
	uc = &umtx_chains[h & (UMTX_CHAINS - 1)];
	spin_lock(&uc->uc_lock);
	if (uc->uc_waiters.tqh_last == NULL)
		TAILQ_INIT(&uc->uc_waiters);
	return (uc);
}

/*
 * The key of the int at user address va: EFAULT when va is misaligned,
 * outside user space, or not mapped readable.
 */
static int
umtx_key_get(struct vmspace *vm, vaddr_t va, struct umtx_key *k)
{
	struct vm_map_entry *e;
	int error = 0;

	if ((va & (sizeof(int) - 1)) != 0 || va < VM_MIN_USER ||
	    va > VM_MAX_USER - sizeof(int))
		return (EFAULT);
	spin_lock(&vm->lock);
	if ((e = vm_map_lookup(vm, va)) == NULL || !(e->prot & VM_PROT_READ))
		error = EFAULT;
	else if (e->flags & ME_SHARED) {
		k->uk_space = e->obj;
		k->uk_off = e->obj_off * PAGE_SIZE + (va - e->start);
	} else {
		k->uk_space = vm;
		k->uk_off = va;
	}
	spin_unlock(&vm->lock);
	return (error);
}

/*
 * umtx_sleep(ptr, value, timeout_us): 0 when woken by umtx_wakeup (or,
 * rarely, spuriously), EBUSY when *ptr != value already, EAGAIN when
 * timeout_us (0: none) microseconds pass first, EINTR when a signal
 * interrupts the sleep (never restarted: the caller re-reads the word
 * anyway), EFAULT for a bad address, EINVAL for a negative timeout.
 * The sleep is never shorter than the timeout (timo_from_ns).
 */
int
sys_umtx_sleep(struct lwp *l, const register_t *args, register_t *rv)
{
	struct vmspace *vm = l->l_proc->p_vmspace;
	vaddr_t va = (vaddr_t)args[0];
	int value = (int)args[1], timeout = (int)args[2], cur, error;
	struct umtx_waiter w;
	struct umtx_chain *uc;
	uint64_t timo = 0;

	if (timeout < 0)
		return (EINVAL);
	if ((error = umtx_key_get(vm, va, &w.uw_key)) != 0)
		return (error);
	if (timeout > 0)
		timo = timo_from_ns(0, (uint64_t)timeout * 1000);
	uc = umtx_chain_lock(&w.uw_key);
	if ((error = copyin(vm, va, &cur, sizeof(cur))) != 0)
		goto out;
	if (cur != value) {
		error = EBUSY;
		goto out;
	}
	w.uw_woken = false;
	TAILQ_INSERT_TAIL(&uc->uc_waiters, &w, uw_link);
	error = msleep(&w, &uc->uc_lock, PCATCH, "umtx", timo);
	if (w.uw_woken)
		error = 0;
	else
		TAILQ_REMOVE(&uc->uc_waiters, &w, uw_link);
	if (error == ERESTART)
		error = EINTR;
out:
	spin_unlock(&uc->uc_lock);
	*rv = 0;
	return (error);
}

/*
 * umtx_wakeup(ptr, count): wake the count oldest sleepers on ptr's key
 * (count 0: all of them); 0, EFAULT for a bad address, EINVAL for a
 * negative count.  Waking nobody is not an error.
 */
int
sys_umtx_wakeup(struct lwp *l, const register_t *args, register_t *rv)
{
	struct umtx_waiter *w, *next;
	struct umtx_chain *uc;
	struct umtx_key k;
	int count = (int)args[1], n = 0, error;

	if (count < 0)
		return (EINVAL);
	if ((error = umtx_key_get(l->l_proc->p_vmspace, (vaddr_t)args[0], &k)) != 0)
		return (error);
	uc = umtx_chain_lock(&k);
	TAILQ_FOREACH_SAFE(w, &uc->uc_waiters, uw_link, next) {
		if (!umtx_key_eq(&w->uw_key, &k))
			continue;
		TAILQ_REMOVE(&uc->uc_waiters, w, uw_link);
		w->uw_woken = true;
		wakeup(w);
		if (++n == count)
			break;
	}
	spin_unlock(&uc->uc_lock);
	*rv = 0;
	return (0);
}
