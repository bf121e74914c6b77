/*
 * The sharept suite: fork shares the parent's page tables and page-tree
 * chunks instead of copying them (pmap_copy, mm/vm_object.c), so that
 * nothing fork or the first faults after it do grows with the parent's
 * size.  Each case checks what it costs in pages and faults at 1 MiB and
 * at 64 MiB, that no data crosses between parent and child through a
 * shared table, and that every page and kernel object comes back.
 */
#include "vmsuite.h"

#define SMALL	(1 * MIB)
#define LARGE	(64 * MIB)

static int
faults(void)
{
	return (sget("vm.stats.vm.v_vm_faults"));
}

static char *
filled(size_t len, char tag)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);

	if (p == MAP_FAILED)
		return (NULL);
	for (size_t i = 0; i < len; i += PGSZ)
		p[i] = (char)(tag + (i >> 12));
	return (p);
}

static bool
intact(const volatile char *p, size_t len, char tag)
{
	for (size_t i = 0; i < len; i += PGSZ)
		if (p[i] != (char)(tag + (i >> 12)))
			return (false);
	return (true);
}

/* What one fork costs at a size, in pages and faults, seen from both sides. */
struct cost {
	int	child_read_faults;	/* the child reading every page */
	int	child_write_pages;	/* the child's first write to one page */
	int	parent_read_faults;	/* the parent reading every page, child alive */
	int	parent_write_pages;	/* the parent's first write after that */
	bool	child_sees, parent_keeps;
};

static struct cost
measure(size_t len)
{
	struct cost c = { -1, -1, -1, -1, false, false };
	int req[2], rep[2], f0, p0, status;
	volatile char *p = filled(len, 3);
	volatile char sum = 0;
	pid_t pid;

	(void)sum;

	if (p == NULL || pipe(req) != 0 || pipe(rep) != 0)
		return (c);
	if ((pid = xfork()) == 0) {
		int r[3];
		char go;

		r[2] = intact(p, len, 3);
		f0 = faults();
		for (size_t i = 0; i < len; i += PGSZ)
			sum += p[i];
		r[0] = faults() - f0;
		p0 = free_pages();
		p[len / 2] = 0x55;
		r[1] = p0 - free_pages();
		write(rep[1], r, sizeof(r));
		read(req[0], &go, 1);	/* alive while the parent measures */
		_exit(p[len / 2] == 0x55 ? 0 : 1);
	}
	{
		int r[3] = { -1, -1, 0 };

		read(rep[0], r, sizeof(r));
		c.child_read_faults = r[0];
		c.child_write_pages = r[1];
		c.child_sees = r[2];
	}
	f0 = faults();
	for (size_t i = 0; i < len; i += PGSZ)
		sum += p[i];
	c.parent_read_faults = faults() - f0;
	p0 = free_pages();
	p[PGSZ] = 0x66;
	c.parent_write_pages = p0 - free_pages();
	write(req[1], "x", 1);
	waitpid(pid, &status, 0);
	p[PGSZ] = (char)(3 + 1);
	c.parent_keeps = exited(status, 0) && intact(p, len, 3);
	close(req[0]);
	close(req[1]);
	close(rep[0]);
	close(rep[1]);
	munmap((void *)p, len);
	return (c);
}

static int
flat_costs(void)
{
	int shared0 = sget("vm.stats.vm.v_pt_shared");
	struct cost s = measure(SMALL), l = measure(LARGE);

	diag("1 MiB: child reads %d faults, writes %d pages; parent reads %d faults, writes %d pages",
	    s.child_read_faults, s.child_write_pages, s.parent_read_faults, s.parent_write_pages);
	diag("64 MiB: child reads %d faults, writes %d pages; parent reads %d faults, writes %d pages",
	    l.child_read_faults, l.child_write_pages, l.parent_read_faults, l.parent_write_pages);
	ok(s.child_sees && l.child_sees, "the child sees the parent's data at both sizes");
	ok(s.parent_keeps && l.parent_keeps,
	    "each side's write stays its own, and the parent's data is intact after the child");
	ok(l.child_read_faults >= 0 && l.child_read_faults <= 2,
	    "the child reads all 64 MiB of its parent with no fault a page (%d faults)",
	    l.child_read_faults);
	ok(l.parent_read_faults >= 0 && l.parent_read_faults <= 2,
	    "the parent reads all its 64 MiB after fork with no fault a page (%d faults)",
	    l.parent_read_faults);
	ok(s.child_write_pages > 0 && l.child_write_pages <= 4 &&
	    l.child_write_pages <= s.child_write_pages + 1,
	    "the child's first write takes a page, a table and a chunk a level: %d pages at 1 MiB, "
	    "%d at 64 MiB", s.child_write_pages, l.child_write_pages);
	/*
	 * The child wrote first, elsewhere: at 1 MiB it took the one table
	 * and chunk, leaving the parent's its own; at 64 MiB the parent's
	 * page is in a table and chunk still shared.  Either way, no more
	 * than a page, a table and a chunk a level.
	 */
	ok(s.parent_write_pages > 0 && s.parent_write_pages <= 4 &&
	    l.parent_write_pages > 0 && l.parent_write_pages <= 4,
	    "the parent's first write takes at most a page, a table and a chunk a level: "
	    "%d pages at 1 MiB, %d at 64 MiB", s.parent_write_pages, l.parent_write_pages);
	ok(sget("vm.stats.vm.v_pt_shared") - shared0 >= (int)(LARGE >> 21),
	    "fork shared at least one table a 2 MiB of the parent (%d tables)",
	    sget("vm.stats.vm.v_pt_shared") - shared0);
	return (0);
}

/*
 * Three generations on one table, each writing its own pages at the
 * edges of a 2 MiB range, then the middle one exits: nobody sees another's
 * writes, and nothing is left behind.
 */
static int
generations(void)
{
	size_t len = 4 * MIB, edge[] = { 0, 2 * MIB - PGSZ, 2 * MIB, len - PGSZ };
	volatile char *p = filled(len, 9);
	int status = -1, f0 = settled_unleaked();	/* p's pages included */
	pid_t pid;

	if (p == NULL) {
		ok(false, "mmap of 4 MiB");
		return (0);
	}
	if ((pid = xfork()) == 0) {
		pid_t g;
		int gs = -1;

		for (int i = 0; i < 4; i++)
			p[edge[i]] = 0x21;
		if ((g = fork()) == 0) {
			bool seen = true;

			for (int i = 0; i < 4; i++)
				seen &= p[edge[i]] == 0x21;
			for (int i = 0; i < 4; i++)
				p[edge[i]] = 0x31;
			_exit(seen ? 0 : 1);
		}
		waitpid(g, &gs, 0);
		for (int i = 0; i < 4; i++)
			if (p[edge[i]] != 0x21)
				_exit(2);
		_exit(exited(gs, 0) ? 0 : 3);
	}
	waitpid(pid, &status, 0);
	ok(exited(status, 0) && intact(p, len, 9),
	    "child and grandchild write the edges of shared tables; each keeps its own (status %#x)",
	    status);
	ok(settled_unleaked() == f0, "every page and object of the three generations is back (%d, %d)",
	    f0, settled_unleaked());
	munmap((void *)p, len);
	return (0);
}

/*
 * The parent unmaps and protects parts of a range whose tables it still
 * shares with a child: the child's view does not change.
 */
static int
unmap_under_child(void)
{
	size_t len = 8 * MIB;
	volatile char *p = filled(len, 5);
	int req[2], status = -1;
	pid_t pid;

	if (p == NULL || pipe(req) != 0) {
		ok(false, "mmap of 8 MiB and a pipe");
		return (0);
	}
	if ((pid = xfork()) == 0) {
		char go;

		read(req[0], &go, 1);
		_exit(intact(p, len, 5) ? 0 : 1);
	}
	ok(munmap((void *)(p + MIB + 3 * PGSZ), 2 * MIB) == 0 &&
	    mprotect((void *)(p + 5 * MIB), MIB + PGSZ, PROT_NONE) == 0 &&
	    mprotect((void *)(p + 7 * MIB), MIB, PROT_READ) == 0,
	    "the parent unmaps 2 MiB across a table edge and protects two more ranges");
	p[0] = 0x77;
	write(req[1], "x", 1);
	waitpid(pid, &status, 0);
	ok(exited(status, 0), "the child still reads all 8 MiB as they were (status %#x)", status);
	ok(p[0] == 0x77 && p[4 * MIB] == (char)(5 + 1024), "the parent's remaining pages are its own");
	munmap((void *)p, len);
	close(req[0]);
	close(req[1]);
	return (0);
}

/*
 * A child whose first write into a shared table finds no page for the
 * table's copy or a chunk's is killed, alone: the parent's data and every
 * page come back.  The child first takes all but two free pages for
 * itself: half of each 2 MiB of a hog mapping, which sets up the hog's
 * tables and chunks, then the other halves, a page a write, so that only
 * the write under test needs more than one page.
 */
static int
oom_in_new_steps(void)
{
	size_t len = 8 * MIB;
	volatile char *p = filled(len, 7);
	volatile int *mark = mmap(NULL, PGSZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0);
	int status = -1, f0;
	pid_t pid;

	if (p == NULL || mark == MAP_FAILED) {
		ok(false, "mmap of 8 MiB and a flag page");
		return (0);
	}
	*mark = 0;
	f0 = settled_unleaked();
	if ((pid = xfork()) == 0) {
		size_t n = (size_t)free_pages() * PGSZ, half = MIB, i, j;
		volatile char *hog = mmap(NULL, n, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANON, -1, 0);

		*mark = 0;
		if (hog == MAP_FAILED)
			_exit(20);
		for (i = half; i < n && free_pages() > 300; i += PGSZ)
			if ((i & (2 * MIB - 1)) < half)
				i += half - PGSZ;
			else
				hog[i] = 1;
		for (j = 0; j < i && free_pages() > 2; j += PGSZ)
			if ((j & (2 * MIB - 1)) < half)
				hog[j] = 1;
		*mark = free_pages() + 1;
		p[3 * MIB] = 1;		/* a table, chunks and a page: more than is free */
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ok(killed_by(status, SIGKILL) && *mark >= 1 && *mark <= 3,
	    "with %d pages free, a first write needing a table and chunks kills the writer "
	    "(status %#x)", *mark - 1, status);
	ok(intact(p, len, 7), "the parent's data is intact");
	ok(settled_unleaked() == f0, "every page the child took comes back (%d, %d)", f0,
	    settled_unleaked());
	munmap((void *)p, len);
	munmap((void *)mark, PGSZ);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(flat_costs, "fork of a large mapping shares its page tables: flat costs"),
	TAP_CASE(generations, "three generations on one table see only their own writes"),
	TAP_CASE(unmap_under_child, "unmapping and protecting under a child leaves the child's view alone"),
	TAP_CASE(oom_in_new_steps, "a child that finds no page for a table copy is killed alone"),
};

int
main(int argc, char **argv)
{
	return (RUN_SUITE("sharept", cases, argc, argv));
}
