/*
 * core/reaper.c against fake processes: where fork puts a child (its
 * reaper, its parent, its subtree id), what a reaper's release or exit
 * passes up, and, over a long random run of forks, exits, reaps,
 * acquires and releases, the invariants the rest of the kernel relies
 * on: every process is on its reaper's list until reaped, every reaper
 * is one, and each subtree's members sit together on their list (so
 * that whether an id is still carried is a look at the neighbours,
 * which the pid bitmaps' PROC_ID_REAP will use).
 */
#include "fake_kern.h"
#include "host_libc.h"
#include "pid.h"
#include "reaper.h"
#include "tap.h"

struct proc proc0, *initproc;

#define MAXP	400

static struct proc *procs[MAXP];	/* every process but proc0, live or zombie */
static bool zombie[MAXP];
static int nproc;
static pid_t nextpid = 1;

static struct proc *
fork_from(struct proc *p1, int flags)
{
	struct proc *p2 = calloc(1, sizeof(*p2));

	p2->p_pid = nextpid++;
	spin_lock(&proctree_lock);
	p2->p_pptr = reaper_fork(p1, p2, flags);
	spin_unlock(&proctree_lock);
	procs[nproc] = p2;
	zombie[nproc++] = false;
	return (p2);
}

static int
index_of(struct proc *p)
{
	for (int i = 0; i < nproc; i++)
		if (procs[i] == p)
			return (i);
	return (-1);
}

static void
do_exit(struct proc *p)
{
	spin_lock(&proctree_lock);
	if (p->p_treeflag & P_TREE_REAPER)
		reaper_abandon(p);
	spin_unlock(&proctree_lock);
	zombie[index_of(p)] = true;
}

static void
do_reap(struct proc *p)
{
	int i = index_of(p);

	spin_lock(&proctree_lock);
	reaper_reap(p);
	spin_unlock(&proctree_lock);
	free(p);
	procs[i] = procs[--nproc];
	zombie[i] = zombie[nproc];
}

static void
acquire(struct proc *p)
{
	spin_lock(&proctree_lock);
	reaper_acquire(p);
	spin_unlock(&proctree_lock);
}

static void
release(struct proc *p)
{
	spin_lock(&proctree_lock);
	reaper_abandon(p);
	spin_unlock(&proctree_lock);
}

static void
boot(void)
{
	/* The last round's processes go without a reap: their subtree ids with them. */
	spin_lock(&proctree_lock);
	for (pid_t id = 1; id < nextpid; id++)
		if (proc_id_test(PROC_ID_REAP, id))
			proc_id_clear(PROC_ID_REAP, id);
	spin_unlock(&proctree_lock);
	while (nproc > 0)
		free(procs[--nproc]);
	nextpid = 1;
	memset(&proc0, 0, sizeof(proc0));
	proc0.p_treeflag = P_TREE_REAPER;
	proc0.p_reaper = &proc0;
	TAILQ_INIT(&proc0.p_reaplist);
	initproc = NULL;
	initproc = fork_from(&proc0, 0);
	spin_lock(&proctree_lock);
	reaper_make_init(initproc);
	spin_unlock(&proctree_lock);
}

static bool
on_list(struct proc *p)
{
	struct proc *q;

	TAILQ_FOREACH(q, &p->p_reaper->p_reaplist, p_reapsibling)
		if (q == p)
			return (true);
	return (false);
}

/* Each subtree id of reaper r's list in one run, and every member r's. */
static bool
list_ok(struct proc *r)
{
	struct proc *q, *q2;

	TAILQ_FOREACH(q, &r->p_reaplist, p_reapsibling) {
		if (q->p_reaper != r)
			return (false);
		q2 = TAILQ_NEXT(q, p_reapsibling);
		if (q2 == NULL || q2->p_reapsubtree == q->p_reapsubtree)
			continue;
		/* A run ended: its id must not come back further on. */
		for (; q2 != NULL; q2 = TAILQ_NEXT(q2, p_reapsibling))
			if (q2->p_reapsubtree == q->p_reapsubtree)
				return (false);
	}
	return (true);
}

static const char *check_all_locked(void);

/* The invariants, over every process; a description of the first broken one, or NULL. */
static const char *
check_all(void)
{
	const char *why;

	spin_lock(&proctree_lock);
	why = check_all_locked();
	spin_unlock(&proctree_lock);
	return (why);
}

static const char *
check_all_locked(void)
{
	int members = 0;
	struct proc *q;

	if (!list_ok(&proc0))
		return ("proc0's list");
	TAILQ_FOREACH(q, &proc0.p_reaplist, p_reapsibling)
		members++;
	for (int i = 0; i < nproc; i++) {
		struct proc *p = procs[i];

		if (!(p->p_reaper->p_treeflag & P_TREE_REAPER))
			return ("a process's reaper is not a reaper");
		if (p->p_reaper != &proc0 && zombie[index_of(p->p_reaper)])
			return ("a process's reaper is a zombie");
		if (p == initproc ? p->p_reaper != p : !on_list(p))
			return ("a process is not on its reaper's list");
		if (zombie[i] && (p->p_treeflag & P_TREE_REAPER))
			return ("a zombie is still a reaper");
		if (p->p_treeflag & P_TREE_REAPER) {
			if (!list_ok(p))
				return ("a subtree is split on its reaper's list");
			TAILQ_FOREACH(q, &p->p_reaplist, p_reapsibling)
				members++;
		}
		if (p->p_reaper == initproc && p->p_reapsubtree != 1)
			return ("init's descendants carry another id than 1");
		if (p != initproc && p->p_reaper != initproc &&
		    !proc_id_test(PROC_ID_REAP, p->p_reapsubtree))
			return ("a subtree id in use is free in the pid allocator's map");
	}
	if (members != nproc - 1)
		return ("the lists hold another number of processes than there are");
	/* And the other way: an id in the map is carried by someone. */
	for (pid_t id = 2; id < nextpid; id++) {
		bool carried = false;

		if (!proc_id_test(PROC_ID_REAP, id))
			continue;
		for (int i = 0; i < nproc && !carried; i++)
			carried = procs[i]->p_reaper != initproc && procs[i]->p_reapsubtree == id;
		if (!carried)
			return ("a subtree id nobody carries is still taken in the map");
	}
	return (NULL);
}

static void
placement(void)
{
	struct proc *app, *r, *c, *g, *nw, *own, *r2, *c2;

	boot();
	app = fork_from(initproc, 0);
	ok(app->p_reaper == initproc && app->p_pptr == initproc && app->p_reapsubtree == 1,
	    "init's child: reaped by init, subtree 1");
	r = fork_from(app, 0);
	acquire(r);
	c = fork_from(r, 0);
	g = fork_from(c, 0);
	ok(c->p_reaper == r && c->p_pptr == r && c->p_reapsubtree == c->p_pid,
	    "a reaper's child starts a subtree named by its pid");
	ok(g->p_reaper == r && g->p_pptr == c && g->p_reapsubtree == c->p_pid,
	    "a grandchild is the reaper's, in its parent's subtree");
	nw = fork_from(g, RFNOWAIT);
	ok(nw->p_pptr == r && nw->p_reaper == r && nw->p_reapsubtree == c->p_pid,
	    "RFNOWAIT: the child's parent is the forker's reaper");
	own = fork_from(r, RFNOWAIT);
	ok(own->p_pptr == initproc && own->p_reaper == initproc && own->p_reapsubtree == 1,
	    "a reaper's own RFNOWAIT child goes to the reaper above it");
	own = fork_from(initproc, RFNOWAIT);
	ok(own->p_pptr == initproc && own->p_reaper == initproc && own->p_reapsubtree == 1,
	    "init's RFNOWAIT child stays init's: it is its own reaper");
	r2 = fork_from(c, 0);
	acquire(r2);
	c2 = fork_from(r2, 0);
	ok(c2->p_reaper == r2 && c2->p_reapsubtree == c2->p_pid,
	    "a nested reaper reaps what it forks after acquiring");
	do_exit(r2);
	ok(c2->p_reaper == r && c2->p_reapsubtree == c->p_pid && !(r2->p_treeflag & P_TREE_REAPER),
	    "a reaper's exit passes what it reaps to its reaper, in its own subtree");
	release(r);
	ok(c->p_reaper == initproc && g->p_reaper == initproc && c2->p_reaper == initproc &&
	    c->p_reapsubtree == 1 && c->p_pptr == r,
	    "a release passes everything up (init: subtree 1), parents unchanged");
	ok(check_all() == NULL, "the invariants hold after it");
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return ((unsigned)(rng >> 33) % n);
}

/* A random live process other than init, or NULL. */
static struct proc *
any_live(void)
{
	for (int tries = 0; tries < 20; tries++) {
		int i = (int)rnd((unsigned)nproc);

		if (!zombie[i] && procs[i] != initproc)
			return (procs[i]);
	}
	return (NULL);
}

static void
random_run(void)
{
	const char *broken = NULL;
	int steps = 0, reapers = 0, nested = 0;
	struct proc *p;

	boot();
	fork_from(initproc, 0);
	for (steps = 0; steps < 20000 && broken == NULL; steps++) {
		unsigned op = rnd(100);

		if (op < 40 && nproc < MAXP) {
			p = any_live();
			fork_from(p != NULL ? p : initproc, rnd(4) == 0 ? RFNOWAIT : 0);
		} else if (op < 60) {
			if ((p = any_live()) != NULL)
				do_exit(p);
		} else if (op < 85) {
			int i = (int)rnd((unsigned)nproc);

			if (zombie[i])
				do_reap(procs[i]);
		} else if (op < 95) {
			if ((p = any_live()) != NULL && !(p->p_treeflag & P_TREE_REAPER)) {
				acquire(p);
				reapers++;
				if (p->p_reaper != initproc)
					nested++;
			}
		} else if ((p = any_live()) != NULL && (p->p_treeflag & P_TREE_REAPER))
			release(p);
		broken = check_all();
	}
	ok(broken == NULL, "20000 random forks, exits, reaps, acquires and releases keep every "
	    "process on its reaper's list and every subtree together (%s at step %d; "
	    "%d reapers, %d nested)", broken != NULL ? broken : "none", steps, reapers, nested);
}

int
main(void)
{
	placement();
	random_run();
	return (done());
}
