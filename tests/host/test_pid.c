/*
 * core/pid.c against fake processes: the next id after lastpid, the wrap
 * at pid_max to 100 and the search back up to where it started, kern.
 * randompid's clamping, skipping ids in use as a pid, a group id, a
 * session id or a reaper id, the id maps themselves (word boundaries, and
 * agreeing with the processes), lowering pid_max, RFHIGHPID, and EAGAIN
 * only when every id in [100, pid_max) is taken.
 */
#include "fake_kern.h"
#include "host_libc.h"
#include "pid.h"
#include "tap.h"


/* Fresh state: no processes, lastpid as given, the cache dropped (pid_max_set). */
static void
reset(int max, pid_t last)
{
	fake_procs_clear();
	randompid = 0;
	pid_max_set(max);
	lastpid = last;
}

static pid_t
alloc(int flags)
{
	pid_t pid = -1;
	int error;

	spin_lock(&proctree_lock);
	error = pid_alloc(flags, &pid);
	spin_unlock(&proctree_lock);
	return (error != 0 ? -error : pid);
}

/* Is id used as a pid, pgid or sid by any fake process? */
static bool
in_use(pid_t id)
{
	struct proclist *lists[2] = { &allproc, &zombproc };
	struct proc *p;

	for (int i = 0; i < 2; i++)
		LIST_FOREACH(p, lists[i], p_list)
			if (p->p_pid == id || (p->p_pgrp != NULL &&
			    (p->p_pgrp->pg_id == id || p->p_pgrp->pg_session->s_sid == id)))
				return (true);
	return (false);
}

/* Is id marked in any of pid.c's maps? */
static bool
marked(pid_t id)
{
	bool m = false;

	spin_lock(&proctree_lock);
	for (int t = 0; t < PROC_ID_NTYPES; t++)
		m |= proc_id_test(t, id);
	spin_unlock(&proctree_lock);
	return (m);
}

/* Do the maps say of every id below PID_MAX what the processes say? */
static bool
maps_agree(void)
{
	for (pid_t id = 0; id < PID_MAX; id++)
		if (marked(id) != in_use(id)) {
			printf("# id %d: marked %d, in use %d\n", id, marked(id), in_use(id));
			return (false);
		}
	return (true);
}

static void
reap_id(pid_t id, bool set)
{
	spin_lock(&proctree_lock);
	if (set)
		proc_id_set(PROC_ID_REAP, id);
	else
		proc_id_clear(PROC_ID_REAP, id);
	spin_unlock(&proctree_lock);
}

/* Fake processes on every id of [lo, hi) but `except' (-1: none). */
static void
hold(pid_t lo, pid_t hi, pid_t except)
{
	for (pid_t id = lo; id < hi; id++)
		if (id != except)
			fake_proc(id, id, id, false);
}

static uint64_t rng = 12345;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return ((unsigned)(rng >> 33) % n);
}

/* The maps: what marks an id, what clears it, and the words' edges. */
static void
test_maps(void)
{
	struct proc *p;
	bool m;

	reset(PID_MAX, 0);
	p = fake_proc(150, 160, 170, true);
	spin_lock(&proctree_lock);
	m = proc_id_test(PROC_ID_PID, 150) && proc_id_test(PROC_ID_GROUP, 160) &&
	    proc_id_test(PROC_ID_SESSION, 170) && !proc_id_test(PROC_ID_PID, 160) &&
	    !proc_id_test(PROC_ID_GROUP, 150) && !proc_id_test(PROC_ID_SESSION, 160);
	spin_unlock(&proctree_lock);
	ok(m, "a zombie's pid, group id and session id are each marked in their own map");
	fake_proc_free(p);
	ok(!marked(150) && !marked(160) && !marked(170), "reaping it clears all three");

	reset(PID_MAX, 199);
	reap_id(200, true);
	ok(alloc(0) == 201, "pid allocation skips an id used as a reaper's subtree id");
	reap_id(200, false);
	lastpid = 199;
	ok(alloc(0) == 200, "once the reaper's subtree id is cleared it is handed out");

	reset(PID_MAX, 126);
	hold(127, 256, -1);
	ok(alloc(0) == 256, "the search crosses a part word and a whole word of ids in use");
	reset(PID_MAX, 130);
	hold(131, 141, -1);
	ok(alloc(0) == 141, "free ids below the start in the start's own word are not taken");
	reset(PID_MAX, 99990);
	hold(99991, PID_MAX, -1);
	hold(100, 128, -1);
	ok(alloc(0) == 128, "at pid_max 99999 the last word's ids above pid_max are never "
	    "taken: the search wraps");
	fake_procs_clear();
}

/*
 * The wrap: the search runs from the start to pid_max, then from 100 back
 * up to the start.  Both issue-13 bugs: a wrap landing above 100 (a random
 * step, a lowered pid_max) left [100, landing) unchecked, and a second wrap
 * in one search gave EAGAIN with free ids left.
 */
static void
test_wraps(void)
{
	pid_t pid, hole;
	int bad, err;

	reset(300, 250);
	hold(251, 300, -1);
	ok(alloc(0) == 100, "past a full top of the space the search wraps to 100");
	reset(300, 250);
	hold(251, 300, -1);
	hold(100, 200, -1);
	ok(alloc(0) == 200, "after the wrap it goes on up to the first free id");
	reset(300, 250);
	hold(100, 300, 250);
	ok(alloc(0) == 250 && lastpid == 250, "with only lastpid's own id free, the search "
	    "comes round to it");

	/* lowering pid_max below lastpid */
	reset(PID_MAX, 5000);
	err = pid_max_set(300);
	ok(err == 0 && lastpid == 299, "lowering pid_max below lastpid clamps lastpid to "
	    "pid_max - 1 (%d)", lastpid);
	ok(alloc(0) == 100, "the next pid after lowering pid_max is 100, not (lastpid + 1) "
	    "mod pid_max");
	reset(PID_MAX, 5000);
	pid_max_set(300);
	hold(100, 300, 150);
	ok(alloc(0) == 150, "after lowering pid_max the ids from 100 up are searched");
	reset(PID_MAX, 200);
	ok(pid_max_set(300) == 0 && lastpid == 200 && alloc(0) == 201,
	    "lowering pid_max above lastpid leaves lastpid alone");
	pid_max_set(400);
	lastpid = 399;
	ok(pid_max_set(300) == 0 && lastpid == 299, "lowering pid_max to lastpid clamps it too");

	/* random steps landing anywhere past the wrap, one free id each time */
	bad = 0;
	for (int i = 0; i < 200; i++) {
		reset(300, 100 + (pid_t)rnd(200));
		randompid_set(200);
		hole = 100 + (pid_t)rnd(200);
		hold(100, 300, hole);
		pid = alloc(0);
		if (pid != hole) {
			printf("# trial %d: hole %d, got %d\n", i, hole, pid);
			bad++;
		}
	}
	randompid = 0;
	ok(bad == 0, "with randompid 200 and one free id anywhere, 200 random starts all find it");
	fake_procs_clear();
}

/* EAGAIN exactly when every id in [100, pid_max) is taken. */
static void
test_exhaustion(void)
{
	pid_t pid, hole;
	int bad;

	reset(300, 150);
	hold(100, 300, -1);
	ok(alloc(0) == -EAGAIN, "EAGAIN when every id in [100, pid_max) is taken, though "
	    "ids below 100 are free");
	ok(alloc(RFHIGHPID) == -EAGAIN, "RFHIGHPID past boot gets EAGAIN too");
	ok(lastpid == 150, "a failed search leaves lastpid alone");
	bad = 0;
	for (int i = 0; i < 100; i++) {
		struct proc *p;

		hole = 100 + (pid_t)rnd(200);
		LIST_FOREACH(p, &allproc, p_list)
			if (p->p_pid == hole)
				break;
		fake_proc_free(p);
		lastpid = 100 + (pid_t)rnd(200);
		randompid_set(rnd(3) == 0 ? 0 : 100 + (int)rnd(101));
		pid = alloc(0);
		if (pid != hole) {
			printf("# trial %d: freed %d, got %d\n", i, hole, pid);
			bad++;
		}
		fake_proc(hole, hole, hole, false);
		if (alloc(0) != -EAGAIN)
			bad++;
	}
	randompid = 0;
	ok(bad == 0, "one id freed in a full space is the one handed out, from any start, "
	    "then EAGAIN again");
	ok(maps_agree(), "the maps agree with the processes");
	fake_procs_clear();
	ok(maps_agree(), "once every process is gone nothing is left marked");
}

int
main(void)
{
	pid_t pid, pid2, p1, p2, p3, p4;
	struct proc *p, *procs[400];
	int n, bad, err;

	/* sequence and wrap */
	reset(PID_MAX, 0);
	ok(alloc(0) == 1 && lastpid == 1, "the first pid is lastpid + 1 and becomes lastpid");
	fake_proc(1, 1, 1, false);
	ok(alloc(0) == 2, "the next pid follows");
	reset(300, 298);
	ok(alloc(0) == 299, "with pid_max 300 the last pid is 299");
	ok(alloc(0) == 100 && lastpid == 100, "past pid_max the pids wrap to 100");
	reset(300, 299);
	fake_proc(100, 100, 100, false);
	fake_proc(101, 100, 100, true);
	ok(alloc(0) == 102, "after the wrap a live and a zombie pid at 100 and 101 are skipped");

	/* pid_max_set */
	reset(PID_MAX, 0);
	ok(pid_max_set(299) == EINVAL && pid_max == PID_MAX, "pid_max below 300 is EINVAL");
	ok(pid_max_set(PID_MAX + 1) == EINVAL, "pid_max above 99999 is EINVAL");
	ok(pid_max_set(300) == 0 && pid_max == 300, "pid_max 300 is accepted");

	/* randompid clamping */
	pid_max_set(PID_MAX);
	static const struct { int set, want; } rc[] = {
		{ 0, 0 }, { 1, 0 }, { 2, 100 }, { 50, 100 }, { 99, 100 }, { 100, 100 },
		{ 5000, 5000 }, { 99899, 99899 }, { 99900, 99899 }, { 1 << 30, 99899 },
		{ -1, 99899 },
	};
	bad = 0;
	for (unsigned i = 0; i < nitems(rc); i++) {
		randompid_set(rc[i].set);
		if (randompid != rc[i].want) {
			printf("# randompid_set(%d) gave %d, want %d\n", rc[i].set, randompid,
			    rc[i].want);
			bad++;
		}
	}
	ok(bad == 0, "randompid_set clamps: < 2 off, < 100 to 100, out of range to pid_max - 100");
	randompid_set(1000);
	pid_max_set(300);
	ok(randompid == 200, "lowering pid_max clamps randompid to pid_max - 100 (%d)", randompid);
	reset(300, 0);
	randompid_set(150);
	bad = 0;
	for (int i = 0; i < 150; i++) {
		pid = alloc(0);
		if (pid < 1 || pid >= 300 || in_use(pid)) {
			printf("# randompid: allocation %d gave %d (lastpid %d)\n", i, pid, lastpid);
			bad++;
		}
		else
			fake_proc(pid, pid, pid, false);
	}
	ok(bad == 0, "with randompid 150 and pid_max 300, 150 pids are in range and unique");
	randompid = 0;

	/* skipping ids in use */
	reset(PID_MAX, 199);
	fake_proc(200, 0, 0, false);
	ok(alloc(0) == 201, "pid allocation skips a live pid");
	reset(PID_MAX, 199);
	fake_proc(200, 0, 0, true);
	ok(alloc(0) == 201, "pid allocation skips a zombie's pid");
	reset(PID_MAX, 199);
	fake_proc(150, 200, 150, false);
	ok(alloc(0) == 201, "pid allocation skips an id used as a process group id");
	reset(PID_MAX, 199);
	fake_proc(150, 150, 200, false);
	ok(alloc(0) == 201, "pid allocation skips an id used as a session id");
	reset(PID_MAX, 199);
	fake_proc(150, 202, 201, true);
	fake_proc(200, 0, 0, false);
	fake_proc(160, 203, 160, false);
	ok(alloc(0) == 204, "pid allocation skips a run of ids held in different ways");
	/* the same run, met in the other list order */
	reset(PID_MAX, 199);
	fake_proc(160, 203, 160, false);
	fake_proc(200, 0, 0, false);
	fake_proc(150, 202, 201, true);
	ok(alloc(0) == 204, "the skip does not depend on the order of the lists");
	/* a reaped process's pid, kept by its open descriptor: its bit stays set */
	reset(PID_MAX, 199);
	spin_lock(&proctree_lock);
	proc_id_set(PROC_ID_PID, 200);
	proc_id_set(PROC_ID_PID, 202);
	spin_unlock(&proctree_lock);
	fake_proc(210, 0, 0, false);
	pid = alloc(0);
	pid2 = alloc(0);
	ok(pid == 201 && pid2 == 203, "pid allocation skips pids held by process descriptors "
	    "(%d, %d)", pid, pid2);
	spin_lock(&proctree_lock);
	proc_id_clear(PROC_ID_PID, 200);
	proc_id_clear(PROC_ID_PID, 202);
	spin_unlock(&proctree_lock);

	/* holders ahead of lastpid, and after a wrap */
	reset(PID_MAX, 99);
	fake_proc(150, 150, 150, false);	/* ahead of lastpid, from before a wrap */
	fake_proc(160, 170, 180, true);
	bad = 0;
	for (int i = 0; i < 100; i++) {
		pid = alloc(0);
		if (pid <= 0 || in_use(pid))
			bad++;
		else
			fake_proc(pid, i % 3 ? pid : 100, 100, false);
	}
	ok(bad == 0, "a hundred allocations past cached holders never take a held id");
	reset(300, 250);
	for (n = 0; n < 20; n++)
		procs[n] = fake_proc(110 + 5 * n, 110 + 5 * n, 110 + 5 * n, false);
	bad = 0;
	for (int i = 0; i < 150; i++) {
		pid = alloc(0);
		if (pid <= 0 || in_use(pid))
			bad++;
		else
			fake_proc(pid, pid, pid, false);
	}
	ok(bad == 0, "after a wrap into a range with holders every fifth id no held id is "
	    "handed out");

	/* random fuzz: processes come and go, setsid and setpgid reuse existing ids */
	reset(300, 0);
	n = 0;
	bad = 0;
	for (int step = 0; step < 20000; step++) {
		unsigned op = rnd(10);

		if (op < 5 && n < 180) {
			pid = alloc(0);
			if (pid == -EAGAIN) {
				int freeids = 0;

				for (int id = 100; id < 300; id++)
					freeids += !in_use(id);
				if (freeids == 0)
					continue;
			}
			if (pid <= 0 || pid >= 300 || in_use(pid)) {
				printf("# step %d: pid %d\n", step, pid);
				bad++;
				break;
			}
			if (n > 0 && rnd(2)) {	/* join a group of another process */
				struct proc *q = procs[rnd(n)];

				procs[n++] = fake_proc(pid, q->p_pgrp->pg_id,
				    q->p_pgrp->pg_session->s_sid, false);
			} else
				procs[n++] = fake_proc(pid, pid, pid, false);
		} else if (op < 9 && n > 0) {	/* reap */
			unsigned k = rnd(n);

			fake_proc_free(procs[k]);
			procs[k] = procs[--n];
		} else if (n > 0) {		/* a process becomes a zombie */
			p = procs[rnd(n)];
			if (p->p_stat != SZOMB) {
				LIST_REMOVE(p, p_list);
				p->p_stat = SZOMB;
				LIST_INSERT_HEAD(&zombproc, p, p_list);
			}
		}
	}
	ok(bad == 0, "20000 random steps with pid_max 300: no id in use is handed out");
	ok(maps_agree(), "after them the maps agree with the processes");

	/* EAGAIN */
	reset(300, 150);
	for (int i = 1; i < 300; i++)
		fake_proc(i, i, i, false);
	pid = alloc(0);
	ok(pid == -EAGAIN, "EAGAIN when every id below pid_max is taken (%d)", pid);
	fake_proc_free(LIST_FIRST(&allproc));	/* frees the last added: 299 */
	ok(alloc(0) == 299, "one id freed is found again");

	/* RFHIGHPID */
	reset(PID_MAX, 0);
	pid = alloc(RFHIGHPID);
	ok(pid == 10 && lastpid == 0, "RFHIGHPID starts at 10 and leaves lastpid alone (%d)", pid);
	fake_proc(pid, 0, 0, false);
	pid2 = alloc(RFHIGHPID);
	ok(pid2 == 11, "a second RFHIGHPID allocation skips the first (%d)", pid2);
	reset(PID_MAX, 5);
	p1 = alloc(0);
	fake_proc(p1, 0, 0, false);
	p2 = alloc(RFHIGHPID);
	fake_proc(p2, 0, 0, false);
	bad = 0;
	for (int i = 0; i < 6; i++) {
		p3 = alloc(0);
		if (in_use(p3))
			bad++;
		fake_proc(p3, 0, 0, false);
	}
	ok(p1 == 6 && p2 == 10 && bad == 0, "normal allocations after RFHIGHPID skip its pid");
	reset(PID_MAX, 50);
	p4 = alloc(RFHIGHPID);
	ok(p4 == 51 && lastpid == 50, "RFHIGHPID above 10 takes lastpid + 1 without moving it");

	(void)err;
	fake_procs_clear();
	test_maps();
	test_wraps();
	test_exhaustion();
	return (done());
}
