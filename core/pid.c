/*
 * Process ids, FreeBSD's way, with FreeBSD-current's bitmaps.  An id is
 * never handed out while a live or zombie process uses it as its pid, a
 * process group or a session exists with it as its id, or a reaper's
 * subtree is named by it (a process reaped while its descriptor stays
 * open keeps its pid bit until the descriptor closes: procdesc.c), one
 * bitmap for each of those four uses, kept up
 * to date where the ids come and go (proc_add and the reap, session.c),
 * so that finding a free id reads the maps a word at a time and never
 * walks the processes: its cost does not grow with their number.
 *
 * The search starts after lastpid (plus a random step below
 * kern.randompid when that is on).  Past pid_max it wraps to the same
 * offset above 100, since the low ids belong to what started at boot; it
 * runs to pid_max and then, from 100, back up to where it started, so
 * that fork fails for want of a pid (EAGAIN) only when every id in
 * [100, pid_max) is taken.
 */
#include "pid.h"
#include "proc.h"
#include "random.h"
#include "sysctl.h"

#define PID_WRAP	100		/* a wrapped search starts this far above 0 */
#define RANDOMPID_MIN	100		/* the smallest kern.randompid step but off */
#define PID_MAX_FLOOR	300
#define HIGHPID_MIN	10
#define PROC_ID_WORDS	((PID_MAX + 63) / 64)

/*
 * The process tree's lock, (t) in every lock key: defined here, at the
 * bottom of the process files, whose id maps it covers too.
 */
struct spinlock proctree_lock = SPINLOCK_INIT("proctree");

int pid_max = PID_MAX;		/* (t) kern.pid_max: pids stay below it */
int randompid;			/* (t) kern.randompid: 0 off, else the step modulus */
pid_t lastpid;			/* (t) kern.lastpid, below pid_max */
SYSCTL_INT("kern.lastpid", lastpid);
/* (t) Bit id of proc_id_map[PROC_ID_x]: id is in use that way.  50 KB, static. */
static uint64_t proc_id_map[PROC_ID_NTYPES][PROC_ID_WORDS];

_Static_assert(PROC_ID_NTYPES == 4, "pid_first_free reads four maps");

/*
 * FreeBSD's clamping: < 2 is off, < 100 is 100, and past the range the
 * search covers after a wrap, [PID_WRAP, pid_max), that range's size.
 */
int
randompid_set(int v)
{
	spin_lock(&proctree_lock);
	if (v < 0 || v > pid_max - PID_WRAP)
		v = pid_max - PID_WRAP;
	else if (v < 2)
		v = 0;
	else if (v < RANDOMPID_MIN)
		v = RANDOMPID_MIN;
	randompid = v;
	spin_unlock(&proctree_lock);
	return (0);
}
SYSCTL_INT_RW("kern.randompid", randompid, randompid_set);

/*
 * Root may lower pid_max (not below 300) and raise it back up to PID_MAX.
 * Lowered below lastpid, it takes effect with the next fork: lastpid
 * comes down to pid_max - 1, so that the next search wraps to 100.
 */
int
pid_max_set(int v)
{
	if (v < PID_MAX_FLOOR || v > PID_MAX)
		return (EINVAL);
	spin_lock(&proctree_lock);
	pid_max = v;
	if (lastpid >= pid_max)
		lastpid = pid_max - 1;
	if (randompid > pid_max - PID_WRAP)
		randompid = pid_max - PID_WRAP;
	spin_unlock(&proctree_lock);
	return (0);
}
SYSCTL_INT_RW("kern.pid_max", pid_max, pid_max_set);

static inline uint64_t *
proc_id_word(int type, pid_t id, uint64_t *bit)
{
	KASSERT(type >= 0 && type < PROC_ID_NTYPES, "proc_id: bad type");
	KASSERT(id >= 0 && id < PID_MAX, "proc_id: id out of range");
	KASSERT(spin_held(&proctree_lock), "proc_id without proctree_lock");
	*bit = 1ull << ((unsigned)id % 64);
	return (&proc_id_map[type][(unsigned)id / 64]);
}

void
proc_id_set(int type, pid_t id)
{
	uint64_t bit, *w = proc_id_word(type, id, &bit);

	KASSERT((*w & bit) == 0, "proc_id_set: id already in use");
	*w |= bit;
}

void
proc_id_clear(int type, pid_t id)
{
	uint64_t bit, *w = proc_id_word(type, id, &bit);

	KASSERT((*w & bit) != 0, "proc_id_clear: id not in use");
	*w &= ~bit;
}

bool
proc_id_test(int type, pid_t id)
{
	uint64_t bit, *w = proc_id_word(type, id, &bit);

	return ((*w & bit) != 0);
}

/* The lowest id in [from, to) in use in none of the maps, or -1. */
static pid_t
pid_first_free(pid_t from, pid_t to)
{
	const uint64_t (*m)[PROC_ID_WORDS] = proc_id_map;
	unsigned i, first = (unsigned)from / 64;
	uint64_t used;
	pid_t id;

	if (from >= to)
		return (-1);
	for (i = first; i <= (unsigned)(to - 1) / 64; i++) {
		used = m[PROC_ID_PID][i] | m[PROC_ID_GROUP][i] |
		    m[PROC_ID_SESSION][i] | m[PROC_ID_REAP][i];
		if (i == first)
			used |= (1ull << ((unsigned)from % 64)) - 1;
		if (~used != 0) {
			id = (pid_t)(i * 64 + (unsigned)__builtin_ctzll(~used));
			return (id < to ? id : -1);
		}
	}
	return (-1);
}

/*
 * A free pid for a new process, with proctree_lock held.  It is not yet
 * marked in use: proc_add does that, under the same hold of the lock.
 * flags: RFHIGHPID takes an id of at least 10 and leaves lastpid alone.
 * EAGAIN when every id in [100, pid_max) is taken.
 */
int
pid_alloc(int flags, pid_t *pidp)
{
	pid_t start = lastpid + 1, pid;

	KASSERT(spin_held(&proctree_lock), "proctree_lock");
	if (flags & RFHIGHPID) {
		if (start < HIGHPID_MIN)
			start = HIGHPID_MIN;
	} else if (randompid != 0)
		start += (pid_t)(kern_random() % (uint64_t)randompid);
	if (start >= pid_max) {
		start %= pid_max;
		if (start < PID_WRAP)
			start += PID_WRAP;
	}
	/* Below 100 (boot) the first search covers every id a wrap would. */
	if ((pid = pid_first_free(start, pid_max)) < 0 &&
	    (pid = pid_first_free(PID_WRAP, start)) < 0)
		return (EAGAIN);
	if ((flags & RFHIGHPID) == 0)
		lastpid = pid;
	*pidp = pid;
	return (0);
}
