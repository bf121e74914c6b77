/*
 * Process ids, FreeBSD's way.  The next id is the one after lastpid (plus
 * a random step below kern.randompid when that is on); past pid_max it
 * wraps to the same offset above 100, since the low ids belong to what
 * started at boot.  An id is never handed out while any live or zombie
 * process uses it as its pid, its process group id or its session id,
 * nor while a process descriptor of a reaped process holds it.
 * pidchecked remembers the lowest such id above the last one handed out,
 * so that in the common case the next id needs no scan at all.
 */
#include "proc.h"
#include "procdesc.h"
#include "session.h"

#define PID_MAX		99999
#define PID_WRAP	100
#define PID_MAX_FLOOR	300
#define HIGHPID_MIN	10

int pid_max = PID_MAX;		/* kern.pid_max: pids stay below it */
int randompid;			/* kern.randompid: 0 off, else the step modulus */
pid_t lastpid;			/* kern.lastpid */
static pid_t pidchecked;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

extern LIST_HEAD(proclist, proc) allproc, zombproc;

/* xorshift64*: the randomness randompid needs is unpredictability, not quality. */
static uint32_t
pid_random(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return ((uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32));
}

void
pid_seed(uint64_t seed)
{
	if (seed != 0)
		rng_state ^= seed;
}

/* FreeBSD's clamping: < 2 is off, < 100 is 100, past the range pid_max - 100. */
int
randompid_set(int v)
{
	if (v < 0 || v > pid_max - 100)
		v = pid_max - 100;
	else if (v < 2)
		v = 0;
	else if (v < 100)
		v = 100;
	randompid = v;
	return (0);
}

/* Root may lower pid_max (not below 300) and raise it back up to PID_MAX. */
int
pid_max_set(int v)
{
	if (v < PID_MAX_FLOOR || v > PID_MAX)
		return (EINVAL);
	spin_lock(&proctree_lock);
	pid_max = v;
	pidchecked = 0;
	if (randompid > pid_max - 100)
		randompid = pid_max - 100;
	spin_unlock(&proctree_lock);
	return (0);
}

/* Every id p holds that a new pid must not take: pid, group id, session id. */
static inline int
proc_ids(const struct proc *p, pid_t ids[3])
{
	int n = 0;

	ids[n++] = p->p_pid;
	if (p->p_pgrp != NULL) {
		ids[n++] = p->p_pgrp->pg_id;
		ids[n++] = p->p_pgrp->pg_session->s_sid;
	}
	return (n);
}

/*
 * A free pid for a new process, with proctree_lock held.  flags: RFHIGHPID
 * takes an id of at least 10 and leaves lastpid alone.  EAGAIN when every
 * id in [100, pid_max) is taken.
 */
int
pid_alloc(int flags, pid_t *pidp)
{
	struct proclist *lists[2] = { &allproc, &zombproc };
	pid_t trypid = lastpid + 1;
	bool wrapped = false;
	struct proc *p;

	KASSERT(spin_held(&proctree_lock), "proctree_lock");
	if (flags & RFHIGHPID) {
		if (trypid < HIGHPID_MIN)
			trypid = HIGHPID_MIN;
	} else if (randompid != 0)
		trypid += (pid_t)(pid_random() % (uint32_t)randompid);
retry:
	if (trypid >= pid_max) {
		trypid = trypid % pid_max;
		if (trypid < PID_WRAP)
			trypid += PID_WRAP;
		pidchecked = 0;
		if (wrapped)
			return (EAGAIN);
		wrapped = true;
	}
	if (trypid >= pidchecked) {
		pidchecked = pid_max;
		for (int i = 0; i < 2; i++) {
			LIST_FOREACH(p, lists[i], p_list) {
				pid_t ids[3];
				int n = proc_ids(p, ids);

				for (int j = 0; j < n; j++) {
					if (ids[j] == trypid) {
						if (++trypid >= pidchecked)
							goto retry;
						/* Earlier processes hold nothing below pidchecked. */
						j = -1;
						continue;
					}
					if (ids[j] > trypid && ids[j] < pidchecked)
						pidchecked = ids[j];
				}
			}
		}
	}
	/*
	 * The pid of a process reaped while its descriptor stays open is
	 * taken too.  Checked for every candidate, since pidchecked does
	 * not know of it; the list is nearly always empty.
	 */
	if (procdesc_pid_held(trypid)) {
		trypid++;
		goto retry;
	}
	/*
	 * An RFHIGHPID id is below lastpid: the cached free range above
	 * lastpid may now hold it, so the cache goes (FreeBSD).
	 */
	if (flags & RFHIGHPID)
		pidchecked = 0;
	else
		lastpid = trypid;
	*pidp = trypid;
	return (0);
}
