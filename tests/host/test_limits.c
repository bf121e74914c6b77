/*
 * core/limits.c's accounting primitives: uifind/uifree reference the
 * per-uid record, chgproccnt counts and refuses past a limit (0: no
 * limit) leaving the count unchanged, and plimit sharing.  fork1 itself
 * needs vm, descriptors, signals, lwps and sessions, too much to build
 * here: its use of these primitives is tested in the guest limits suite.
 */
#include "fake_kern.h"
#include "host_libc.h"
#include "resource.h"
#include "tap.h"


int
main(void)
{
	struct uidinfo *a, *b, *c;
	struct plimit *lim, *lim2;
	struct proc p;

	/* The uid records and counts are the process tree's (proctree_lock). */
	spin_lock(&proctree_lock);
	a = uifind(1000);
	b = uifind(1000);
	c = uifind(1064);	/* same hash chain as 1000 */
	ok(a != NULL && a == b && a->ui_ref == 2 && a->ui_uid == 1000,
	    "uifind returns one record per uid, with a reference each");
	ok(c != NULL && c != a && c->ui_uid == 1064, "uids on one hash chain get their own records");
	ok(a->ui_proccnt == 0, "a new record counts no process");
	ok(chgproccnt(a, 1, 3) && chgproccnt(a, 1, 3) && chgproccnt(a, 1, 3) &&
	    a->ui_proccnt == 3, "chgproccnt counts up to the limit");
	ok(!chgproccnt(a, 1, 3) && a->ui_proccnt == 3,
	    "chgproccnt refuses past the limit and leaves the count alone");
	ok(chgproccnt(a, 1, 0) && a->ui_proccnt == 4, "a limit of 0 means none (root)");
	ok(chgproccnt(a, -1, 3) && a->ui_proccnt == 3, "a negative diff always succeeds");
	ok(chgproccnt(a, 2, 5) && a->ui_proccnt == 5 && !chgproccnt(a, 2, 6) &&
	    a->ui_proccnt == 5, "a diff of two is checked as a whole");
	chgproccnt(a, -5, 0);
	ok(c->ui_proccnt == 0, "counts of different uids are separate");
	uifree(b);
	ok(a->ui_ref == 1 && uifind(1000) == a, "uifree drops a reference, the record stays");
	uifree(a);
	uifree(a);
	b = uifind(1000);
	ok(b != NULL && b->ui_ref == 1 && b->ui_proccnt == 0,
	    "the last uifree frees the record; uifind makes a fresh one");
	uifree(b);
	uifree(c);
	spin_unlock(&proctree_lock);

	lim = lim_alloc();
	ok(lim != NULL && lim->pl_ref == 1 &&
	    lim->pl_rlimit[RLIMIT_NPROC].rlim_cur == RLIM_INFINITY,
	    "lim_alloc gives unlimited limits with one reference");
	lim2 = lim_hold(lim);
	ok(lim2 == lim && lim->pl_ref == 2, "lim_hold shares the structure (fork)");
	lim_free(lim);
	ok(lim->pl_ref == 1, "lim_free drops a reference");

	maxprocperuid = 50;
	memset(&p, 0, sizeof(p));
	p.p_limit = lim;
	ok(lim_cur(&p, RLIMIT_NPROC) == 50, "RLIMIT_NPROC is bounded by kern.maxprocperuid");
	lim->pl_rlimit[RLIMIT_NPROC].rlim_cur = 7;
	ok(lim_cur(&p, RLIMIT_NPROC) == 7, "a lower RLIMIT_NPROC wins");
	ok(maxprocperuid_set(0) == EINVAL && maxprocperuid == 50,
	    "kern.maxprocperuid below 1 is EINVAL");
	lim_free(lim);
	return (done());
}
