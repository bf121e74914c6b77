/*
 * The reaper suite: procctl(2)'s PROC_REAP_* commands and what a reaper
 * changes.  Orphans and RFNOWAIT children go to the nearest reaper (and
 * its wait and SIGCHLD see them), a reaper that exits passes what it
 * reaps to its own reaper, init at the end; PROC_REAP_KILL of children,
 * of everything and of one subtree; STATUS and GETPIDS counts; every
 * error.  Each case runs in a child of its own (run_child) and returns 0
 * when every check held, else the number of the first that did not; the
 * processes a case makes wait on its pipes ("gates") and end when it
 * closes them or ends itself.  The whole run is in a child of main's,
 * which checks at the end that every page, kernel object and process
 * slot came back.
 */
#include <sys/procctl.h>

#include "vmsuite.h"

#ifndef __unused
#define __unused	__attribute__((unused))
#endif

#define NGATES	5
#define NTAGS	16

static int gate[NGATES][2], ready[2];
static int got[NTAGS];

/* The pipes of one case, and an alarm so that a lost message ends it instead of the run. */
static void
setup(void)
{
	for (int i = 0; i < NGATES; i++)
		if (pipe(gate[i]) != 0)
			_exit(99);
	if (pipe(ready) != 0)
		_exit(99);
	alarm(30);
}

static void
child_start(void)
{
	alarm(0);
	for (int i = 0; i < NGATES; i++)
		close(gate[i][1]);
}

/* fork (with flags, through rfork, when not 0); the child runs fn and exits with its value. */
static pid_t
spawn_flags(int flags, int (*fn)(void))
{
	pid_t pid;

	fflush(stdout);
	pid = flags != 0 ? rfork(flags) : fork();
	if (pid == 0) {
		child_start();
		_exit(fn());
	}
	return (pid);
}

static pid_t
spawn(int (*fn)(void))
{
	return (spawn_flags(0, fn));
}

/* A child whose exit sends its parent no signal (RFTSIGZMB with signal 0). */
static pid_t
spawn_quiet(int (*fn)(void))
{
	return (spawn_flags(RFPROC | RFFDG | RFTSIGZMB | RFTSIGFLAGS(0), fn));
}

/* A tagged report to the case, one write: pipe writes this small are atomic. */
static void
say(int tag, int val)
{
	int msg[2] = { tag, val };

	write(ready[1], msg, sizeof(msg));
}

/* n reports into got[tag]; 0, or -1 if the pipe failed. */
static int
hear(int n)
{
	int msg[2];

	while (n-- > 0) {
		size_t have = 0;

		while (have < sizeof(msg)) {
			ssize_t r = read(ready[0], (char *)msg + have, sizeof(msg) - have);

			if (r <= 0) {
				if (r < 0 && errno == EINTR)
					continue;
				return (-1);
			}
			have += (size_t)r;
		}
		if (msg[0] < 0 || msg[0] >= NTAGS)
			return (-1);
		got[msg[0]] = msg[1];
	}
	return (0);
}

/* Wait until the case writes a byte to gate g, or closes it. */
static void
hold(int g)
{
	char c;

	while (read(gate[g][0], &c, 1) < 0 && errno == EINTR)
		;
}

static void
open_gate(int g)
{
	write(gate[g][1], "x", 1);
}

static void
close_gates(void)
{
	for (int i = 0; i < NGATES; i++)
		close(gate[i][1]);
}

static int
status_of(pid_t pid, struct procctl_reaper_status *rs)
{
	memset(rs, 0xa5, sizeof(*rs));
	return (procctl(P_PID, pid, PROC_REAP_STATUS, rs));
}

/* The reaper of pid as PROC_REAP_STATUS reports it, or -1. */
static pid_t
reaper_of(pid_t pid)
{
	struct procctl_reaper_status rs;

	return (status_of(pid, &rs) == 0 ? rs.rs_reaper : -1);
}

static int
kill_tree(int sig, unsigned flags, pid_t subtree, struct procctl_reaper_kill *rk)
{
	memset(rk, 0, sizeof(*rk));
	rk->rk_sig = sig;
	rk->rk_flags = flags;
	rk->rk_subtree = subtree;
	rk->rk_killed = 12345;
	rk->rk_fpid = 12345;
	return (procctl(P_PID, getpid(), PROC_REAP_KILL, rk));
}

static int
acquire(void)
{
	return (procctl(P_PID, getpid(), PROC_REAP_ACQUIRE, NULL));
}

static bool
waited(pid_t pid, int code)
{
	int status;

	return (waitpid(pid, &status, 0) == pid && exited(status, code));
}

static bool
waited_killed(pid_t pid, int sig)
{
	int status;

	return (waitpid(pid, &status, 0) == pid && killed_by(status, sig));
}

/* SIGCHLD as the case's process hears it. */
static volatile int chld_n, chld_pid[8], chld_code[8];

static void
on_chld(int sig __unused, siginfo_t *si, void *uc __unused)
{
	if (chld_n < 8) {
		chld_pid[chld_n] = si->si_pid;
		chld_code[chld_n] = si->si_code;
	}
	chld_n++;
}

static void
catch_chld(void)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
}

/* Process bodies the cases spawn. */
static int
hold0(void)
{
	hold(0);
	return (0);
}

/* --- acquire, release, status --- */

static int
acquire_release(void)
{
	struct procctl_reaper_status rs;
	pid_t me = getpid();

	CHECK(1, status_of(0, &rs) == 0 && rs.rs_flags == REAPER_STATUS_REALINIT &&
	    rs.rs_reaper == 1);
	CHECK(2, acquire() == 0);
	CHECK(3, acquire() == -1 && errno == EBUSY);
	CHECK(4, procctl(P_PID, 0, PROC_REAP_ACQUIRE, NULL) == -1 && errno == EBUSY);
	CHECK(5, status_of(me, &rs) == 0 && rs.rs_flags == REAPER_STATUS_OWNED &&
	    rs.rs_reaper == me && rs.rs_children == 0 && rs.rs_descendants == 0 &&
	    rs.rs_pid == -1);
	CHECK(6, procctl(P_PID, me, PROC_REAP_RELEASE, NULL) == 0);
	CHECK(7, procctl(P_PID, me, PROC_REAP_RELEASE, NULL) == -1 && errno == EINVAL);
	CHECK(8, status_of(0, &rs) == 0 && rs.rs_flags == REAPER_STATUS_REALINIT &&
	    rs.rs_reaper == 1);
	/* Init reaps from boot: the suite's processes are among its descendants. */
	CHECK(9, status_of(1, &rs) == 0 &&
	    rs.rs_flags == (REAPER_STATUS_OWNED | REAPER_STATUS_REALINIT) &&
	    rs.rs_reaper == 1 && rs.rs_children >= 1 && rs.rs_descendants >= 3 &&
	    rs.rs_pid > 1);
	/* id 0 is the caller. */
	CHECK(10, procctl(P_PID, 0, PROC_REAP_ACQUIRE, NULL) == 0);
	CHECK(11, status_of(me, &rs) == 0 && rs.rs_flags == REAPER_STATUS_OWNED);
	CHECK(12, procctl(P_PID, 0, PROC_REAP_RELEASE, NULL) == 0);
	return (0);
}

static int
exit0(void)
{
	return (0);
}

static int
errors(void)
{
	struct procctl_reaper_status rs;
	struct procctl_reaper_kill rk;
	struct procctl_reaper_pidinfo pi[4];
	struct procctl_reaper_pids rp = { .rp_count = 4, .rp_pids = pi };
	pid_t me = getpid(), gone, zombie;
	siginfo_t si;

	setup();
	CHECK(1, procctl(P_PID, me, 0, NULL) == -1 && errno == EINVAL);
	CHECK(2, procctl(P_PID, me, 1, NULL) == -1 && errno == EINVAL);	/* PROC_SPROTECT: not here */
	CHECK(3, procctl(P_PID, me, 7, &rs) == -1 && errno == EINVAL);
	CHECK(4, procctl(P_PID, me, -1, NULL) == -1 && errno == EINVAL);
	/* Every reaper command acts on one process: P_PID only (FreeBSD). */
	CHECK(5, procctl(P_PGID, getpgrp(), PROC_REAP_STATUS, &rs) == -1 && errno == EINVAL);
	CHECK(6, procctl(P_PGID, getpgrp(), PROC_REAP_ACQUIRE, NULL) == -1 && errno == EINVAL);
	CHECK(7, procctl(P_ALL, 0, PROC_REAP_STATUS, &rs) == -1 && errno == EINVAL);
	CHECK(8, procctl((idtype_t)99, me, PROC_REAP_STATUS, &rs) == -1 && errno == EINVAL);
	/* ACQUIRE and RELEASE take no data, and only for the caller. */
	CHECK(9, procctl(P_PID, me, PROC_REAP_ACQUIRE, &rs) == -1 && errno == EINVAL);
	CHECK(10, procctl(P_PID, getppid(), PROC_REAP_ACQUIRE, NULL) == -1 && errno == EPERM);
	CHECK(11, procctl(P_PID, getppid(), PROC_REAP_RELEASE, NULL) == -1 && errno == EPERM);
	CHECK(12, procctl(P_PID, 1, PROC_REAP_RELEASE, NULL) == -1 && errno == EPERM);
	/* No such process: never was, reaped, a zombie, a bad id. */
	gone = spawn(exit0);
	CHECK(13, waited(gone, 0));
	CHECK(14, procctl(P_PID, gone, PROC_REAP_STATUS, &rs) == -1 && errno == ESRCH);
	CHECK(15, procctl(P_PID, -5, PROC_REAP_STATUS, &rs) == -1 && errno == ESRCH);
	CHECK(16, procctl(P_PID, (id_t)1 << 40, PROC_REAP_STATUS, &rs) == -1 && errno == ESRCH);
	zombie = spawn(exit0);
	CHECK(17, waitid(P_PID, zombie, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == zombie);
	CHECK(18, procctl(P_PID, zombie, PROC_REAP_STATUS, &rs) == -1 && errno == ESRCH);
	CHECK(19, waited(zombie, 0));
	/* Bad pointers. */
	CHECK(20, procctl(P_PID, me, PROC_REAP_STATUS, NULL) == -1 && errno == EFAULT);
	CHECK(21, procctl(P_PID, me, PROC_REAP_STATUS, (void *)8) == -1 && errno == EFAULT);
	CHECK(22, procctl(P_PID, me, PROC_REAP_GETPIDS, NULL) == -1 && errno == EFAULT);
	rp.rp_pids = (void *)8;		/* init reaps us: there is something to copy */
	CHECK(23, procctl(P_PID, me, PROC_REAP_GETPIDS, &rp) == -1 && errno == EFAULT);
	CHECK(24, procctl(P_PID, me, PROC_REAP_KILL, NULL) == -1 && errno == EFAULT);
	/* Bad signals and flags, refused before anything is signalled. */
	CHECK(25, kill_tree(0, 0, 0, &rk) == -1 && errno == EINVAL);
	CHECK(26, kill_tree(-1, 0, 0, &rk) == -1 && errno == EINVAL);
	CHECK(27, kill_tree(NSIG, 0, 0, &rk) == -1 && errno == EINVAL);
	CHECK(28, kill_tree(SIGTERM, 4, 0, &rk) == -1 && errno == EINVAL);
	CHECK(29, kill_tree(SIGTERM, REAPER_KILL_CHILDREN | REAPER_KILL_SUBTREE, 0, &rk) == -1 &&
	    errno == EINVAL);
	/* A reaper with nothing to kill: ESRCH, and the counts say so. */
	CHECK(30, acquire() == 0);
	CHECK(31, kill_tree(SIGTERM, 0, 0, &rk) == -1 && errno == ESRCH && rk.rk_killed == 0 &&
	    rk.rk_fpid == -1);
	CHECK(32, kill_tree(SIGTERM, REAPER_KILL_CHILDREN, 0, &rk) == -1 && errno == ESRCH &&
	    rk.rk_killed == 0);
	CHECK(33, kill_tree(SIGTERM, REAPER_KILL_SUBTREE, me, &rk) == -1 && errno == ESRCH);
	/* GETPIDS with nothing to report copies nothing: a bad rp_pids is not looked at. */
	CHECK(34, procctl(P_PID, me, PROC_REAP_GETPIDS, &rp) == 0);
	return (0);
}

/* --- orphans, RFNOWAIT and SA_NOCLDWAIT go to the reaper --- */

/* A grandchild the case's process has never been parent of. */
static int
orphan_leaf(void)
{
	hold(1);
	say(2, getppid());
	say(3, reaper_of(0));
	return (7);
}

/* Its parent: exits at once, leaving it to the reaper; its own exit sends no signal. */
static int
orphan_mid(void)
{
	/* The leaf's exit signal is none either: once orphaned, it is SIGCHLD (FreeBSD). */
	say(1, spawn_quiet(orphan_leaf));
	return (0);
}

static int
zombie_leaf(void)
{
	return (9);
}

/* Leave a zombie child behind, never waited for. */
static int
zombie_mid(void)
{
	siginfo_t si;
	pid_t leaf = spawn(zombie_leaf);

	if (waitid(P_PID, leaf, &si, WEXITED | WNOWAIT) != 0)
		return (1);
	say(4, leaf);
	return (0);
}

static int
orphans(void)
{
	struct procctl_reaper_status rs;
	pid_t me = getpid(), mid, leaf;

	setup();
	catch_chld();
	CHECK(1, acquire() == 0);
	/* A live orphan: adopted, reported by STATUS, its SIGCHLD and its wait status ours. */
	mid = spawn_quiet(orphan_mid);
	CHECK(2, hear(1) == 0 && (leaf = got[1]) > 0);
	CHECK(3, waited(mid, 0));
	CHECK(4, status_of(me, &rs) == 0 && rs.rs_children == 1 && rs.rs_descendants == 1 &&
	    rs.rs_pid == leaf);
	chld_n = 0;
	open_gate(1);
	CHECK(5, hear(2) == 0 && got[2] == me && got[3] == me);
	CHECK(6, waited(leaf, 7));
	CHECK(7, chld_n == 1 && chld_pid[0] == leaf && chld_code[0] == CLD_EXITED);
	/* A zombie orphan: its SIGCHLD comes when it is handed over, and we reap it. */
	chld_n = 0;
	mid = spawn_quiet(zombie_mid);
	CHECK(8, hear(1) == 0 && (leaf = got[4]) > 0);
	CHECK(9, waited(mid, 0));
	CHECK(10, chld_n == 1 && chld_pid[0] == leaf && chld_code[0] == CLD_EXITED);
	CHECK(11, waited(leaf, 9));
	CHECK(12, status_of(me, &rs) == 0 && rs.rs_descendants == 0);
	CHECK(13, waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	return (0);
}

static int
rfnowait_leaf(void)
{
	hold(1);
	say(2, getppid());
	return (5);
}

/* RFNOWAIT from a process that is not a reaper: the child is its reaper's. */
static int
rfnowait_mid(void)
{
	pid_t leaf = spawn_flags(RFPROC | RFFDG | RFNOWAIT, rfnowait_leaf);

	say(1, leaf);
	say(3, waitpid(leaf, NULL, WNOHANG) == -1 && errno == ECHILD);
	return (0);
}

static int
rfnowait_own(void)
{
	say(4, getppid());
	say(5, reaper_of(0));
	return (0);
}

static int
rfnowait(void)
{
	pid_t me = getpid(), mid, leaf, own;

	setup();
	CHECK(1, acquire() == 0);
	mid = spawn(rfnowait_mid);
	CHECK(2, hear(2) == 0 && (leaf = got[1]) > 0 && got[3] == 1);
	CHECK(3, waited(mid, 0));
	open_gate(1);
	CHECK(4, hear(1) == 0 && got[2] == me);
	CHECK(5, waited(leaf, 5));
	/* A reaper's own RFNOWAIT child is not its own to reap: it goes up (FreeBSD). */
	own = spawn_flags(RFPROC | RFFDG | RFNOWAIT, rfnowait_own);
	CHECK(6, own > 0 && hear(2) == 0 && got[4] == 1 && got[5] == 1);
	CHECK(7, waitpid(own, NULL, 0) == -1 && errno == ECHILD);
	return (0);
}

static int
nocldwait_leaf(void)
{
	return (3);
}

/* A parent that wants no zombies: its child's goes to the reaper, its wait says ECHILD. */
static int
nocldwait_mid(void)
{
	struct sigaction sa = { 0 };
	pid_t leaf;

	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT;
	if (sigaction(SIGCHLD, &sa, NULL) != 0)
		return (1);
	leaf = spawn(nocldwait_leaf);
	say(1, leaf);
	say(2, waitpid(-1, NULL, 0) == -1 && errno == ECHILD);
	return (0);
}

static int
nocldwait(void)
{
	struct sigaction sa = { 0 };
	pid_t mid, leaf, own;

	setup();
	catch_chld();
	CHECK(1, acquire() == 0);
	mid = spawn_quiet(nocldwait_mid);
	CHECK(2, hear(2) == 0 && (leaf = got[1]) > 0 && got[2] == 1);
	CHECK(3, waited(mid, 0));
	CHECK(4, waited(leaf, 3));
	CHECK(5, chld_n == 1 && chld_pid[0] == leaf && chld_code[0] == CLD_EXITED);
	/*
	 * The reaper itself wanting no zombies: its child's goes to its own
	 * reaper (init), so that it gets none either (FreeBSD would keep it).
	 */
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT;
	CHECK(6, sigaction(SIGCHLD, &sa, NULL) == 0);
	own = spawn(nocldwait_leaf);
	CHECK(7, own > 0 && waitpid(-1, NULL, 0) == -1 && errno == ECHILD);
	return (0);
}

/* --- a reaper's exit passes what it reaps up, to init at the end --- */

/* C: a child of the inner reaper, with a child G of its own; reports at each stage. */
static int
chain_c(void)
{
	struct procctl_reaper_status rs;

	say(3, spawn(hold0));
	for (int g = 1; g <= 2; g++) {
		hold(g);
		say(4, getppid());
		say(5, status_of(0, &rs) == 0 ? rs.rs_reaper : -1);
		say(6, rs.rs_flags);
	}
	hold(0);
	return (0);
}

/* The inner reaper. */
static int
chain_inner(void)
{
	if (acquire() != 0)
		return (1);
	say(2, spawn(chain_c));
	hold(3);
	return (0);
}

/* The outer reaper: reaps the inner one once it has gone, then waits to go itself. */
static int
chain_outer(void)
{
	pid_t inner;
	int status;

	if (acquire() != 0)
		return (1);
	say(1, inner = spawn(chain_inner));
	if (waitpid(inner, &status, 0) != inner)
		return (2);
	say(7, status);
	hold(4);
	return (0);
}

static int
chain(void)
{
	struct procctl_reaper_status rs;
	struct procctl_reaper_pidinfo pi[8];
	struct procctl_reaper_pids rp = { .rp_count = 8, .rp_pids = pi };
	pid_t outer, inner, c, g;
	int n, seen = 0;

	setup();
	outer = spawn(chain_outer);
	CHECK(1, hear(3) == 0 && (inner = got[1]) > 0 && (c = got[2]) > 0 && (g = got[3]) > 0);
	/* A reaper's STATUS is about itself; its descendants' about it. */
	CHECK(2, reaper_of(c) == inner && reaper_of(g) == inner && reaper_of(inner) == inner);
	CHECK(3, status_of(inner, &rs) == 0 && rs.rs_flags == REAPER_STATUS_OWNED &&
	    rs.rs_children == 1 && rs.rs_descendants == 2 && rs.rs_pid == c);
	CHECK(4, status_of(outer, &rs) == 0 && rs.rs_children == 1 && rs.rs_descendants == 1);
	/* The inner reaper goes: C becomes the outer's child, G the outer's to reap. */
	open_gate(3);
	CHECK(5, hear(1) == 0 && exited(got[7], 0));
	open_gate(1);
	CHECK(6, hear(3) == 0 && got[4] == outer && got[5] == outer && got[6] == 0);
	CHECK(7, reaper_of(g) == outer);
	CHECK(8, status_of(outer, &rs) == 0 && rs.rs_children == 1 && rs.rs_descendants == 2);
	/* Both are now of the inner reaper's subtree under the outer one. */
	memset(pi, 0, sizeof(pi));
	CHECK(9, procctl(P_PID, outer, PROC_REAP_GETPIDS, &rp) == 0);
	for (n = 0; n < 8 && (pi[n].pi_flags & REAPER_PIDINFO_VALID); n++) {
		if (pi[n].pi_pid == c && pi[n].pi_subtree == inner &&
		    pi[n].pi_flags == (REAPER_PIDINFO_VALID | REAPER_PIDINFO_CHILD))
			seen |= 1;
		if (pi[n].pi_pid == g && pi[n].pi_subtree == inner &&
		    pi[n].pi_flags == REAPER_PIDINFO_VALID)
			seen |= 2;
	}
	CHECK(10, n == 2 && seen == 3);
	/* The outer reaper goes too: init is the last reaper. */
	open_gate(4);
	CHECK(11, waited(outer, 0));
	open_gate(2);
	CHECK(12, hear(3) == 0 && got[4] == 1 && got[5] == 1 && got[6] == REAPER_STATUS_REALINIT);
	CHECK(13, reaper_of(g) == 1);
	close_gates();
	return (0);
}

/* --- PROC_REAP_KILL --- */

/* A child with a child of its own; both wait on gate 0. */
static int
family(void)
{
	say(0, spawn(hold0));
	hold(0);
	return (0);
}

static int
kill_children(void)
{
	struct procctl_reaper_status rs;
	struct procctl_reaper_kill rk;
	pid_t me = getpid(), kid[3], grand[3];

	setup();
	CHECK(1, acquire() == 0);
	for (int i = 0; i < 3; i++) {
		CHECK(2, (kid[i] = spawn(family)) > 0);
		CHECK(3, hear(1) == 0 && (grand[i] = got[0]) > 0);
	}
	CHECK(4, status_of(me, &rs) == 0 && rs.rs_children == 3 && rs.rs_descendants == 6);
	CHECK(5, kill_tree(SIGTERM, REAPER_KILL_CHILDREN, 0, &rk) == 0 && rk.rk_killed == 3 &&
	    rk.rk_fpid == -1);
	for (int i = 0; i < 3; i++)
		CHECK(6, waited_killed(kid[i], SIGTERM));
	/* The grandchildren were spared, and are ours now. */
	for (int i = 0; i < 3; i++)
		CHECK(7, kill(grand[i], 0) == 0);
	CHECK(8, status_of(me, &rs) == 0 && rs.rs_children == 3 && rs.rs_descendants == 3);
	CHECK(9, kill_tree(SIGKILL, 0, 0, &rk) == 0 && rk.rk_killed == 3 && rk.rk_fpid == -1);
	for (int i = 0; i < 3; i++)
		CHECK(10, waited_killed(grand[i], SIGKILL));
	CHECK(11, status_of(me, &rs) == 0 && rs.rs_descendants == 0 && rs.rs_pid == -1);
	return (0);
}

/* A subtree whose root is a reaper itself: the kill goes through its list too. */
static int
nested_family(void)
{
	if (acquire() != 0)
		return (1);
	say(1, spawn(hold0));
	hold(0);
	return (0);
}

static int
plain_family(void)
{
	say(2, spawn(hold0));
	hold(0);
	return (0);
}

static int
kill_subtree(void)
{
	struct procctl_reaper_status rs;
	struct procctl_reaper_kill rk;
	struct procctl_reaper_pidinfo pi[8];
	struct procctl_reaper_pids rp = { .rp_count = 8, .rp_pids = pi };
	pid_t me = getpid(), a, a1, b, b1;
	int seen = 0, n;

	setup();
	CHECK(1, acquire() == 0);
	a = spawn(nested_family);
	b = spawn(plain_family);
	CHECK(2, hear(2) == 0 && (a1 = got[1]) > 0 && (b1 = got[2]) > 0);
	CHECK(3, status_of(me, &rs) == 0 && rs.rs_children == 2 && rs.rs_descendants == 3);
	memset(pi, 0, sizeof(pi));
	CHECK(4, procctl(P_PID, me, PROC_REAP_GETPIDS, &rp) == 0);
	for (n = 0; n < 8 && (pi[n].pi_flags & REAPER_PIDINFO_VALID); n++) {
		if (pi[n].pi_pid == a && pi[n].pi_subtree == a && pi[n].pi_flags ==
		    (REAPER_PIDINFO_VALID | REAPER_PIDINFO_CHILD | REAPER_PIDINFO_REAPER))
			seen |= 1;
		if (pi[n].pi_pid == b && pi[n].pi_subtree == b &&
		    pi[n].pi_flags == (REAPER_PIDINFO_VALID | REAPER_PIDINFO_CHILD))
			seen |= 2;
		if (pi[n].pi_pid == b1 && pi[n].pi_subtree == b &&
		    pi[n].pi_flags == REAPER_PIDINFO_VALID)
			seen |= 4;
	}
	/* a1 is a's to reap, not ours. */
	CHECK(5, n == 3 && seen == 7);
	CHECK(6, reaper_of(a1) == a);
	/* Not a subtree: b1 is in b's. */
	CHECK(7, kill_tree(SIGKILL, REAPER_KILL_SUBTREE, b1, &rk) == -1 && errno == ESRCH &&
	    rk.rk_killed == 0);
	CHECK(8, kill_tree(SIGKILL, REAPER_KILL_SUBTREE, a, &rk) == 0 && rk.rk_killed == 2 &&
	    rk.rk_fpid == -1);
	CHECK(9, waited_killed(a, SIGKILL));
	/* a1 came to us with a's subtree when a went: ours to wait for. */
	CHECK(10, waited_killed(a1, SIGKILL));
	CHECK(11, kill(b, 0) == 0 && kill(b1, 0) == 0);
	CHECK(12, kill_tree(SIGTERM, REAPER_KILL_SUBTREE, b, &rk) == 0 && rk.rk_killed == 2);
	CHECK(13, waited_killed(b, SIGTERM));
	CHECK(14, waited_killed(b1, SIGTERM));
	CHECK(15, status_of(me, &rs) == 0 && rs.rs_descendants == 0);
	return (0);
}

/* A target the caller may not signal: counted out in rk_fpid, EPERM if it was all of them. */
static int
kill_eperm(void)
{
	struct procctl_reaper_kill rk;
	pid_t r1, r2, u;

	setup();
	CHECK(1, acquire() == 0);
	r1 = spawn(hold0);
	r2 = spawn(hold0);
	CHECK(2, r1 > 0 && r2 > 0 && setuid(1000) == 0);
	CHECK(3, kill_tree(SIGKILL, 0, 0, &rk) == -1 && errno == EPERM && rk.rk_killed == 0 &&
	    (rk.rk_fpid == r1 || rk.rk_fpid == r2));
	u = spawn(hold0);
	CHECK(4, u > 0 && kill_tree(SIGKILL, 0, 0, &rk) == 0 && rk.rk_killed == 1 &&
	    (rk.rk_fpid == r1 || rk.rk_fpid == r2));
	CHECK(5, waited_killed(u, SIGKILL));
	close_gates();
	CHECK(6, waited(r1, 0) && waited(r2, 0));
	return (0);
}

/* STATUS and GETPIDS seen from a descendant, and GETPIDS with less room than there is. */
static int
status_from_below(void)
{
	struct procctl_reaper_status rs;
	struct procctl_reaper_pidinfo pi[3];
	struct procctl_reaper_pids rp = { .rp_count = 2, .rp_pids = pi };
	pid_t me = getpid(), kid[3];

	setup();
	CHECK(1, acquire() == 0);
	for (int i = 0; i < 3; i++)
		CHECK(2, (kid[i] = spawn(hold0)) > 0);
	CHECK(3, status_of(kid[1], &rs) == 0 && rs.rs_flags == 0 && rs.rs_reaper == me &&
	    rs.rs_children == 3 && rs.rs_descendants == 3 &&
	    (rs.rs_pid == kid[0] || rs.rs_pid == kid[1] || rs.rs_pid == kid[2]));
	memset(pi, 0, sizeof(pi));
	pi[2].pi_pid = -7;
	CHECK(4, procctl(P_PID, kid[2], PROC_REAP_GETPIDS, &rp) == 0);
	CHECK(5, (pi[0].pi_flags & REAPER_PIDINFO_CHILD) && (pi[1].pi_flags & REAPER_PIDINFO_CHILD) &&
	    pi[0].pi_pid != pi[1].pi_pid && pi[2].pi_pid == -7);
	rp.rp_count = 0;
	CHECK(6, procctl(P_PID, me, PROC_REAP_GETPIDS, &rp) == 0 && pi[2].pi_pid == -7);
	close_gates();
	for (int i = 0; i < 3; i++)
		CHECK(7, waited(kid[i], 0));
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(acquire_release, "PROC_REAP_ACQUIRE makes a reaper (EBUSY twice), RELEASE ends it (EINVAL twice); STATUS says OWNED, and REALINIT for init"),
	TAP_CASE(errors, "procctl errors: bad commands and idtypes EINVAL, others' ACQUIRE/RELEASE EPERM, gone or zombie pids ESRCH, bad pointers EFAULT, bad kill signals and flags EINVAL, nothing to kill ESRCH"),
	TAP_CASE(orphans, "a reaper adopts its grandchild's orphans, live or zombie: STATUS counts them, SIGCHLD comes (CLD_EXITED, the pid), waitpid collects them"),
	TAP_CASE(rfnowait, "an RFNOWAIT child goes to the forker's reaper; a reaper's own goes to its reaper"),
	TAP_CASE(nocldwait, "SA_NOCLDWAIT: the zombie goes to the reaper (SIGCHLD, waitpid); a reaper's own goes up"),
	TAP_CASE(chain, "a reaper's exit passes its child and descendants to its own reaper, in its subtree, and init takes them at the end"),
	TAP_CASE(kill_children, "PROC_REAP_KILL with REAPER_KILL_CHILDREN signals only children; without it every descendant"),
	TAP_CASE(kill_subtree, "PROC_REAP_KILL with REAPER_KILL_SUBTREE signals one subtree, through a nested reaper's list; GETPIDS flags and subtrees"),
	TAP_CASE(kill_eperm, "PROC_REAP_KILL: a target the caller may not signal is rk_fpid; EPERM only when none could be"),
	TAP_CASE(status_from_below, "STATUS and GETPIDS about a descendant report its reaper; GETPIDS fills no more than rp_count"),
};

/* kern.nprocs once init has reaped what the cases left it. */
static int
settled_nprocs(int want)
{
	int n = sget("kern.nprocs");

	for (int i = 0; i < 100 && n != want; i++) {
		nap(20);
		n = sget("kern.nprocs");
	}
	return (n);
}

int
main(int argc, char **argv)
{
	int status, before, after, nprocs0, nprocs1;

	tap_init();
	nprocs0 = sget("kern.nprocs");
	before = settled_unleaked();
	status = suite_child(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
	if (exited(status, 2))
		return (2);
	nprocs1 = settled_nprocs(nprocs0);
	after = settled_unleaked();
	ok(exited(status, 0), "the suite's child ran to its end (status %#x)", status);
	ok(before > 0 && after == before,
	    "every page and kernel object is back once init has reaped the orphans (%d, %d)",
	    before, after);
	ok(nprocs1 == nprocs0, "every process slot is back (kern.nprocs %d, %d)", nprocs0, nprocs1);
	return (done());
}
