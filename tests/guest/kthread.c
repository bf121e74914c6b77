/*
 * Kernel threads: forked from proc0 with RFSTOPPED and RFHIGHPID, run in
 * the kernel, reaped by init when they end.  debug.kthread_test starts one.
 */
#include "tap.h"

static void
try_as_user(void)
{
	setuid(1000);
	_exit(sset("debug.kthread_test", 1) == -1 && errno == EPERM ? 0 : 1);
}

/*
 * A kernel thread started by root runs to its end, is counted and reaped,
 * and gives every page back.
 */
static int
kthread_life(void)
{
	int kthreads = sget("vm.stats.vm.v_kthreads");
	int runs = sget("debug.kthread_test");
	int lastpid = sget("kern.lastpid");
	int nprocs, free0, spins;

	/*
	 * Settle: touch what this program itself will use (its stdio buffer,
	 * its stack) and let init reap anything left from boot, then take the
	 * baseline.
	 */
	diag("kernel threads so far: %d", kthreads);
	for (int i = 0; i < 20; i++)
		sched_yield();
	nprocs = sget("kern.nprocs");
	free0 = settled_unleaked();

	ok(sset("debug.kthread_test", 50) == 0, "root starts a kernel thread");
	ok(sget("vm.stats.vm.v_kthreads") == kthreads + 1, "v_kthreads counts it (%d -> %d)",
	    kthreads, sget("vm.stats.vm.v_kthreads"));
	ok(sget("kern.lastpid") == lastpid,
	    "its RFHIGHPID pid leaves kern.lastpid alone (%d)", sget("kern.lastpid"));
	for (spins = 0; sget("debug.kthread_test") < runs + 50 && spins < 100000; spins++)
		sched_yield();
	ok(sget("debug.kthread_test") == runs + 50, "the kernel thread runs to its end (%d runs)",
	    sget("debug.kthread_test") - runs);
	for (spins = 0; sget("kern.nprocs") != nprocs && spins < 100000; spins++)
		sched_yield();
	ok(sget("kern.nprocs") == nprocs, "init reaps the finished thread (nprocs %d)",
	    sget("kern.nprocs"));
	ok(settled_unleaked() == free0, "and every page comes back (%d -> %d)",
	    free0, unleaked_pages());
	return (0);
}

/* debug.kthread_test refuses a negative count and non-root writers. */
static int
refusals(void)
{
	int status = -1;

	errno = 0;
	ok(sset("debug.kthread_test", -1) == -1 && errno == EINVAL, "a negative count is EINVAL");
	status = in_child(try_as_user);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a non-root write is EPERM");
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(kthread_life, "a kernel thread started by root runs to its end, is counted and reaped, and gives every page back"),
	TAP_CASE(refusals, "debug.kthread_test refuses a negative count and non-root writers"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
