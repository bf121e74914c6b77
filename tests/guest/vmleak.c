/*
 * The vmleak suite: page accounting.  A fork copies nothing until a page
 * is written; fork/touch/exit/wait cycles give every page back; the fork
 * page counters grow by the forked vmspace's writable size.
 */
#include "vmsuite.h"

#define BIG		(16 * MIB)
#define BIGPAGES	(BIG / PGSZ)
#define CYCLES		100

static char data_page[PGSZ] = { 1 };
static uintptr_t brk0;		/* the break exec chose: main's first sbrk(0) */

/*
 * A parent that has touched 16 MiB forks a child that writes one page:
 * the child reports how many pages left the free list between just
 * before the fork and just after its write.
 */
static int
sixteen_mib(void)
{
	volatile char *big = malloc(BIG);
	int fds[2], ready[2], f0, used = -1, first, status;
	char c;
	bool intact = true;
	pid_t pid;

	ok(big != NULL, "malloc of 16 MiB");
	if (big == NULL)
		return (0);
	for (size_t i = 0; i < BIG; i += PGSZ)
		big[i] = (char)(i >> 12);
	pipe(fds);
	fflush(stdout);
	f0 = free_pages();
	if ((pid = fork()) == 0) {
		int f1;

		big[5 * PGSZ] = 0x7f;
		f1 = free_pages();
		f1 = f0 - f1;
		write(fds[1], &f1, sizeof(f1));
		_exit(0);
	}
	read(fds[0], &used, sizeof(used));
	waitpid(pid, &status, 0);
	ok(pid > 0 && exited(status, 0), "the child wrote one page and exited");
	ok(used > 0 && used < 64,
	    "fork of a 16 MiB parent plus a one-page write costs %d pages, not %lu", used,
	    (unsigned long)BIGPAGES);
	for (size_t i = 0; i < BIG; i += PGSZ)
		intact &= big[i] == (char)(i >> 12);
	ok(intact, "the parent's 16 MiB are unchanged by the child's write");
	/*
	 * The same from the parent's side: its write after fork copies one
	 * page.  The child may run at the same time on another CPU: it says
	 * when it has made its own first writes, and blocks, before the
	 * parent counts.
	 */
	fflush(stdout);
	pipe(ready);
	if ((pid = fork()) == 0) {
		write(ready[1], "r", 1);
		read(fds[0], &used, sizeof(used));
		_exit(big[7 * PGSZ] == 7 ? 0 : 1);
	}
	read(ready[0], &c, 1);
	free_pages();	/* the stack pages this call uses are copied now, not below */
	free_pages();
	f0 = free_pages();
	big[7 * PGSZ] = 0x70;
	first = f0 - free_pages();
	f0 = free_pages();
	big[8 * PGSZ] = 0x80;
	used = f0 - free_pages();
	write(fds[1], &used, sizeof(used));
	waitpid(pid, &status, 0);
	close(ready[0]);
	close(ready[1]);
	/*
	 * The first write after fork also copies what it still shares on the
	 * page's path: the leaf page table, and a chunk a level of the
	 * object's page tree (malloc's 16 MiB sit in a 32 MiB heap region: a
	 * root and a leaf chunk).
	 */
	ok(first >= 1 && first <= 1 + 1 + 2,
	    "the parent's first write after fork copies one page plus a table and its chunks (%d)",
	    first);
	ok(used == 1 && exited(status, 0),
	    "its next write copies exactly one page (%d) and the child keeps the old data",
	    used);
	close(fds[0]);
	close(fds[1]);
	free((void *)big);
	return (0);
}

/* What a cycle's child does: touch data, stack, heap and a fresh mapping, then exit. */
static void
touch_and_exit(int i)
{
	volatile char stack[3 * PGSZ];
	volatile char *m = malloc(8 * PGSZ);
	volatile char *a = mmap(NULL, 4 * PGSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	volatile char *s = mmap(NULL, 2 * PGSZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0);

	data_page[0] = (char)i;
	for (int j = 0; j < 3; j++)
		stack[j * PGSZ] = (char)j;
	if (m != NULL)
		for (int j = 0; j < 8; j++)
			m[j * PGSZ] = 1;
	if (a != MAP_FAILED)
		for (int j = 0; j < 4; j++)
			a[j * PGSZ] = 1;
	if (s != MAP_FAILED)
		s[0] = 1;
	_exit(stack[PGSZ] == 1 ? 0 : 1);
}

static bool
cycle(int i)
{
	int status;
	pid_t pid;

	if ((pid = fork()) == 0)
		touch_and_exit(i);
	return (pid > 0 && waitpid(pid, &status, 0) == pid && exited(status, 0));
}

static int
cycles(void)
{
	int f0, f1, good = 0;

	fflush(stdout);
	cycle(0);	/* warm-up: lazily allocated kernel structures */
	f0 = unleaked_pages();
	for (int i = 1; i <= CYCLES; i++)
		good += cycle(i);
	f1 = unleaked_pages();
	ok(good == CYCLES, "%d fork/touch/exit/wait cycles all ran (%d)", CYCLES, good);
	ok(f1 == f0, "after %d cycles every page and kernel object is back (%d, %d)", CYCLES, f0, f1);
	f0 = unleaked_pages();
	for (int i = 1; i <= 10; i++) {
		pid_t pid = vfork();

		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
	f1 = unleaked_pages();
	ok(f1 == f0, "10 vfork/exit/wait cycles give back every page (%d, %d)", f0, f1);
	return (0);
}

/* v_forkpages grows by the writable size of the forked vmspace. */
static int
fork_delta(const char *counter)
{
	int before, after;
	pid_t pid;

	fflush(stdout);
	before = sget(counter);
	if ((pid = fork()) == 0)
		_exit(0);
	after = sget(counter);
	waitpid(pid, NULL, 0);
	return (after - before);
}

static int
counters(void)
{
	int d0, d1, d2, d3, d4, forks0;
	uintptr_t brk = (uintptr_t)sbrk(0);
	/* The break starts a random gap past the image (ASLR): count the heap from where it began. */
	long floor = 256 + 1 + (long)(((brk + PGSZ - 1) & ~(PGSZ - 1)) - brk0) / (long)PGSZ;
	void *rw, *ro;

	forks0 = sget("vm.stats.vm.v_forks");
	d0 = fork_delta("vm.stats.vm.v_forkpages");
	ok(sget("vm.stats.vm.v_forks") == forks0 + 1, "v_forks counts one fork");
	ok(d0 >= floor,
	    "v_forkpages grows by the writable size: %d pages, at least the 1 MiB stack, the data page and the heap (%ld)",
	    d0, floor);
	rw = mmap(NULL, 100 * PGSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	d1 = fork_delta("vm.stats.vm.v_forkpages");
	ok(d1 == d0 + 100, "a 100-page writable mapping adds 100 pages, touched or not (%d, %d)", d0, d1);
	ro = mmap(NULL, 50 * PGSZ, PROT_READ, MAP_PRIVATE | MAP_ANON, -1, 0);
	d2 = fork_delta("vm.stats.vm.v_forkpages");
	ok(d2 == d1, "a read-only mapping adds nothing (%d, %d)", d1, d2);
	sbrk(8 * PGSZ);
	d3 = fork_delta("vm.stats.vm.v_forkpages");
	ok(d3 >= d2 + 8 && d3 <= d2 + 9, "growing the heap by 8 pages adds them (%d, %d)", d2, d3);
	munmap(rw, 100 * PGSZ);
	munmap(ro, 50 * PGSZ);
	d4 = fork_delta("vm.stats.vm.v_forkpages");
	ok(d4 == d3 - 100, "unmapping the writable mapping takes its 100 pages off (%d, %d)", d3, d4);
	{
		int v0 = sget("vm.stats.vm.v_vforkpages"), n0 = sget("vm.stats.vm.v_vforks");
		pid_t pid;

		fflush(stdout);
		if ((pid = vfork()) == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
		ok(sget("vm.stats.vm.v_vforks") == n0 + 1 && sget("vm.stats.vm.v_vforkpages") - v0 == d4,
		    "v_vforkpages grows by the same writable size at a vfork (%d, %d)",
		    sget("vm.stats.vm.v_vforkpages") - v0, d4);
	}
	ok(fork_delta("vm.stats.vm.v_rforkpages") == 0 && fork_delta("vm.stats.vm.v_vforkpages") == 0,
	    "a plain fork leaves v_rforkpages and v_vforkpages alone");
	return (0);
}

static int
free_count_readable(void)
{
	ok(free_pages() > 0 && sget("vm.stats.vm.v_page_count") >= free_pages(),
	    "v_free_count is readable and at most v_page_count (%d of %d)", free_pages(),
	    sget("vm.stats.vm.v_page_count"));
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(free_count_readable, "v_free_count is readable"),
	TAP_CASE(cycles, "fork, exit and wait cycles give every page back"),
	TAP_CASE(counters, "the fork counters count"),
	TAP_CASE(sixteen_mib, "a 16 MiB parent forks and every page comes back"),
};

int
main(int argc, char **argv)
{
	brk0 = (uintptr_t)sbrk(0);
	return (RUN_SUITE("vmleak", cases, argc, argv));
}
