/*
 * The wx suite: the kernel's own protections.  Each section of the image,
 * the direct map and the kernel stacks have the rights W^X asks for (read
 * back through debug.kernel_prot, which asks the platform's page tables),
 * a stack's guard page is not mapped, nor the boot stack's, and the fault
 * path takes both for guards, the knobs are root's, and kernel
 * stacks come back: slots (vm.kstack.inuse), pages and process slots are
 * where they were after hundreds of lwps and processes have come and gone.
 * The knobs that must panic are run by the root meson.build
 * (write_kernel_text@smpN, kstack_overflow@smpN).
 */
#include <pthread.h>

#include "tap.h"

#define R	PROT_READ
#define W	PROT_WRITE
#define X	PROT_EXEC
#define NTHREADS	8
#define ROUNDS		40
#define FORKS		200

/* The rights of the kernel address `sel` names, -1 unmapped, or -2 and errno. */
static int
kprot(int sel)
{
	if (sset("debug.kernel_prot", sel) != 0)
		return (-2);
	return (sget("debug.kernel_prot"));
}

static const char *
rights(int p)
{
	static char bufs[2][8];
	static int next;
	char *buf = bufs[next++ % 2];

	if (p == -1)
		return ("unmapped");
	if (p < 0)
		return ("error");
	snprintf(buf, sizeof(bufs[0]), "%c%c%c", p & R ? 'r' : '-', p & W ? 'w' : '-',
	    p & X ? 'x' : '-');
	return (buf);
}

static const struct {
	int		sel;
	int		want;
	const char	*name;
} sections[] = {
	{ KPROT_TEXT, R | X, "kernel text is readable and executable, not writable" },
	{ KPROT_RODATA, R, "kernel rodata is read-only and not executable" },
	{ KPROT_DATA, R | W, "kernel data is writable and not executable" },
	{ KPROT_BSS, R | W, "the first page of kernel bss is writable and not executable" },
	{ KPROT_BSS_END, R | W, "the last page of kernel bss is writable and not executable" },
	{ KPROT_DMAP, R | W, "the direct map (the kernel heap) is writable and not executable" },
	{ KPROT_KSTACK, R | W, "the running kernel stack is writable and not executable" },
	{ KPROT_KSTACK_BASE, R | W, "the lowest page of the kernel stack is writable and not executable" },
	{ KPROT_BOOT_STACK, R | W, "the lowest page of the boot stack is writable and not executable" },
};

static int
section_rights(void)
{
	bool can = sset("debug.kernel_prot", KPROT_TEXT) == 0;
	int err = errno;

	if (!can)
		diag("debug.kernel_prot: errno %d", err);
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		int p;

		if (!can && err == EOPNOTSUPP) {
			ok(1, "%s # SKIP the platform cannot report kernel rights",
			    sections[i].name);
			continue;
		}
		p = kprot(sections[i].sel);
		if (!ok(p == sections[i].want, "%s", sections[i].name))
			diag("selector %d: %s, want %s", sections[i].sel, rights(p),
			    rights(sections[i].want));
	}
	return (0);
}

static int
guard_unmapped(void)
{
	int p;

	if (sget("vm.kstack.slots") <= 0) {
		ok(1, "the page under a kernel stack is its unmapped guard"
		    " # SKIP no kernel-stack region on this platform");
		return (0);
	}
	p = kprot(KPROT_KSTACK_GUARD);
	if (!ok(p == -1, "the page under a kernel stack is its unmapped guard"))
		diag("the guard reads %s (errno %d)", rights(p), errno);
	return (0);
}

/*
 * The boot stack (lwp0's, in the image's bss, outside the kernel-stack
 * region) has a guard page too: unmapped, and one the fault path takes
 * for a guard (debug.kernel_guard), as it does the guard under the
 * caller's own stack; the stacks' lowest pages are not guards.
 */
static int
boot_stack_guarded(void)
{
	int p, g, own, base, boot;

	if (sset("debug.kernel_prot", KPROT_BOOT_STACK_GUARD) != 0) {
		ok(1, "the page under the boot stack is its unmapped guard"
		    " # SKIP no view of the kernel's rights (errno %d)", errno);
		ok(1, "the fault path takes it for a guard # SKIP");
		return (0);
	}
	p = sget("debug.kernel_prot");
	g = sget("debug.kernel_guard");
	if (!ok(p == -1, "the page under the boot stack is its unmapped guard"))
		diag("the boot stack's guard reads %s", rights(p));
	sset("debug.kernel_prot", KPROT_BOOT_STACK);
	boot = sget("debug.kernel_guard");
	sset("debug.kernel_prot", KPROT_KSTACK_BASE);
	base = sget("debug.kernel_guard");
	sset("debug.kernel_prot", KPROT_KSTACK_GUARD);
	own = sget("debug.kernel_guard");
	/* With no kernel-stack region the caller's stack has no guard. */
	if (!ok(g == 1 && (own == 1 || sget("vm.kstack.slots") <= 0) &&
	    boot == 0 && base == 0,
	    "the fault path takes it for a guard, as the caller's stack's, and "
	    "neither stack's lowest byte"))
		diag("debug.kernel_guard: boot guard %d, own guard %d, boot stack %d, "
		    "own stack %d", g, own, boot, base);
	return (0);
}

static void *
guard_of_thread(void *arg __attribute__((unused)))
{
	/* The selector is global, but the address is the reader's own stack. */
	return ((void *)(intptr_t)sget("debug.kernel_prot"));
}

static int
every_lwp_guarded(void)
{
	pthread_t t[NTHREADS];
	int bad = 0, created = 0;

	if (sget("vm.kstack.slots") <= 0 ||
	    sset("debug.kernel_prot", KPROT_KSTACK_GUARD) != 0) {
		ok(1, "each of %d threads' kernel stacks has its guard"
		    " # SKIP no kernel-stack region or no view of its rights", NTHREADS);
		return (0);
	}
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, guard_of_thread, NULL) == 0)
			created++;
	for (int i = 0; i < created; i++) {
		void *r;

		pthread_join(t[i], &r);
		bad += (intptr_t)r != -1;
	}
	ok(created == NTHREADS && bad == 0,
	    "each of %d threads' kernel stacks has its guard (%d created, %d mapped)",
	    NTHREADS, created, bad);
	return (0);
}

static int
nonroot_knobs(void)
{
	if (setuid(1000) != 0)
		return (1);
	if (sset("debug.kernel_prot", KPROT_TEXT) != -1 || errno != EPERM)
		return (2);
	if (sset("debug.write_kernel_text", 1) != -1 || errno != EPERM)
		return (3);
	if (sset("debug.kstack_overflow", 1) != -1 || errno != EPERM)
		return (4);
	return (0);
}

static int
knob_errors(void)
{
	int status = run_child(nonroot_knobs);

	if (!ok(status == 0, "the knobs are root's: a non-root write is EPERM"))
		diag("wait status %#x (exit status: the knob that was not EPERM)", status);
	ok(sset("debug.kernel_guard", 1) == -1 && errno == EPERM,
	    "debug.kernel_guard is read-only");
	ok(sset("debug.kernel_prot", -1) == -1 && errno == EINVAL &&
	    sset("debug.kernel_prot", KPROT_NSEL) == -1 && errno == EINVAL,
	    "debug.kernel_prot refuses an unknown selector (EINVAL)");
	ok(sset("debug.write_kernel_text", 0) == -1 && errno == EINVAL &&
	    sset("debug.kstack_overflow", 2) == -1 && errno == EINVAL,
	    "the panicking knobs take only 1 (EINVAL otherwise)");
	ok(sset("vm.kstack.inuse", 0) == -1 && errno == EPERM,
	    "vm.kstack.inuse is read-only");
	return (0);
}

/* vm.kstack.inuse once it holds still (stacks of exited lwps go a little later). */
static int
settled_inuse(void)
{
	int a = sget("vm.kstack.inuse"), b;

	for (int i = 0; i < 50; i++, a = b) {
		nap(20);
		if ((b = sget("vm.kstack.inuse")) == a)
			break;
	}
	return (a);
}

static void *
idle_thread(void *arg)
{
	volatile int *go = arg;

	while (!__atomic_load_n(go, __ATOMIC_ACQUIRE))
		sched_yield();
	return (NULL);
}

/*
 * Rounds of threads, in a child so that what its C library keeps (thread
 * stacks, the heap) goes with it: 0, or 1 + the number of rounds in
 * which a thread was missing or vm.kstack.inuse did not count it.
 */
static int
thread_rounds(void)
{
	int inuse0 = sget("vm.kstack.inuse"), peak = 0, bad = 0;
	pthread_t t[NTHREADS];

	for (int r = 0; r < ROUNDS; r++) {
		volatile int go = 0;
		int n = 0, now;

		for (int i = 0; i < NTHREADS; i++)
			if (pthread_create(&t[i], NULL, idle_thread, (void *)&go) == 0)
				n++;
		now = sget("vm.kstack.inuse");
		peak = now - inuse0 > peak ? now - inuse0 : peak;
		bad += n != NTHREADS || now < inuse0 + n;
		__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
		for (int i = 0; i < n; i++)
			pthread_join(t[i], NULL);
	}
	return (bad == 0 && peak >= NTHREADS ? 0 : 1 + bad);
}

static int
stacks_come_back(void)
{
	int inuse0, pages0, nprocs0, slots = sget("vm.kstack.slots");
	int bad = 0, status;

	reap_all();
	inuse0 = settled_inuse();
	pages0 = settled_unleaked();
	nprocs0 = sget("kern.nprocs");
	ok(inuse0 > 0 && (slots == 0 || inuse0 <= slots),
	    "vm.kstack.inuse counts the live lwps' stacks (%d of %d slots)", inuse0,
	    slots);
	status = run_child(thread_rounds);
	if (!ok(status == 0, "%d rounds of %d threads: each holds a kernel stack while it lives",
	    ROUNDS, NTHREADS))
		diag("wait status %#x", status);
	for (int i = 0; i < FORKS; i++) {
		pid_t pid = xfork();

		if (pid == 0)
			_exit(0);
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			bad++;
	}
	ok(bad == 0, "%d fork/exit/wait cycles", FORKS);
	ok(settled_inuse() == inuse0,
	    "every kernel stack slot comes back (vm.kstack.inuse %d, was %d)",
	    sget("vm.kstack.inuse"), inuse0);
	ok(settled_unleaked() == pages0, "every stack page comes back (%d, was %d)",
	    settled_unleaked(), pages0);
	ok(sget("kern.nprocs") == nprocs0, "every process slot comes back");
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(section_rights, "section rights"),
	TAP_CASE(guard_unmapped, "guard unmapped"),
	TAP_CASE(boot_stack_guarded, "The boot stack (lwp0's, in the image's bss, outside the kernel-stack region) has a guard page too: unmapped, and one the fault path takes ..."),
	TAP_CASE(every_lwp_guarded, "every lwp guarded"),
	TAP_CASE(knob_errors, "knob errors"),
	TAP_CASE(stacks_come_back, "stacks come back"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
