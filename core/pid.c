/*
 * Process ids, FreeBSD's way: the next id after the last one handed out,
 * wrapping at pid_max back to 100 (the low ids belong to daemons that
 * started at boot), never an id that a live or zombie process still uses.
 * pidchecked remembers the lowest id above lastpid that is known to be in
 * use, so that in the common case the next id needs no scan at all.
 */
#include "proc.h"

#define PID_MAX		99999
#define PID_WRAP	100

int pid_max = PID_MAX + 1;	/* kern.pid_max: highest pid + 1 */
pid_t lastpid;			/* kern.lastpid */
static pid_t pidchecked;

extern LIST_HEAD(proclist, proc) allproc, zombproc;

/* Is id used by p as anything a new pid must not collide with? */
static inline bool
id_in_use(const struct proc *p, pid_t id)
{
	return (p->p_pid == id);
}

/* The lowest id in use above `above`, to bound the next scan. */
static inline pid_t
id_min_above(const struct proc *p, pid_t above, pid_t cur)
{
	if (p->p_pid > above && p->p_pid < cur)
		cur = p->p_pid;
	return (cur);
}

/* Called with proc_lock held. */
int
pid_alloc(pid_t *pidp)
{
	struct proclist *lists[2] = { &allproc, &zombproc };
	pid_t trypid = lastpid + 1;
	struct proc *p;

	KASSERT(spin_held(&proc_lock), "proc_lock");
	if (trypid >= pid_max) {
		trypid = PID_WRAP;
		pidchecked = 0;
	}
	if (trypid >= pidchecked) {
		bool wrapped = false;
retry:
		pidchecked = pid_max;
		for (int i = 0; i < 2; i++) {
			LIST_FOREACH(p, lists[i], p_list) {
				while (id_in_use(p, trypid)) {
					if (++trypid >= pidchecked) {
						if (trypid >= pid_max) {
							if (wrapped)
								return (EAGAIN);
							wrapped = true;
							trypid = PID_WRAP;
						}
						goto retry;
					}
				}
				pidchecked = id_min_above(p, trypid, pidchecked);
			}
		}
	}
	lastpid = trypid;
	*pidp = trypid;
	return (0);
}
