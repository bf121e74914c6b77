/*
 * The oom suite: children that exhaust memory are ended (SIGKILL on a
 * fault with no free page, or they see ENOMEM and exit), the parent goes
 * on, every page comes back, and fork still works afterwards.
 */
#include "vmsuite.h"

#define CHUNK		(1 * MIB)
#define NHOGS		3
#define EXIT_ENOMEM	3	/* a hog saw ENOMEM and left on its own */

/* Take memory with malloc (sbrk) and touch every page until something gives. */
static int
hog_malloc(void)
{
	for (;;) {
		volatile char *p = malloc(CHUNK);

		if (p == NULL)
			return (errno == ENOMEM ? EXIT_ENOMEM : 4);
		for (size_t i = 0; i < CHUNK; i += PGSZ)
			p[i] = 1;
	}
}

/* The same through mmap: MAP_PRIVATE, then MAP_SHARED chunks. */
static int
hog_mmap(void)
{
	for (int n = 0;; n++) {
		volatile char *p = mmap(NULL, 4 * CHUNK, PROT_READ | PROT_WRITE,
		    (n & 1 ? MAP_SHARED : MAP_PRIVATE) | MAP_ANON, -1, 0);

		if (p == MAP_FAILED)
			return (errno == ENOMEM ? EXIT_ENOMEM : 4);
		for (size_t i = 0; i < 4 * CHUNK; i += PGSZ)
			p[i] = 1;
	}
}

/* A private page of 0x5a bytes, or NULL. */
static volatile char *
filled_page(void)
{
	volatile char *p = mmap(NULL, PGSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);

	if (p == MAP_FAILED)
		return (NULL);
	for (size_t i = 0; i < PGSZ; i++)
		p[i] = 0x5a;
	return (p);
}

/* Only ENOMEM-or-killed endings count as a clean death. */
static bool
clean_end(int status)
{
	return (killed_by(status, SIGKILL) || exited(status, EXIT_ENOMEM));
}

static int
concurrent_hogs(void)
{
	int f0 = settled_unleaked(), status[NHOGS], good = 0, killed = 0;
	pid_t pids[NHOGS];

	fflush(stdout);
	for (int i = 0; i < NHOGS; i++)
		if ((pids[i] = fork()) == 0)
			_exit(i == NHOGS - 1 ? hog_mmap() : hog_malloc());
	for (int i = 0; i < NHOGS; i++) {
		status[i] = -1;
		if (pids[i] > 0)
			waitpid(pids[i], &status[i], 0);
		good += clean_end(status[i]);
		killed += killed_by(status[i], SIGKILL);
	}
	ok(good == NHOGS,
	    "%d children exhausting memory at once all end by SIGKILL or ENOMEM (%#x %#x %#x)",
	    NHOGS, status[0], status[1], status[2]);
	diag("%d of %d killed by SIGKILL, the others saw ENOMEM", killed, NHOGS);
	ok(settled_unleaked() == f0, "every page comes back after the hogs are reaped (%d, %d)", f0,
	    unleaked_pages());
	return (0);
}

/*
 * Copy-on-write exhaustion: a child touches most of the free memory,
 * forks a grandchild that writes every one of those pages; the copies
 * cannot all be made, so the grandchild dies with SIGKILL, and its parent
 * still has every byte.
 */
static int
cow_hog(void)
{
	size_t n = (size_t)free_pages() * 6 / 10 * PGSZ;
	volatile char *p = malloc(n);
	int status;
	pid_t pid;

	if (p == NULL)
		return (10);
	for (size_t i = 0; i < n; i += PGSZ)
		p[i] = 0x3c;
	fflush(stdout);
	if ((pid = fork()) == 0) {
		for (size_t i = 0; i < n; i += PGSZ)
			p[i] = 0x4d;
		_exit(0);
	}
	if (pid < 0)
		return (errno == ENOMEM || errno == EAGAIN ? 11 : 12);
	if (waitpid(pid, &status, 0) != pid)
		return (13);
	if (!killed_by(status, SIGKILL))
		return (WIFEXITED(status) ? 14 : 15);
	for (size_t i = 0; i < n; i += PGSZ)
		if (p[i] != 0x3c)
			return (16);
	return (0);
}

static int
cow_exhaustion(void)
{
	int f0 = settled_unleaked(), status = run_child(cow_hog);

	ok(exited(status, 0),
	    "a grandchild copying more pages than are free is killed by SIGKILL, its parent's data intact (status %#x)",
	    status);
	ok(settled_unleaked() == f0, "every page comes back after the copy-on-write hog (%d, %d)", f0,
	    unleaked_pages());
	return (0);
}

/*
 * Squeeze memory until fork itself fails: take free pages one by one
 * until almost none is left, fork (ENOMEM or EAGAIN, never a crash), then
 * give some back with munmap and fork again (it works).
 */
static int
fork_when_full(void)
{
	size_t n = (size_t)free_pages() * PGSZ, i;
	volatile char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	int errs = 0, st;
	pid_t pid;

	if (p == MAP_FAILED)
		return (20);
	for (i = 0; i < n && free_pages() > 200;)
		for (size_t j = 0; j < 16 && i < n; j++, i += PGSZ)
			p[i] = 1;
	/*
	 * One write can take three pages (the page, a chunk of the object's
	 * page tree, a page-table page): stop while the squeezer's own next
	 * write still fits, since it is not the one under test.
	 */
	for (; i < n && free_pages() > 5; i += PGSZ)
		p[i] = 1;
	diag("the squeezer left %d pages free", free_pages());
	for (int k = 0; k < 5; k++) {
		errno = 0;
		if ((pid = fork()) == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		else if (errno == ENOMEM || errno == EAGAIN)
			errs++;
		else
			return (21);
	}
	if (errs == 0)
		return (22);
	if (munmap((void *)p, 1024 * PGSZ) != 0)
		return (23);
	if ((pid = fork()) == 0)
		_exit(5);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !exited(st, 5))
		return (24);
	return (0);
}

static int
fork_exhaustion(void)
{
	int f0 = settled_unleaked(), status = run_child(fork_when_full);

	ok(exited(status, 0),
	    "fork with almost no free memory fails with ENOMEM or EAGAIN and works again once pages are unmapped (status %#x)",
	    status);
	ok(settled_unleaked() == f0, "every page comes back after the squeeze (%d, %d)", f0,
	    unleaked_pages());
	return (0);
}

/*
 * debug.fail_point.vm_fault_page_alloc: a write fault that gets no page
 * ends the writer with SIGKILL, as a real shortage does, and only it: the
 * parent's data stays, every page comes back.  The child first makes
 * every page it will write before the fault its own (the stack under the
 * sysctl call, by writing the knob once with 0, and the flag page), so
 * that the one pass the point fails is the fresh page's fault; the flag
 * says it got there.
 */
static int
fault_fail_point(void)
{
	volatile int *mark = mmap(NULL, PGSZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0);
	volatile char *keep = filled_page();
	int status = -1, f0;
	pid_t pid;

	if (!have_fail_point("vm_fault_page_alloc")) {
		ok(1, "a fault without a page kills the writer # SKIP a kernel without fail points");
		return (0);
	}
	if (mark == MAP_FAILED || keep == NULL) {
		ok(false, "mmap of a flag page and a data page");
		return (0);
	}
	*mark = 0;
	f0 = settled_unleaked();
	if ((pid = xfork()) == 0) {
		volatile char *p = mmap(NULL, 2 * PGSZ, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANON, -1, 0);

		if (p == MAP_FAILED)
			_exit(20);
		p[0] = 1;
		*mark = 1;
		if (fail_point_set("vm_fault_page_alloc", 0) != 0 ||
		    fail_point_set("vm_fault_page_alloc", 1) != 0)
			_exit(21);
		*mark = 2;
		p[PGSZ] = 1;		/* a fresh page: the fault finds none */
		*mark = 3;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ok(killed_by(status, SIGKILL) && *mark == 2 &&
	    fail_point_get("vm_fault_page_alloc") == 0,
	    "with debug.fail_point.vm_fault_page_alloc armed once, the write fault kills "
	    "the writer with SIGKILL (status %#x, step %d)", status, *mark);
	fail_point_set("vm_fault_page_alloc", 0);
	ok(keep[0] == 0x5a && keep[PGSZ - 1] == 0x5a, "the parent goes on, its data intact");
	ok(settled_unleaked() == f0, "every page the child took comes back (%d, %d)", f0,
	    settled_unleaked());
	munmap((void *)mark, PGSZ);
	munmap((void *)keep, PGSZ);
	return (0);
}

static int
fork_works(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(9);
	return (pid > 0 && waitpid(pid, &status, 0) == pid && exited(status, 9) ? 0 : 1);
}

/* The same hogs once more, after the exhaustion cases. */
static int
concurrent_hogs_again(void)
{
	return (concurrent_hogs());
}

static int
still_forks(void)
{
	int status;

	status = run_child(fork_works);
	ok(exited(status, 0),
	    "the kernel keeps running: fork still works after all that (status %#x)", status);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(fault_fail_point, "a page fault that finds no page kills the writer alone"),
	TAP_CASE(concurrent_hogs, "concurrent memory hogs end cleanly, killed or ENOMEM"),
	TAP_CASE(cow_exhaustion, "copy-on-write that runs out of pages"),
	TAP_CASE(fork_exhaustion, "forks that run out of pages"),
	TAP_CASE(concurrent_hogs_again, "concurrent memory hogs again, after the exhaustion cases"),
	TAP_CASE(still_forks, "fork still works after all that"),
};

int
main(int argc, char **argv)
{
	diag("%d pages free, %d in all", free_pages(), sget("vm.stats.vm.v_page_count"));
	return (RUN_SUITE("oom", cases, argc, argv));
}
