/*
 * The sysctl suite: every knob the README documents is registered (each
 * file registers its own in a linker set, include/sysctl.h, so a knob that
 * falls out of the build is otherwise silent), reads as an int, and keeps
 * the rules of sysctlbyname: ENOENT for a name that is none, EPERM for a
 * write to a read-only knob, ENOMEM for a short buffer.
 */
#include "tap.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Read-only knobs and counters. */
static const char *const readable[] = {
	"kern.lastpid", "kern.nprocs", "kern.random.hw_bytes", "kern.smp.cpus",
	"kern.sched.switches", "kern.sched.steals",
	"vm.stats.vm.v_forks", "vm.stats.vm.v_vforks", "vm.stats.vm.v_rforks",
	"vm.stats.vm.v_kthreads", "vm.stats.vm.v_forkpages",
	"vm.stats.vm.v_vforkpages", "vm.stats.vm.v_rforkpages",
	"vm.stats.vm.v_kthreadpages", "vm.stats.vm.v_vm_faults",
	"vm.stats.vm.v_cow_faults", "vm.stats.vm.v_zfod",
	"vm.stats.vm.v_pt_shared", "vm.stats.vm.v_pt_copied",
	"vm.stats.vm.v_free_count", "vm.stats.vm.v_page_count",
	"vm.stats.sys.v_ipi_shootdown", "vm.stats.sys.v_ipi_shootdown_pages",
	"vm.kmem.pages", "vm.kmem.objects",
	"vm.kstack.inuse", "vm.kstack.slots", "vm.kstack.cached_pages",
	"vm.kstack.table_pages",
	"debug.witness.enabled", "debug.witness.classes", "debug.witness.orders",
	"debug.kernel_guard",
};

/* Knobs root may write (their values are checked by their own suites). */
static const char *const writable[] = {
	"kern.maxproc", "kern.maxprocperuid", "kern.pid_max", "kern.randompid",
	"kern.elf64.aslr.enable", "debug.kernel_prot", "debug.kthread_test",
	/* Actions: they read 0. */
	"debug.panic", "debug.ps", "debug.write_kernel_text",
	"debug.kstack_overflow", "debug.stack_smash", "debug.read_user",
};

static int
all_present(const char *const *names, size_t n)
{
	int v;
	size_t len;

	for (size_t i = 0; i < n; i++) {
		len = sizeof(v);
		if (sysctlbyname(names[i], &v, &len, NULL, 0) != 0 || len != sizeof(v)) {
			diag("%s: %s", names[i], strerror(errno));
			return ((int)i + 1);
		}
	}
	return (0);
}

/* Each of the read-only knobs and counters reads as an int. */
static int
readable_present(void)
{
	return (all_present(readable, NITEMS(readable)));
}

/* Each of the writable knobs and actions reads as an int. */
static int
writable_present(void)
{
	return (all_present(writable, NITEMS(writable)));
}

static int
values(void)
{
	CHECK(1, sget("debug.panic") == 0 && sget("debug.ps") == 0);
	CHECK(2, sget("vm.stats.vm.v_page_count") > 0);
	CHECK(3, sget("kern.smp.cpus") >= 1);
	CHECK(4, sget("vm.kstack.slots") > 0);
	return (0);
}

static int
errors(void)
{
	int v = 0;
	size_t len = sizeof(v);

	errno = 0;
	CHECK(1, sysctlbyname("kern.no_such_knob", &v, &len, NULL, 0) == -1 &&
	    errno == ENOENT);
	errno = 0;
	CHECK(2, sset("kern.lastpid", 5) == -1 && errno == EPERM);
	errno = 0;
	len = 1;
	CHECK(3, sysctlbyname("kern.nprocs", &v, &len, NULL, 0) == -1 && errno == ENOMEM);
	return (0);
}

/* Without the meson option fail_points there are none: ENOENT. */
static int
fail_point_knob(void)
{
	int v = sget("debug.fail_point.fork_lwp");

	if (v != 0)
		CHECK(1, errno == ENOENT);
	else
		CHECK(2, sget("debug.fail_point.vm_fault_page_alloc") == 0);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(readable_present, "every read-only knob and counter the README names reads as an int"),
	TAP_CASE(writable_present, "every writable knob and action the README names reads as an int"),
	TAP_CASE(values, "an action reads 0; counters read the kernel's values, not a default"),
	TAP_CASE(errors, "no such knob is ENOENT, a write to a read-only one EPERM (even for "
	    "root), a buffer shorter than an int ENOMEM"),
	TAP_CASE(fail_point_knob, "a fail point's knob is registered with the rest, reading 0 "
	    "unarmed (or absent without fail points)"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
