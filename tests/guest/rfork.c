/*
 * The rfork suite: flag checks, rfork without RFPROC, and what each
 * sharing flag gives the child (RFMEM, RFNOWAIT, RFLINUXTHPN, RFSIGSHARE,
 * RFTHREAD), with the v_rforks counter.
 */
#include "tap.h"

static volatile int shared_word;

static pid_t
xrfork(int flags)
{
	fflush(stdout);
	return (rfork(flags));
}

/* true if rfork(flags) fails with EINVAL; a child made by mistake is reaped. */
static bool
rfork_einval(int flags)
{
	int status;
	pid_t pid;

	errno = 0;
	pid = xrfork(flags);
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid(pid, &status, 0);
		return (false);
	}
	return (errno == EINVAL);
}

/*
 * RFMEM: the child writes a word the parent then sees.  Sharing memory,
 * the two would also share the stack, and on several CPUs they run at
 * once: the child gets a stack of its own (rfork_thread), as FreeBSD
 * requires of RFMEM.
 */
static char rfmem_stack[16384] __attribute__((aligned(16)));

static int
rfmem_write(void *arg __attribute__((unused)))
{
	shared_word = 42;
	_exit(7);
}

static int
rfmem_child(void)
{
	pid_t pid;
	int status;

	shared_word = 0;
	fflush(stdout);
	pid = rfork_thread(RFPROC | RFMEM, rfmem_stack + sizeof(rfmem_stack),
	    rfmem_write, NULL);
	if (pid < 0)
		return (2);
	for (long i = 0; i < 400000000L && shared_word == 0; i++)
		;
	if (shared_word != 42)
		return (3);
	if (waitpid(pid, &status, 0) != pid || WEXITSTATUS(status) != 7)
		return (4);
	return (0);
}

static int
cfdg_closes(void)
{
	if (rfork(RFCFDG) != 0)
		return (2);
	errno = 0;
	return (write(1, "x", 0) == -1 && errno == EBADF ? 0 : 1);
}

/* A child made with RFLINUXTHPN exits: the parent gets SIGUSR1. */
static int
linuxthpn_parent(void)
{
	int status;
	pid_t pid = rfork(RFPROC | RFFDG | RFLINUXTHPN);

	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0);
	for (int i = 0; i < 100; i++)
		sched_yield();
	return (0);
}

/* A plain child's exit sends SIGCHLD, ignored by default. */
static int
sigchld_parent(void)
{
	int status;
	pid_t pid = rfork(RFPROC | RFFDG);

	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0);
	for (int i = 0; i < 100; i++)
		sched_yield();
	return (0);
}

static int
sigshare_parent(void)
{
	int status;
	pid_t pid = rfork(RFPROC | RFFDG | RFSIGSHARE);

	if (pid == 0) {
		signal(SIGUSR1, SIG_IGN);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	kill(getpid(), SIGUSR1);
	return (0);
}

static int
nosigshare_parent(void)
{
	int status;
	pid_t pid = rfork(RFPROC | RFFDG);

	if (pid == 0) {
		signal(SIGUSR1, SIG_IGN);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	kill(getpid(), SIGUSR1);
	return (0);
}

static int thread_pipe[2], thread_go[2];

/*
 * The leader of an RFTHREAD group exits: its two peers, which would write
 * to thread_pipe once thread_go closes (after the leader is reaped), are
 * killed with it.  They wait on a pipe rather than for a while: on several
 * CPUs a while may be over before the leader gets to exit.
 */
static int
thread_leader(void)
{
	char c;

	close(thread_pipe[0]);
	close(thread_go[1]);
	for (int i = 0; i < 2; i++) {
		if (rfork(RFPROC | RFFDG | RFTHREAD) == 0) {
			read(thread_go[0], &c, 1);
			write(thread_pipe[1], "x", 1);
			_exit(0);
		}
	}
	_exit(0);
}

/* A peer that exits leaves its leader running. */
static int
thread_peer_exits(void)
{
	int status;
	pid_t pid = rfork(RFPROC | RFFDG | RFTHREAD);

	if (pid == 0)
		_exit(5);
	if (waitpid(pid, &status, 0) != pid || WEXITSTATUS(status) != 5)
		return (1);
	return (0);
}

/* Flags only the kernel may pass to fork1. */
static const struct {
	int flag;
	const char *name;
} konly[] = {
	{ RFSTOPPED, "RFSTOPPED" }, { RFHIGHPID, "RFHIGHPID" },
	{ RFPGLOCK, "RFPGLOCK" }, { RFSPAWNDFL, "RFSPAWNDFL" },
	{ RFPROCDESC, "RFPROCDESC (pdrfork's)" },
};
/* Bits FreeBSD-current refuses: Plan 9's namespace flags, and no flag at all. */
static const int unknown[] = { 1 << 0, 1 << 1, 1 << 3, 1 << 7, 1 << 8, 1 << 9,
    1 << 10, 1 << 11, 1 << 15 };

/* Kernel-only and unknown flags, and RFFDG|RFCFDG, are EINVAL. */
static int
flags_refused(void)
{
	for (unsigned i = 0; i < sizeof(konly) / sizeof(konly[0]); i++)
		ok(rfork_einval(RFPROC | RFFDG | konly[i].flag),
		    "rfork with the kernel-only flag %s is EINVAL", konly[i].name);
	for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		ok(rfork_einval(RFPROC | RFFDG | unknown[i]),
		    "rfork with the unknown bit %#x is EINVAL (nothing is silently ignored)",
		    unknown[i]);
	ok(rfork_einval((int)(RFSPAWN | RFPROC)) && rfork_einval((int)(RFSPAWN | RFMEM)),
	    "RFSPAWN with any other flag is EINVAL");
	ok(rfork_einval(RFPROC | RFFDG | RFCFDG), "rfork with RFFDG|RFCFDG is EINVAL");
	ok(rfork_einval(RFFDG | RFCFDG), "rfork with RFFDG|RFCFDG and no RFPROC is EINVAL");
	return (0);
}

/*
 * rfork without RFPROC acts on the caller: no child, RFCFDG closes its
 * descriptors.
 */
static int
no_rfproc(void)
{
	int status = -1;
	pid_t me = getpid();

	errno = 0;
	ok(xrfork(0) == 0 && getpid() == me, "rfork(0) returns 0 and the caller goes on");
	ok(xrfork(RFFDG) == 0 && getpid() == me,
	    "rfork(RFFDG) without RFPROC returns 0 and the caller goes on");
	errno = 0;
	ok(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD,
	    "rfork without RFPROC makes no child");
	ok(write(1, "", 0) == 0, "descriptors still work after rfork(RFFDG)");
	status = run_child(cfdg_closes);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "rfork(RFCFDG) without RFPROC closes the caller's descriptors");
	return (0);
}

/* RFPROC|RFMEM shares memory. */
static int
rfmem(void)
{
	int status = -1;

	status = run_child(rfmem_child);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "RFPROC|RFMEM shares memory: the child's write is seen by the parent (%#x)",
	    status);
	return (0);
}

/* An RFNOWAIT child's parent is init, not the caller's to wait for. */
static int
rfnowait(void)
{
	int status = -1, fds[2], pp, n;
	pid_t pid;

	pipe(fds);
	pid = xrfork(RFPROC | RFFDG | RFNOWAIT);
	if (pid == 0) {
		pp = getppid();
		write(fds[1], &pp, sizeof(pp));
		_exit(0);
	}
	close(fds[1]);
	pp = -1;
	n = (int)read(fds[0], &pp, sizeof(pp));
	close(fds[0]);
	ok(pid > 0 && n == sizeof(pp) && pp == 1, "an RFNOWAIT child's parent is init (%d)", pp);
	errno = 0;
	ok(waitpid(pid, &status, 0) == -1 && errno == ECHILD,
	    "the RFNOWAIT child is not the caller's to wait for (ECHILD)");
	return (0);
}

/* RFLINUXTHPN: SIGUSR1 at exit; otherwise SIGCHLD. */
static int
exit_signals(void)
{
	int status = -1;

	status = run_child(linuxthpn_parent);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1,
	    "an RFLINUXTHPN child's exit sends SIGUSR1, which kills its parent (%#x)", status);
	status = run_child(sigchld_parent);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "a plain child's exit sends SIGCHLD, ignored by default (%#x)", status);
	return (0);
}

/* RFSIGSHARE shares signal dispositions; without it they are copied. */
static int
rfsigshare(void)
{
	int status = -1;

	status = run_child(sigshare_parent);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "RFSIGSHARE: SIG_IGN set by the child holds in the parent (%#x)", status);
	status = run_child(nosigshare_parent);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1,
	    "without RFSIGSHARE the child's SIG_IGN stays its own (%#x)", status);
	return (0);
}

/*
 * RFTHREAD: peers die with their leader; a peer that exits is reaped by
 * it.
 */
static int
rfthread(void)
{
	int status = -1, n;
	char c;

	pipe(thread_pipe);
	pipe(thread_go);
	status = run_child(thread_leader);
	close(thread_go[0]);
	close(thread_go[1]);
	close(thread_pipe[1]);
	c = 0;
	n = (int)read(thread_pipe[0], &c, 1);
	close(thread_pipe[0]);
	ok(WIFEXITED(status) && n == 0,
	    "RFTHREAD: when the leader exits its peers are killed (read %d)", n);
	status = run_child(thread_peer_exits);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "RFTHREAD: a peer that exits is reaped by its leader, which goes on");
	return (0);
}

/* v_rforks, v_forks and v_vforks count by kind. */
static int
counters(void)
{
	int status = -1, before, after, before2, after2;
	pid_t pid;

	before = sget("vm.stats.vm.v_rforks");
	before2 = sget("vm.stats.vm.v_forks");
	pid = xrfork(RFPROC);
	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0);
	after = sget("vm.stats.vm.v_rforks");
	after2 = sget("vm.stats.vm.v_forks");
	ok(before >= 0 && after == before + 1 && after2 == before2,
	    "rfork(RFPROC) adds one to v_rforks, not v_forks (%d -> %d)", before, after);
	before = sget("vm.stats.vm.v_rforks");
	before2 = sget("vm.stats.vm.v_forks");
	pid = xrfork(RFPROC | RFFDG);
	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0);
	after = sget("vm.stats.vm.v_rforks");
	after2 = sget("vm.stats.vm.v_forks");
	ok(after == before && after2 == before2 + 1,
	    "rfork(RFPROC|RFFDG) is a fork and adds one to v_forks (%d -> %d)", before2,
	    after2);
	before = sget("vm.stats.vm.v_vforks");
	pid = vfork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0);
	after = sget("vm.stats.vm.v_vforks");
	ok(before >= 0 && after == before + 1, "vfork adds one to v_vforks (%d -> %d)",
	    before, after);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(flags_refused, "kernel-only and unknown flags, and RFFDG|RFCFDG, are EINVAL"),
	TAP_CASE(no_rfproc, "rfork without RFPROC acts on the caller: no child, RFCFDG closes its descriptors"),
	TAP_CASE(rfmem, "RFPROC|RFMEM shares memory"),
	TAP_CASE(rfnowait, "an RFNOWAIT child's parent is init, not the caller's to wait for"),
	TAP_CASE(exit_signals, "RFLINUXTHPN: SIGUSR1 at exit; otherwise SIGCHLD"),
	TAP_CASE(rfsigshare, "RFSIGSHARE shares signal dispositions; without it they are copied"),
	TAP_CASE(rfthread, "RFTHREAD: peers die with their leader; a peer that exits is reaped by it"),
	TAP_CASE(counters, "v_rforks, v_forks and v_vforks count by kind"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
