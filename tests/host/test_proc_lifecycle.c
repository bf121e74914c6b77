/*
 * fork1, exit1 and wait (core/fork.c, core/exit.c) on the host, with the
 * real process table, pids, limits, signals, descriptors and VM under
 * them and fake_sched.c's scheduler, which never switches: what fork1
 * shares and copies for each rfork flag, its checks and limits, each of
 * its back-out paths (the named fail points, a real allocation failing,
 * a signal or an exit racing it) leaving no slot, pid, page, stack,
 * pmap or count behind; what exit1 gives up and to whom its children and
 * its news go; and wait's selection, options, status and reaping.
 *
 * Processes are made the way the kernel makes them: init by fork1 from
 * lwp0 and proc_spawn_init's steps (exec's part is a fresh vmspace), the
 * others by fork1 from their parent's lwp.
 */
#include "exit.h"
#include "fail.h"
#include "fake_hal.h"
#include "fake_pmap.h"
#include "fake_sched.h"
#include "file.h"
#include "fork.h"
#include "host_libc.h"
#include "kstack.h"
#include "lwp.h"
#include "page.h"
#include "pid.h"
#include "proc.h"
#include "reaper.h"
#include "resource.h"
#include "session.h"
#include "signalvar.h"
#include "syscall.h"
#include "sysctl.h"
#include "tap.h"
#include "vm.h"
#include "vmmeter.h"

#define ARENA		(64ul << 20)
#define DATA_VA		0x10000000ul
#define DATA_PAGES	8
#define USER_UID	1000

extern int maxproc, maxprocperuid;
extern pid_t lastpid;

/*
 * Everything a fork takes and its back-out or the reap gives back; two
 * snapshots equal means nothing leaked.
 */
struct counts {
	uint64_t	free_pages, kmem_objects;
	unsigned	kstacks;
	int		nprocs, pmaps;
	long		uid_procs;
	pid_t		lastpid;
};

static struct uidinfo *user_ui;

static void
snapshot(struct counts *c)
{
	c->free_pages = v_free_count;
	c->kmem_objects = kmem_objects;
	c->kstacks = kstack_inuse;
	c->nprocs = nprocs;
	c->pmaps = fake_pmap_live();
	c->uid_procs = user_ui != NULL ? user_ui->ui_proccnt : 0;
	c->lastpid = lastpid;
}

static bool
same(const struct counts *a, const struct counts *b)
{
	if (a->free_pages == b->free_pages && a->kmem_objects == b->kmem_objects &&
	    a->kstacks == b->kstacks && a->nprocs == b->nprocs && a->pmaps == b->pmaps &&
	    a->uid_procs == b->uid_procs && a->lastpid == b->lastpid)
		return (true);
	printf("# free pages %lu/%lu, kmem objects %lu/%lu, kstacks %u/%u, nprocs %d/%d, "
	    "pmaps %d/%d, uid procs %ld/%ld, lastpid %d/%d\n",
	    (unsigned long)a->free_pages, (unsigned long)b->free_pages,
	    (unsigned long)a->kmem_objects, (unsigned long)b->kmem_objects,
	    a->kstacks, b->kstacks, a->nprocs, b->nprocs, a->pmaps, b->pmaps,
	    a->uid_procs, b->uid_procs, a->lastpid, b->lastpid);
	return (false);
}

static struct lwp *
lwp_of(struct proc *p)
{
	return (lwp_first(p));
}

/* fork1 as p's lwp would call it (curlwp is p's), and start the child unless it failed. */
static int
do_fork(struct proc *p, int flags, struct proc **childp)
{
	int error;

	fake_become(lwp_of(p));
	if ((error = fork1(lwp_of(p), flags, childp)) == 0 && *childp != NULL)
		start_forked_proc(*childp, flags);
	return (error);
}

static struct proc *
spawn(struct proc *p, int flags)
{
	struct proc *child;
	int error;

	if ((error = do_fork(p, flags, &child)) != 0) {
		printf("Bail out! fork1 of pid %d, flags %#x: error %d\n", p->p_pid, flags, error);
		exit(2);
	}
	return (child);
}

/* exit1 as p's own lwp, back here through sched_exit's longjmp. */
static void
do_exit(struct proc *p, int wstatus)
{
	host_jmp_buf env;
	void *outer = fake_exit_env;
	struct lwp *self = curlwp;

	fake_become(lwp_of(p));
	fake_exit_env = env;
	if (_setjmp(env) == 0)
		exit1(p, wstatus);
	fake_exit_env = outer;
	fake_become(self);
}

/* wait4 by p (its lwp running), options as waitpid's. */
static int
do_wait(struct proc *p, pid_t pid, int *status, int options, pid_t *found)
{
	fake_become(lwp_of(p));
	*status = -1;
	return (kern_wait(p, pid, status, options, found, NULL));
}

static bool
is_child(struct proc *parent, struct proc *p)
{
	struct proc *q;

	LIST_FOREACH(q, &parent->p_children, p_sibling)
		if (q == p)
			return (true);
	return (false);
}

static bool
pid_live(pid_t pid)
{
	bool used;

	spin_lock(&proctree_lock);
	used = pfind(pid) != NULL || proc_id_test(PROC_ID_PID, pid);
	spin_unlock(&proctree_lock);
	return (used);
}

/* Dirty n pages at DATA_VA in p's memory, so that a fork has pages to share. */
static void
give_memory(struct proc *p, unsigned n)
{
	if (vm_map_anon(p->p_vmspace, DATA_VA, n * PAGE_SIZE, VM_PROT_READ | VM_PROT_WRITE,
	    0) != 0) {
		printf("Bail out! vm_map_anon failed\n");
		exit(2);
	}
	for (unsigned i = 0; i < n; i++)
		if (vm_fault(p->p_vmspace, DATA_VA + i * PAGE_SIZE, VM_PROT_WRITE) != 0) {
			printf("Bail out! vm_fault failed\n");
			exit(2);
		}
}

/* Make p catch sig (a handler at a made-up address: only the disposition counts). */
static void
catch_signal(struct proc *p, int sig)
{
	struct sigacts *ps = sigacts_get(p);

	spin_lock(&ps->ps_lock);
	ps->ps_handler[sig] = 0x1000;
	ps->ps_sigcatch |= SIGMASK(sig);
	spin_unlock(&ps->ps_lock);
}

/* Back to SIG_DFL, and nothing of sig pending: a pending signal stops fork1 (ERESTART). */
static void
uncatch_signal(struct proc *p, int sig)
{
	struct sigacts *ps = sigacts_get(p);

	spin_lock(&ps->ps_lock);
	ps->ps_handler[sig] = 0;
	ps->ps_sigcatch &= ~SIGMASK(sig);
	spin_unlock(&ps->ps_lock);
	spin_lock(&p->p_lock);
	sig_unpend(p, SIGMASK(sig));
	spin_unlock(&p->p_lock);
}

static void
nothing(void *arg __unused)
{
}

static struct proc *app;	/* init's child, the parent in most cases: uid USER_UID */

/* proc0 as kmain's proc0_init leaves it, init (pid 1) as proc_spawn_init makes it. */
static void
boot(void)
{
	const struct fake_range ranges[] = { { FAKE_PHYS_BASE, ARENA } };
	struct proc *init;
	int error;

	fake_mem_setup(ARENA, ranges, 1);
	page_init();
	kmem_init();
	kstack_cache_max = 0;
	kstack_init();
	/* As size_maxproc leaves them: RLIMIT_NPROC is clamped to the second. */
	maxproc = 64;
	maxprocperuid = maxproc * 9 / 10;
	proc_init();
	session_init();
	if (fd_init_console(&proc0) != 0 || (proc0.p_limit = lim_alloc()) == NULL) {
		printf("Bail out! proc0: out of memory\n");
		exit(2);
	}
	spin_lock(&proctree_lock);
	proc0.p_uidinfo = uifind(0);
	chgproccnt(proc0.p_uidinfo, 1, 0);
	spin_unlock(&proctree_lock);
	proc0.p_leader = &proc0;
	proc0.p_sigparent = SIGCHLD;

	fake_become(&lwp0);
	if ((error = fork1(&lwp0, RFFDG | RFPROC | RFSTOPPED, &init)) != 0 || init->p_pid != 1) {
		printf("Bail out! init: fork1 error %d\n", error);
		exit(2);
	}
	init->p_vmspace = vmspace_alloc();
	spin_lock(&proctree_lock);
	error = session_create(init);
	reaper_make_init(init);
	spin_unlock(&proctree_lock);
	init->p_flags &= ~P_SYSTEM;
	initproc = init;
	start_forked_proc(init, 0);
}

/* The parent of most cases: a user process under init, with memory of its own. */
static void
make_app(void)
{
	app = spawn(initproc, RFFDG | RFPROC);
	/* setuid's move from root's count to the user's (chgproccnt). */
	spin_lock(&proctree_lock);
	user_ui = uifind(USER_UID);
	chgproccnt(app->p_uidinfo, -1, 0);
	uifree(app->p_uidinfo);
	app->p_uidinfo = user_ui;
	chgproccnt(user_ui, 1, 0);
	app->p_uid = USER_UID;
	spin_unlock(&proctree_lock);
	give_memory(app, DATA_PAGES);
}

/* Collect zombie child of p (which must be one), as a wait of its pid would. */
static void
reap(struct proc *p, struct proc *child)
{
	pid_t found;
	int status;

	if (do_wait(p, child->p_pid, &status, WNOHANG, &found) != 0 || found == 0) {
		printf("Bail out! could not reap pid %d\n", child->p_pid);
		exit(2);
	}
}

/* fork1's checks, before it takes anything. */
static void
fork_flags(void)
{
	struct counts before, after;
	struct proc *child = (struct proc *)1;

	snapshot(&before);
	ok(do_fork(app, RFFDG | RFCFDG | RFPROC, &child) == EINVAL && child == NULL,
	    "fork1: RFFDG|RFCFDG is EINVAL, no child");
	snapshot(&after);
	ok(same(&before, &after), "fork1: the EINVAL took nothing");
}

/* A plain fork: a new process with a copy of everything but the limits. */
static void
fork_copies(void)
{
	struct counts before, after;
	struct proc *c;
	struct lwp *l;
	uint64_t forks = vmcnt.v_forks;
	int setruns = fake_setrun_count, cpu_forks = fake_cpu_fork_count;
	pid_t want = lastpid + 1;
	int status;
	pid_t found;

	catch_signal(app, SIGUSR1);
	snapshot(&before);
	c = spawn(app, RFFDG | RFPROC);
	l = lwp_of(c);
	ok(c->p_pid == want && lastpid == want && pid_live(c->p_pid),
	    "fork: the child has pid lastpid + 1 (%d), and it is taken", want);
	ok(c->p_pptr == app && is_child(app, c) && c->p_stat == SACTIVE,
	    "fork: the child is the parent's, started");
	ok(l != NULL && c->p_nthreads == 1 && l->l_stat == LSRUN &&
	    fake_setrun_count == setruns + 1 && fake_cpu_fork_count == cpu_forks + 1,
	    "fork: one lwp, its registers copied (cpu_fork), made runnable");
	ok(c->p_uid == USER_UID && c->p_uidinfo == user_ui &&
	    user_ui->ui_proccnt == before.uid_procs + 1 && nprocs == before.nprocs + 1,
	    "fork: the child counts against its uid and kern.nprocs");
	ok(c->p_pgrp == app->p_pgrp && c->p_pgrp->pg_session == app->p_pgrp->pg_session,
	    "fork: the child is in the parent's process group and session");
	ok(c->p_vmspace != NULL && c->p_vmspace != app->p_vmspace &&
	    vm_map_lookup(c->p_vmspace, DATA_VA) != NULL && c->p_vmspace->ref == 1,
	    "fork: the address space is the child's own, with the parent's mappings");
	ok(c->p_fd != NULL && c->p_fd != app->p_fd && c->p_fd->fd_refcnt == 1 &&
	    c->p_fd->fd_ofiles[1] == app->p_fd->fd_ofiles[1],
	    "RFFDG: a copy of the descriptor table, holding the same files");
	ok(c->p_sigacts != NULL && c->p_sigacts != app->p_sigacts &&
	    c->p_sigacts->ps_handler[SIGUSR1] == 0x1000 && c->p_sigacts->ps_refcnt == 1,
	    "fork: a copy of the signal actions");
	ok(c->p_limit == app->p_limit && c->p_limit->pl_ref >= 2,
	    "fork: the limits are shared, copy-on-write");
	ok(c->p_sigparent == SIGCHLD && c->p_leader == c && c->p_peers == NULL,
	    "fork: SIGCHLD at exit, its own thread group");
	ok(vmcnt.v_forks == forks + 1, "fork: counted in v_forks");
	do_exit(c, W_EXITCODE(0, 0));
	ok(do_wait(app, c->p_pid, &status, 0, &found) == 0 && found == c->p_pid,
	    "fork: the child exits and is reaped");
	snapshot(&after);
	after.lastpid = before.lastpid;
	ok(same(&before, &after), "fork, exit, wait: every page, stack, slot and count is back");
	uncatch_signal(app, SIGUSR1);
}

/* What each sharing flag shares instead of copying. */
static void
fork_shares(void)
{
	struct proc *c;
	unsigned ref;

	ref = app->p_vmspace->ref;
	c = spawn(app, RFFDG | RFPROC | RFMEM);
	ok(c->p_vmspace == app->p_vmspace && app->p_vmspace->ref == ref + 1,
	    "RFMEM: the address space is shared");
	do_exit(c, 0);
	reap(app, c);
	ok(app->p_vmspace->ref == ref, "RFMEM: the child's exit lets go of it");

	c = spawn(app, RFPROC);
	ok(c->p_fd == app->p_fd && app->p_fd->fd_refcnt == 2,
	    "neither RFFDG nor RFCFDG: the descriptor table is shared");
	do_exit(c, 0);
	reap(app, c);
	ok(app->p_fd->fd_refcnt == 1, "a shared table: the child's exit lets go of it");

	c = spawn(app, RFCFDG | RFPROC);
	ok(c->p_fd != app->p_fd && c->p_fd->fd_ofiles[0] == NULL &&
	    c->p_fd->fd_ofiles[1] == NULL && app->p_fd->fd_ofiles[1] != NULL,
	    "RFCFDG: a clean descriptor table");
	do_exit(c, 0);
	reap(app, c);

	c = spawn(app, RFFDG | RFPROC | RFSIGSHARE);
	ok(c->p_sigacts == app->p_sigacts && app->p_sigacts->ps_refcnt == 2,
	    "RFSIGSHARE: the signal actions are shared");
	do_exit(c, 0);
	reap(app, c);
	ok(app->p_sigacts->ps_refcnt == 1, "RFSIGSHARE: the reap lets go of them");

	c = spawn(app, RFFDG | RFPROC | RFTHREAD);
	ok(c->p_leader == app->p_leader && app->p_leader->p_peers == c,
	    "RFTHREAD: the child joins the parent's thread group");
	do_exit(c, 0);
	ok(app->p_peers == NULL, "RFTHREAD: a peer's exit takes it out of the group");
	reap(app, c);

	/* Caught: SIGUSR1's default would end the parent. */
	catch_signal(app, SIGUSR1);
	c = spawn(app, RFFDG | RFPROC | RFLINUXTHPN);
	ok(c->p_sigparent == SIGUSR1, "RFLINUXTHPN: the exit signal is SIGUSR1");
	do_exit(c, 0);
	reap(app, c);
	uncatch_signal(app, SIGUSR1);

	c = spawn(app, RFFDG | RFPROC | RFNOWAIT);
	ok(c->p_pptr == initproc && !is_child(app, c) && is_child(initproc, c),
	    "RFNOWAIT: the child is init's, not the forker's");
	do_exit(c, 0);
	reap(initproc, c);

	c = spawn(app, RFFDG | RFPROC | RFPPWAIT);
	ok(c->p_flags & P_PPWAIT, "RFPPWAIT: the child holds its parent (P_PPWAIT)");
	do_exit(c, 0);
	reap(app, c);
}

/* RFSTOPPED, RFHIGHPID, and rfork without RFPROC. */
static void
fork_kernel_flags(void)
{
	struct proc *c;
	struct counts before, after;
	pid_t last = lastpid;
	int setruns = fake_setrun_count;

	c = spawn(app, RFFDG | RFPROC | RFSTOPPED);
	ok(lwp_of(c)->l_stat == LSSTOP && fake_setrun_count == setruns,
	    "RFSTOPPED: the child is left stopped");
	do_exit(c, 0);
	reap(app, c);

	last = lastpid;
	c = spawn(app, RFFDG | RFPROC | RFHIGHPID);
	ok(c->p_pid >= 10 && lastpid == last, "RFHIGHPID: pid %d, at least 10, lastpid unchanged",
	    c->p_pid);
	do_exit(c, 0);
	reap(app, c);

	snapshot(&before);
	ok(do_fork(app, RFCFDG, &c) == 0 && c == NULL && app->p_fd->fd_ofiles[1] == NULL,
	    "rfork(RFCFDG) without RFPROC: the caller's descriptors are closed, no child");
	snapshot(&after);
	ok(after.nprocs == before.nprocs && after.lastpid == before.lastpid,
	    "rfork without RFPROC: no slot, no pid");
	/* Back to a table like the others' for the cases after this one. */
	fd_exit(app);
	fd_init_console(app);
}

/* kern.maxproc with root's reserve, and RLIMIT_NPROC. */
static void
fork_limits(void)
{
	struct counts before, after;
	struct proc *c = NULL, *root_child;
	int saved = maxproc, error;
	rlim_t nproc = app->p_limit->pl_rlimit[RLIMIT_NPROC].rlim_cur;

	snapshot(&before);
	/* The non-root caller may not take the last 10 slots. */
	maxproc = nprocs + 10;
	ok(do_fork(app, RFFDG | RFPROC, &c) == EAGAIN && c == NULL,
	    "maxproc: a user's fork into root's reserve is EAGAIN");
	snapshot(&after);
	ok(same(&before, &after), "maxproc: the refused fork took nothing");
	error = do_fork(initproc, RFFDG | RFPROC, &root_child);
	ok(error == 0, "maxproc: root may fork into the reserve");
	if (error == 0) {
		do_exit(root_child, 0);
		reap(initproc, root_child);
	}
	maxproc = nprocs;
	ok(do_fork(initproc, RFFDG | RFPROC, &c) == EAGAIN,
	    "maxproc: not even root forks past it");
	maxproc = saved;

	/* RLIMIT_NPROC counts the caller: 1 allows no child. */
	app->p_limit->pl_rlimit[RLIMIT_NPROC].rlim_cur = user_ui->ui_proccnt;
	snapshot(&before);
	ok(do_fork(app, RFFDG | RFPROC, &c) == EAGAIN, "RLIMIT_NPROC: a uid at its limit gets EAGAIN");
	snapshot(&after);
	ok(same(&before, &after), "RLIMIT_NPROC: the refused fork took nothing");
	app->p_limit->pl_rlimit[RLIMIT_NPROC].rlim_cur = nproc;
}

/*
 * Every way fork1 can fail once it has started taking things: each named
 * fail point in turn (with and without a signal table to copy, and with
 * RFMEM), a real allocation failing (the pmap of the child's address
 * space), and a signal or an exit of the parent that came first.
 */
static void
fork_backout(void)
{
	static const struct {
		const char	*name;
		int		error;
	} points[] = {
		{ "fork_proc_alloc", ENOMEM }, { "fork_vmspace", ENOMEM }, { "fork_fd", ENOMEM },
		{ "fork_sigacts", ENOMEM }, { "fork_lwp", ENOMEM }, { "fork_pid", EAGAIN },
	};
	static const int flagsets[] = { RFFDG | RFPROC, RFFDG | RFPROC | RFSIGSHARE | RFTHREAD,
	    RFPROC | RFMEM };
	struct counts before, after;
	const struct sysctl_oid *oid;
	struct proc *c;
	char name[64];
	int error;

#ifndef FAIL_POINTS
	ok(true, "fork1's fail points # SKIP compiled out (meson -Dfail_points=false)");
	snapshot(&after);
	(void)points;
	(void)flagsets;
	(void)oid;
	(void)name;
#else
	/*
	 * The parent's own record of its shared table (fdtol) is made at
	 * its first sharing and stays its own (FreeBSD's too): made now, so
	 * that a back-out is not charged with it.
	 */
	c = spawn(app, RFPROC);
	do_exit(c, 0);
	reap(app, c);
	ok(app->p_fdtol != NULL, "a parent's leader record of its shared table stays with it");
	for (unsigned i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		snprintf(name, sizeof(name), "debug.fail_point.%s", points[i].name);
		if ((oid = sysctl_find(name)) == NULL) {
			ok(false, "fail point %s exists", points[i].name);
			continue;
		}
		for (unsigned f = 0; f < sizeof(flagsets) / sizeof(flagsets[0]); f++) {
			/* RFMEM shares the address space: no copy to fail. */
			if (strcmp(points[i].name, "fork_vmspace") == 0 && (flagsets[f] & RFMEM))
				continue;
			if (f == 1)
				catch_signal(app, SIGUSR1);
			snapshot(&before);
			oid->oid_set(oid->oid_arg, 1);
			c = (struct proc *)1;
			error = do_fork(app, flagsets[f], &c);
			snapshot(&after);
			ok(error == points[i].error && c == NULL && oid->oid_get(oid->oid_arg) == 0 &&
			    same(&before, &after) && app->p_peers == NULL &&
			    app->p_vmspace->ref == 1 && app->p_fd->fd_refcnt == 1 &&
			    (app->p_sigacts == NULL || app->p_sigacts->ps_refcnt == 1),
			    "%s, flags %#x: error %d, and no slot, pid, page, stack or count "
			    "left taken", points[i].name, flagsets[f], error);
		}
	}
	uncatch_signal(app, SIGUSR1);
#endif
	c = spawn(app, RFFDG | RFPROC);
	ok(c->p_pid == lastpid && c->p_pid == after.lastpid + 1,
	    "after the failures the next fork takes the next pid (%d)", c->p_pid);
	do_exit(c, 0);
	reap(app, c);

	snapshot(&before);
	fake_pmap_fail_create(1);
	error = do_fork(app, RFFDG | RFPROC, &c);
	snapshot(&after);
	ok(error == ENOMEM && same(&before, &after),
	    "the child's pmap cannot be made: ENOMEM, nothing left taken");

	/* A kill that came before: the parent takes it, fork1 gives up (RFPGLOCK). */
	snapshot(&before);
	spin_lock(&app->p_lock);
	app->p_siglist |= SIGMASK(SIGUSR1);
	spin_unlock(&app->p_lock);
	error = do_fork(app, RFFDG | RFPROC, &c);
	snapshot(&after);
	ok(error == ERESTART && same(&before, &after),
	    "a signal pending for the parent: ERESTART, nothing left taken");
	spin_lock(&app->p_lock);
	app->p_siglist = 0;
	app->p_flags |= P_WEXIT;
	spin_unlock(&app->p_lock);
	error = do_fork(app, RFFDG | RFPROC, &c);
	snapshot(&after);
	ok(error == ERESTART && same(&before, &after),
	    "the parent is exiting: ERESTART, nothing left taken");
	spin_lock(&app->p_lock);
	app->p_flags &= ~P_WEXIT;
	spin_unlock(&app->p_lock);
}

/* exit1: what goes at once, what stays for wait, who is told. */
static void
exit_zombie(void)
{
	struct counts before, after;
	struct proc *c;
	struct ksiginfo ksi;
	uint64_t free_before_exit;

	catch_signal(app, SIGCHLD);
	snapshot(&before);
	c = spawn(app, RFFDG | RFPROC);
	/* Its own pages: written after the fork, copies of the parent's. */
	for (unsigned i = 0; i < DATA_PAGES; i++)
		vm_fault(c->p_vmspace, DATA_VA + i * PAGE_SIZE, VM_PROT_WRITE);
	free_before_exit = v_free_count;
	fake_woken_clear();
	do_exit(c, W_EXITCODE(7, 0));
	ok(c->p_stat == SZOMB && c->p_xstat == W_EXITCODE(7, 0) && c->p_pptr == app,
	    "exit1: a zombie with its wait status, still its parent's");
	ok(c->p_vmspace == NULL && c->p_fd == NULL && c->p_nthreads == 0 &&
	    lwp_of(c) == NULL && c->p_zomblwp != NULL && c->p_zomblwp->l_stat == LSZOMB,
	    "exit1: no address space, no descriptors, its last lwp kept for the reaper");
	ok(v_free_count >= free_before_exit + DATA_PAGES,
	    "exit1: the child's own pages are free at once (%lu more)",
	    (unsigned long)(v_free_count - free_before_exit));
	ok(pid_live(c->p_pid) && nprocs == before.nprocs + 1,
	    "exit1: the pid and the slot stay until the reap");
	ok(fake_woken(app), "exit1: the parent is woken (for its wait)");
	spin_lock(&app->p_lock);
	ok((app->p_siglist & SIGMASK(SIGCHLD)) != 0, "exit1: SIGCHLD is pending for the parent");
	psignal_take(lwp_of(app), SIGCHLD, &ksi);
	spin_unlock(&app->p_lock);
	ok(ksi.ksi_code == CLD_EXITED && ksi.ksi_status == 7 && ksi.ksi_pid == c->p_pid &&
	    ksi.ksi_uid == USER_UID, "exit1: its siginfo: CLD_EXITED, status 7, the child's pid and uid");

	c = spawn(app, RFFDG | RFPROC);
	do_exit(c, W_EXITCODE(0, SIGKILL));
	spin_lock(&app->p_lock);
	psignal_take(lwp_of(app), SIGCHLD, &ksi);
	spin_unlock(&app->p_lock);
	ok(ksi.ksi_code == CLD_KILLED && ksi.ksi_status == SIGKILL,
	    "exit1 by a signal: CLD_KILLED with the signal");
	reap(app, c);
	snapshot(&after);
	after.lastpid = before.lastpid;
	/* The first child is still a zombie: one slot, one uid count, its stack. */
	ok(after.nprocs == before.nprocs + 1 && after.uid_procs == before.uid_procs + 1 &&
	    after.kstacks == before.kstacks + 1, "a zombie holds its slot, count and stack");
	reap(app, LIST_FIRST(&app->p_children));
	snapshot(&after);
	after.lastpid = before.lastpid;
	ok(same(&before, &after), "the reaps give back everything the two children held");

	/* RFLINUXTHPN's exit signal is SIGUSR1. */
	catch_signal(app, SIGUSR1);
	c = spawn(app, RFFDG | RFPROC | RFLINUXTHPN);
	do_exit(c, 0);
	ok(app->p_siglist & SIGMASK(SIGUSR1), "exit1 of an RFLINUXTHPN child: SIGUSR1 to the parent");
	reap(app, c);
	uncatch_signal(app, SIGUSR1);
	uncatch_signal(app, SIGCHLD);
}

/* exit1's children: to their reaper, init unless a nearer one asked. */
static void
exit_reparent(void)
{
	struct proc *c, *live, *dead, *r, *rc, *rg;

	c = spawn(app, RFFDG | RFPROC);
	live = spawn(c, RFFDG | RFPROC | RFLINUXTHPN);
	dead = spawn(c, RFFDG | RFPROC);
	do_exit(dead, W_EXITCODE(3, 0));
	fake_woken_clear();
	do_exit(c, 0);
	ok(live->p_pptr == initproc && dead->p_pptr == initproc && is_child(initproc, live) &&
	    is_child(initproc, dead) && LIST_EMPTY(&c->p_children),
	    "exit1: the children, live and zombie, pass to init");
	ok(live->p_sigparent == SIGCHLD, "exit1: an orphan's exit signal is SIGCHLD from then on");
	ok(fake_woken(initproc), "exit1: init is woken for the zombie it inherits");
	reap(app, c);
	reap(initproc, dead);
	do_exit(live, 0);
	reap(initproc, live);

	/* A reaper below init takes its descendants' orphans. */
	r = spawn(app, RFFDG | RFPROC);
	spin_lock(&proctree_lock);
	reaper_acquire(r);
	spin_unlock(&proctree_lock);
	rc = spawn(r, RFFDG | RFPROC);
	rg = spawn(rc, RFFDG | RFPROC);
	do_exit(rc, 0);
	ok(rg->p_pptr == r && is_child(r, rg), "exit1: an orphan goes to its reaper, not init");
	reap(r, rc);
	do_exit(rg, 0);
	reap(r, rg);
	do_exit(r, 0);
	reap(app, r);
}

/* A parent that wants no zombies (SA_NOCLDWAIT) gets none. */
static void
exit_nocldwait(void)
{
	struct sigacts *ps = sigacts_get(app);
	struct proc *c;
	pid_t pid, found;
	int status;

	spin_lock(&ps->ps_lock);
	ps->ps_flag |= PS_NOCLDWAIT;
	spin_unlock(&ps->ps_lock);
	c = spawn(app, RFFDG | RFPROC);
	pid = c->p_pid;
	fake_woken_clear();
	do_exit(c, W_EXITCODE(1, 0));
	ok(c->p_pptr == initproc && !is_child(app, c) && fake_woken(app),
	    "NOCLDWAIT: the zombie goes to init, and the parent's wait is woken");
	ok(do_wait(app, -1, &status, WNOHANG, &found) == ECHILD,
	    "NOCLDWAIT: the parent's wait then finds no child (ECHILD)");
	ok(do_wait(initproc, pid, &status, WNOHANG, &found) == 0 && found == pid,
	    "NOCLDWAIT: init reaps it");
	spin_lock(&ps->ps_lock);
	ps->ps_flag &= ~PS_NOCLDWAIT;
	spin_unlock(&ps->ps_lock);
}

static void
wait_basics(void)
{
	struct proc *c, *other;
	pid_t found, pid;
	int status;

	found = -1;
	ok(do_wait(app, -1, &status, WNOHANG, &found) == ECHILD, "wait: no children, ECHILD");
	ok(do_wait(app, 0, &status, WNOHANG | 0x4000, &found) == EINVAL,
	    "wait: an unknown option is EINVAL");
	c = spawn(app, RFFDG | RFPROC);
	ok(do_wait(app, -1, &status, WNOHANG, &found) == 0 && found == 0,
	    "WNOHANG: a live child, nothing to report, pid 0");
	other = spawn(initproc, RFFDG | RFPROC);
	do_exit(other, 0);
	ok(do_wait(app, other->p_pid, &status, WNOHANG, &found) == ECHILD,
	    "wait: a pid that is not our child is ECHILD, even a zombie");
	reap(initproc, other);

	do_exit(c, W_EXITCODE(42, 0));
	pid = c->p_pid;
	ok(do_wait(app, pid, &status, WNOHANG | WNOWAIT, &found) == 0 && found == pid &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 42,
	    "WNOWAIT: the exit is reported (WIFEXITED, status 42)");
	ok(c->p_stat == SZOMB && is_child(app, c) && pid_live(pid),
	    "WNOWAIT: the child stays a zombie");
	ok(do_wait(app, -1, &status, WNOHANG, &found) == 0 && found == pid &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 42, "wait(-1) then reaps it");
	ok(!pid_live(pid) && !is_child(app, c), "the reap frees the pid and the child is gone");

	c = spawn(app, RFFDG | RFPROC);
	do_exit(c, W_EXITCODE(0, SIGSEGV));
	ok(do_wait(app, c->p_pid, &status, 0, &found) == 0 && WIFSIGNALED(status) &&
	    WTERMSIG(status) == SIGSEGV && !WIFEXITED(status),
	    "a child killed by a signal: WIFSIGNALED, WTERMSIG");
}

/* wait's pid argument: one pid, our group (0), another group (-pgid). */
static void
wait_select(void)
{
	struct proc *a, *b;
	register_t args[2], rv;
	pid_t found;
	int status;

	a = spawn(app, RFFDG | RFPROC);
	b = spawn(app, RFFDG | RFPROC);
	/* b leads a group of its own: setpgid(b, b) by the parent. */
	fake_become(lwp_of(app));
	args[0] = b->p_pid;
	args[1] = b->p_pid;
	ok(sys_setpgid(lwp_of(app), args, &rv) == 0 && b->p_pgrp->pg_id == b->p_pid,
	    "setpgid: the second child leads a group of its own");
	do_exit(a, W_EXITCODE(1, 0));
	do_exit(b, W_EXITCODE(2, 0));
	ok(do_wait(app, -b->p_pid, &status, WNOHANG, &found) == 0 && found == b->p_pid &&
	    WEXITSTATUS(status) == 2, "wait(-pgid): the child in that group only");
	ok(do_wait(app, -b->p_pid, &status, WNOHANG, &found) == ECHILD,
	    "wait(-pgid): then none is left in that group (ECHILD)");
	ok(do_wait(app, 0, &status, WNOHANG, &found) == 0 && found == a->p_pid &&
	    WEXITSTATUS(status) == 1, "wait(0): the child in our own group");
}

/* A child that exits while the parent sleeps in wait. */
static void
child_exits(void *arg)
{
	do_exit(arg, W_EXITCODE(5, 0));
}

static void
wait_sleeps(void)
{
	struct proc *c;
	pid_t found;
	int status;

	c = spawn(app, RFFDG | RFPROC);
	fake_sleep_hook = child_exits;
	fake_sleep_arg = c;
	ok(do_wait(app, -1, &status, 0, &found) == 0 && found == c->p_pid &&
	    WEXITSTATUS(status) == 5 && fake_sleep_hook == NULL,
	    "wait sleeps until the child exits, woken by the exit, and reaps it");
	c = spawn(app, RFFDG | RFPROC);
	fake_sleep_hook = nothing;
	fake_sleep_arg = NULL;
	ok(do_wait(app, -1, &status, 0, &found) == EINTR && found == 0 && c->p_stat == SACTIVE,
	    "a wait's sleep ended with nothing to report: EINTR");
	do_exit(c, 0);
	reap(app, c);
}

int
main(void)
{
	struct counts start, end;

	boot();
	snapshot(&start);
	make_app();
	fork_flags();
	fork_copies();
	fork_shares();
	fork_kernel_flags();
	fork_limits();
	fork_backout();
	exit_zombie();
	exit_reparent();
	exit_nocldwait();
	wait_basics();
	wait_select();
	wait_sleeps();
	ok(LIST_EMPTY(&app->p_children) && LIST_FIRST(&initproc->p_children) == app &&
	    LIST_NEXT(app, p_sibling) == NULL, "after every case: no process but init and app");
	/* The parent goes too, with what the cases left it (signal actions, siginfo, fdtol). */
	do_exit(app, 0);
	reap(initproc, app);
	user_ui = NULL;		/* freed with its last process */
	snapshot(&end);
	end.lastpid = start.lastpid;
	ok(same(&start, &end), "and once it exits and init reaps it, everything is as before it "
	    "was forked: no page, heap object, stack, slot, pmap or count leaked");
	return (done());
}
