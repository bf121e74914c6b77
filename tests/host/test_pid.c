/*
 * core/pid.c against fake processes: the next id after lastpid, the wrap
 * at pid_max to 100, kern.randompid's clamping, skipping ids in use as a
 * pid, a group id or a session id by live and zombie processes, the
 * pidchecked cache, RFHIGHPID, and EAGAIN when every id is taken.
 */
#include "fake_kern.h"
#include "host_libc.h"
#include "tap.h"

extern int pid_max, randompid;
extern pid_t lastpid;
int	pid_max_set(int v);
int	randompid_set(int v);
int	maxprocperuid_set(int v);

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

static uint64_t rng = 12345;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return ((unsigned)(rng >> 33) % n);
}

int
main(void)
{
	pid_t pid, pid2, p1, p2, p3, p4;
	struct proc *p, *procs[400];
	int n, bad, err;

	/* sequence and wrap */
	reset(99999, 0);
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
	reset(99999, 0);
	ok(pid_max_set(299) == EINVAL && pid_max == 99999, "pid_max below 300 is EINVAL");
	ok(pid_max_set(100000) == EINVAL, "pid_max above 99999 is EINVAL");
	ok(pid_max_set(300) == 0 && pid_max == 300, "pid_max 300 is accepted");

	/* randompid clamping */
	pid_max_set(99999);
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
	reset(99999, 199);
	fake_proc(200, 0, 0, false);
	ok(alloc(0) == 201, "pid allocation skips a live pid");
	reset(99999, 199);
	fake_proc(200, 0, 0, true);
	ok(alloc(0) == 201, "pid allocation skips a zombie's pid");
	reset(99999, 199);
	fake_proc(150, 200, 150, false);
	ok(alloc(0) == 201, "pid allocation skips an id used as a process group id");
	reset(99999, 199);
	fake_proc(150, 150, 200, false);
	ok(alloc(0) == 201, "pid allocation skips an id used as a session id");
	reset(99999, 199);
	fake_proc(150, 202, 201, true);
	fake_proc(200, 0, 0, false);
	fake_proc(160, 203, 160, false);
	ok(alloc(0) == 204, "pid allocation skips a run of ids held in different ways");
	/* the same run, met in the other list order */
	reset(99999, 199);
	fake_proc(160, 203, 160, false);
	fake_proc(200, 0, 0, false);
	fake_proc(150, 202, 201, true);
	ok(alloc(0) == 204, "the skip does not depend on the order of the lists");
	/* a reaped process's pid, kept by its open descriptor, inside the cached range too */
	reset(99999, 199);
	fake_held_pids[0] = 200;
	fake_held_pids[1] = 202;
	fake_proc(210, 0, 0, false);
	pid = alloc(0);
	pid2 = alloc(0);
	ok(pid == 201 && pid2 == 203, "pid allocation skips pids held by process descriptors, "
	    "cached range or not (%d, %d)", pid, pid2);
	fake_held_pids[0] = fake_held_pids[1] = 0;

	/* the pidchecked cache */
	reset(99999, 99);
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
	ok(bad == 0, "after a wrap into a range with holders every fifth id the cache never hands "
	    "out a held id");

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

	/* EAGAIN */
	reset(300, 150);
	for (int i = 1; i < 300; i++)
		fake_proc(i, i, i, false);
	pid = alloc(0);
	ok(pid == -EAGAIN, "EAGAIN when every id below pid_max is taken (%d)", pid);
	fake_proc_free(LIST_FIRST(&allproc));	/* frees the last added: 299 */
	ok(alloc(0) == 299, "one id freed is found again");

	/* RFHIGHPID */
	reset(99999, 0);
	pid = alloc(RFHIGHPID);
	ok(pid == 10 && lastpid == 0, "RFHIGHPID starts at 10 and leaves lastpid alone (%d)", pid);
	fake_proc(pid, 0, 0, false);
	pid2 = alloc(RFHIGHPID);
	ok(pid2 == 11, "a second RFHIGHPID allocation skips the first (%d)", pid2);
	reset(99999, 5);
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
	reset(99999, 50);
	p4 = alloc(RFHIGHPID);
	ok(p4 == 51 && lastpid == 50, "RFHIGHPID above 10 takes lastpid + 1 without moving it");

	/* pid_max lowered below lastpid */
	reset(99999, 5000);
	pid_max_set(300);
	pid = alloc(0);
	ok(pid >= 100 && pid < 300, "after pid_max is lowered below lastpid the next pid is in "
	    "range (%d)", pid);
	(void)err;
	fake_procs_clear();
	return (done());
}
