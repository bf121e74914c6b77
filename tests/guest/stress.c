/*
 * Stress suites: a fork bomb held at kern.maxproc and recovered; children
 * that fork while they eat memory until the kernel kills them, and
 * recovery; fork/exit/wait cycles with LTP fork13's rule that no pid is
 * handed out again while its owner is alive.  Short by default (CI);
 * `stress --long` runs the big variants (1 000 000 cycles); `stress
 * test_bomb` one part (case) alone.
 *
 * Bombs and hogs run as uid 1000 in sessions of their own, so that one
 * kill(-1, SIGKILL) from a uid-1000 helper ends them all and nothing else.
 * After each part the process count and the free page count must be back
 * at the baseline taken before it, and fork must work again.
 */
#include "vmsuite.h"

#define STRESS_UID	1000
#define BOMB_MAXPROC	200
#define RESERVE		10		/* slots only root may take */
#define WINDOW		16		/* live children in the cycle test */
#define MAX(a, b)	((a) > (b) ? (a) : (b))

static bool longrun;

/* Become an unprivileged member of a new session with no NPROC limit. */
static void
drop_privileges(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	setsid();
	setrlimit(RLIMIT_NPROC, &rl);
	if (setuid(STRESS_UID) != 0)
		_exit(99);
}

/* SIGKILL every uid-1000 process, from a child of that uid. */
static void
kill_uid(void)
{
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		if (setuid(STRESS_UID) == 0)
			kill(-1, SIGKILL);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void
reap_some(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/*
 * Wait (bounded) until kern.nprocs and the unleaked pages are back at the
 * baseline, killing stragglers of uid 1000 now and then.  More pages than
 * the baseline is no leak: something this process did not hold was freed
 * meanwhile (with several CPUs, the last case's lwp stack, given back by
 * whoever reaped it; seen once at 4 CPUs: 60993 against 60992).
 */
static bool
recovered(int base_procs, int base_free, int *procs, int *pages)
{
	uint64_t deadline = now_ms() + 30000;
	int i;

	for (i = 0; now_ms() < deadline; i++) {
		reap_some();
		*procs = sget("kern.nprocs");
		*pages = unleaked_pages();
		if (*procs == base_procs && *pages >= base_free)
			return (true);
		if (i % 10 == 9)
			kill_uid();
		nap(50);
	}
	return (false);
}

static int
nothing(void)
{
	return (0);
}

/* Each bomb process forks until fork fails, then waits for the release. */
static void
bomb(int release)
{
	char c;
	pid_t pid;

	for (;;) {
		pid = fork();
		if (pid == 0)
			continue;
		if (pid < 0)
			break;
	}
	read(release, &c, 1);
	_exit(0);
}

static int
test_bomb(void)
{
	int maxproc = sget("kern.maxproc"), base_procs, base_free, procs, pages;
	int fds[2], peak = 0, st;
	uint64_t deadline;
	pid_t leader;

	if (sset("kern.maxproc", BOMB_MAXPROC) != 0) {
		ok(0, "root can lower kern.maxproc to %d for the fork bomb (errno %d)",
		    BOMB_MAXPROC, errno);
		return (0);
	}
	base_procs = sget("kern.nprocs");
	base_free = settled_unleaked();
	pipe(fds);
	fflush(stdout);
	if ((leader = fork()) == 0) {
		close(fds[1]);
		drop_privileges();
		bomb(fds[0]);
	}
	close(fds[0]);
	/* The bomb grows until only root's reserve is left. */
	deadline = now_ms() + (longrun ? 120000 : 30000);
	while (now_ms() < deadline) {
		procs = sget("kern.nprocs");
		peak = MAX(peak, procs);
		if (procs >= BOMB_MAXPROC - RESERVE)
			break;
		nap(20);
	}
	nap(600);			/* the refused forks sleep, then fail */
	peak = MAX(peak, sget("kern.nprocs"));
	ok(peak == BOMB_MAXPROC - RESERVE, "a fork bomb of an unprivileged user is held "
	    "at kern.maxproc less root's %d reserved slots (peak %d of %d)", RESERVE,
	    peak, BOMB_MAXPROC);
	st = run_child(nothing);
	ok(exited(st, 0), "root can still fork while the bomb holds every other slot");
	if (longrun)
		nap(5000);		/* hold it a while */
	close(fds[1]);			/* release: every bomb process exits */
	waitpid(leader, NULL, 0);
	ok(recovered(base_procs, base_free, &procs, &pages),
	    "after the bomb is released every process is reaped and every page comes "
	    "back (%d/%d processes, %d/%d free pages)", procs, base_procs, pages,
	    base_free);
	sset("kern.maxproc", maxproc);
	ok(sget("kern.maxproc") == maxproc && exited(run_child(nothing), 0),
	    "kern.maxproc is restored and fork works again");
	return (0);
}

/* Touch memory without end, forking now and then, until the kernel kills us. */
static void
hog(int depth, int forks)
{
	size_t len = 1ul << 30, off;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);

	if (p == MAP_FAILED)
		_exit(2);
	for (off = 0;; off += PGSZ) {
		if (off == len)
			off = 0;	/* more RAM than 1 GiB?  Go round again. */
		p[off] = 1;
		if (depth < 3 && forks > 0 && (off / PGSZ) % 2048 == 1024) {
			forks--;
			if (fork() == 0) {
				depth++;
				forks = 2;
			}
		}
	}
}

static int
test_oom(void)
{
	int base_procs, base_free, procs, pages, i, st, killed = 0, other = 0;
	int nhogs = longrun ? 8 : 3;
	pid_t pid;

	base_procs = sget("kern.nprocs");
	base_free = settled_unleaked();
	for (i = 0; i < nhogs; i++) {
		fflush(stdout);
		if ((pid = fork()) == 0) {
			drop_privileges();
			hog(0, 2);
		}
	}
	for (i = 0; i < nhogs; i++) {
		if (waitpid(-1, &st, 0) < 0)
			break;
		if (killed_by(st, SIGKILL))
			killed++;
		else
			other++;
	}
	ok(killed == nhogs, "%d memory hogs that fork are each ended by SIGKILL when "
	    "memory runs out (%d killed, %d otherwise)", nhogs, killed, other);
	ok(recovered(base_procs, base_free, &procs, &pages),
	    "after the hogs every process is reaped and every page comes back "
	    "(%d/%d processes, %d/%d free pages)", procs, base_procs, pages, base_free);
	ok(exited(run_child(nothing), 0), "fork works after memory ran out");
	return (0);
}

static int
test_cycles(void)
{
	long cycles = longrun ? 1000000 : 2000, i, reused = 0, bad = 0;
	int base_procs, base_free, procs, pages, fds[2], st, slot;
	pid_t live[WINDOW], pid;
	uint64_t t0 = now_ms();
	char c;

	base_procs = sget("kern.nprocs");
	base_free = settled_unleaked();
	pipe(fds);
	for (slot = 0; slot < WINDOW; slot++)
		live[slot] = 0;
	for (i = 0; i < cycles; i++) {
		slot = (int)(i % WINDOW);
		if (live[slot] > 0) {
			/* The oldest live child goes; its pid becomes free. */
			kill(live[slot], SIGTERM);
			if (waitpid(live[slot], &st, 0) != live[slot] ||
			    !killed_by(st, SIGTERM))
				bad++;
			live[slot] = 0;
		}
		fflush(stdout);
		if ((pid = fork()) == 0) {
			close(fds[1]);
			read(fds[0], &c, 1);	/* until killed */
			_exit(0);
		}
		if (pid < 0) {
			bad++;
			continue;
		}
		for (int j = 0; j < WINDOW; j++)
			if (live[j] == pid)
				reused++;
		live[slot] = pid;
		if (longrun && i % 100000 == 0)
			diag("%ld cycles, %lu ms", i, (unsigned long)(now_ms() - t0));
	}
	for (slot = 0; slot < WINDOW; slot++)
		if (live[slot] > 0) {
			kill(live[slot], SIGTERM);
			waitpid(live[slot], NULL, 0);
		}
	close(fds[0]);
	close(fds[1]);
	diag("%ld fork/exit/wait cycles in %lu ms", cycles,
	    (unsigned long)(now_ms() - t0));
	ok(reused == 0, "%ld fork/exit/wait cycles never hand out the pid of one of "
	    "the %d live children (%ld reuses)", cycles, WINDOW, reused);
	ok(bad == 0, "every fork succeeded and every child was reaped with its "
	    "status (%ld failures)", bad);
	ok(recovered(base_procs, base_free, &procs, &pages),
	    "after the cycles every process slot and every page is back "
	    "(%d/%d processes, %d/%d free pages)", procs, base_procs, pages, base_free);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(test_bomb, "a fork bomb held at kern.maxproc, then recovered"),
	TAP_CASE(test_oom, "children that fork while eating memory are killed, then recovery"),
	TAP_CASE(test_cycles, "fork/exit/wait cycles never hand out a live pid"),
};

/* `stress [--long] [CASE...]': --long is taken out before the cases are picked. */
int
main(int argc, char **argv)
{
	int n = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--long") == 0)
			longrun = true;
		else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	diag("stress: %s run", longrun ? "long" : "short");
	nap(1);
	return (run_cases(cases, sizeof(cases) / sizeof(cases[0]), n, argv));
}
