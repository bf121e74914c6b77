/*
 * The scheduler: run queues, switching, and sleeping and waking
 * (core/sched.c).
 */
#ifndef _SCHED_H_
#define _SCHED_H_

#include "proc.h"

void	sched_init(void);
/* hardclock's share (core/clock.c): the slice, the load estimate, ticks, timed sleeps. */
void	sched_clock(void);
void	sched_setrun(struct lwp *);
void	sched_setrun_forked(struct lwp *);	/* a new process's first lwp */
void	sched_switch(void);
void	sched_yield(void);
/*
 * curlwp is a zombie: switch away for good.  Its stack is freed by this
 * CPU's next switch, or, with `reaped', by the reaper (proc_reap waits
 * until it is off its CPU), so that a parent's wait sees every page back.
 */
__noreturn void sched_exit(bool reaped);
void	lwp_wait_off_cpu(struct lwp *l);
__noreturn void sched_idle_loop(void);
/* Make l, running on another CPU, pass through userret() soon (a signal, an exit). */
void	sched_kick(struct lwp *l);
/*
 * Sleep on chan, giving up interlock (held by the caller, or NULL for a
 * pure timeout) once the lwp is on the sleep queue, so that a wakeup(chan)
 * by anyone who takes interlock first cannot be missed.  The interlock is
 * held again on return unless PDROP.  timo in ticks (0: none).  Returns 0,
 * EAGAIN on timeout (BSD's EWOULDBLOCK), or, when the sleep was ended
 * early: with PCATCH, for a signal the lwp could take, EINTR or ERESTART
 * (its handler has SA_RESTART: the system call should run again); with
 * PCATCHKILL only for SIGKILL; with either when the process is exiting
 * (EINTR).  A stop does not end a sleep: the lwp stops when it wakes.
 */
#define PCATCH		0x100
#define PCATCHKILL	0x200
#define PDROP		0x400
int	msleep(const void *chan, struct spinlock *interlock, int flags,
	    const char *wmesg, uint64_t timo);
/* A pure delay of timo ticks; EINTR or ERESTART if a signal comes first. */
int	pause(const char *wmesg, uint64_t timo);
#define HZ	100
/*
 * msleep's timo for a sleep of sec s and nsec ns: rounded up, plus one tick
 * for the part of the current tick already gone (FreeBSD's tvtohz), so the
 * sleep is never shorter than asked.
 */
static inline uint64_t
timo_from_ns(uint64_t sec, uint64_t nsec)
{
	return (sec * HZ + (nsec * HZ + 999999999u) / 1000000000u + 1);
}
void	wakeup(const void *chan);
void	wakeup_exiting(const void *chan);	/* by an lwp about to exit: take its CPU */
void	sched_unsleep(struct lwp *);	/* p_lock of l's process held */
void	sched_lwp_start(void);		/* first thing on a new lwp's stack */
bool	sched_must_yield(const struct lwp *l);	/* before user mode: a switch is due */
extern volatile uint64_t ticks;
extern struct spinlock sleepq_lock;

#endif /* !_SCHED_H_ */
