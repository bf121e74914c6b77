/*
 * The CPU-time accounting hooks on the hot paths (core/rusage.c has the
 * rest and the why): every system call stops the lwp's user time on entry
 * and starts it again on the way out (the end of userret), and every
 * context switch charges the lwp leaving the CPU.  Inline, on the raw
 * counter (hal_timecount), because each system call pays for them.
 *
 * All the fields are the lwp's own (o), written by it or the CPU running
 * it; the other lwps of its process read the counters racily, hence the
 * relaxed atomic stores.
 */
#ifndef _RUSAGE_H_
#define _RUSAGE_H_

#include "proc.h"

#define RK_ADD(f, n)	__atomic_store_n(&(f), (f) + (n), __ATOMIC_RELAXED)

/* l's user time stops at now, if it was running. */
static inline void
rusage_user_stop(struct lwp *l, uint64_t now)
{
	if (l->l_ustart != 0) {
		RK_ADD(l->l_ru.rk_utime, now - l->l_ustart);
		l->l_ustart = 0;
	}
}

/* Entering the kernel from user mode. */
static inline void
rusage_kenter(struct lwp *l)
{
	if (l->l_ustart != 0)
		rusage_user_stop(l, hal_timecount());
}

/*
 * Leaving for user mode.  An entry nobody stamped (an IPI, an exception
 * that is not a page fault) is charged as user time, up to now.
 */
static inline void
rusage_userret(struct lwp *l)
{
	uint64_t now = hal_timecount();

	rusage_user_stop(l, now);
	l->l_ustart = now;
}

static inline void
rusage_runtime_update(struct lwp *l, uint64_t now)
{
	RK_ADD(l->l_ru.rk_runtime, now - l->l_swtime);
	l->l_swtime = now;
}

/* On the switching CPU, about to run `to` in from's place. */
static inline void
rusage_switch(struct lwp *from, struct lwp *to)
{
	uint64_t now = hal_timecount();

	rusage_user_stop(from, now);
	rusage_runtime_update(from, now);
	to->l_swtime = now;
}

/* The rest, out of line (core/rusage.c). */
void	rusage_tick(struct lwp *l, bool from_user);
void	rusage_fault(struct lwp *l);	/* a user page fault, before it is handled */
void	rusage_lwp_exit(struct proc *p, struct lwp *l);	/* p_lock held */
/* At reap: child's usage and its children's into parent's p_cru, and into *wru if set. */
void	rusage_reap(struct proc *parent, struct proc *child, struct __wrusage *wru);
uint64_t rusage_lwp_runtime(struct lwp *l);	/* l is curlwp */
uint64_t rusage_proc_runtime(struct proc *p);	/* p is curproc */

#endif /* !_RUSAGE_H_ */
