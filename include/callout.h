/*
 * Callouts: a function called once a monotonic deadline (hal_time_ns) has
 * passed, from the boot CPU's timer tick, whatever the lwps are doing
 * (FreeBSD's callout(9), reduced).  The resolution is the tick, 1/HZ: a
 * callout runs at the first tick at or after its deadline, never before.
 *
 * A callout's function runs with interrupts off and no lock held, on the
 * boot CPU; it may take any lock, call psignal(), and reset its own
 * callout.  callout_lock covers every field below and the queue; it is a
 * leaf but for the proc lock a caller may hold around callout_reset and
 * callout_stop (proc -> callout).
 */
#ifndef _CALLOUT_H_
#define _CALLOUT_H_

#include "queue.h"
#include "types.h"

struct callout {
	TAILQ_ENTRY(callout) c_link;	/* the queue, by deadline */
	uint64_t	c_time;		/* deadline, hal_time_ns() */
	void		(*c_func)(void *);
	void		*c_arg;
	bool		c_pending;	/* queued, not yet run */
};

/* A zeroed struct callout is a valid idle one. */
/* (Re)arm c to call func(arg) once hal_time_ns() reaches `when`. */
void	callout_reset(struct callout *c, uint64_t when, void (*func)(void *),
	    void *arg);
/* Disarm c; true if it was pending.  Its function may be running meanwhile. */
bool	callout_stop(struct callout *c);
/*
 * Disarm c and wait until its function is not running on any CPU, so that
 * what it uses may be freed.  Not from c's own function; no spinlock held.
 */
void	callout_drain(struct callout *c);
/* The boot CPU's tick: run what is due. */
void	callout_tick(void);

#endif /* !_CALLOUT_H_ */
