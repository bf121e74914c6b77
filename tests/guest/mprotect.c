/*
 * The mprotect suite: mprotect(2) and minherit(2).  Protection taken away
 * faults (SIGSEGV) at once, on every CPU; given back, it works again; a
 * range inside an entry splits it and the rest keeps its rights; a
 * copy-on-write page stays copy-on-write whatever mprotect does; mprotect
 * and munmap of part of a range still copy-on-write with a child leave
 * both sides their data; each inheritance value does what FreeBSD's does
 * at fork, over two generations too; bad arguments are EINVAL or ENOMEM.
 *
 * Each case is one function, run in order (or alone: `tools/forkrt test
 * -- mprotect test_NAME`) in a child of its own; once that child is
 * reaped every page and kernel object it used must be back, and the whole
 * suite runs in a child whose parent checks the same at the end.
 */
#include "vmsuite.h"

static volatile char *R;	/* the region a case and its children work on */
static size_t at;		/* the page child_read and child_write touch */
static char want;		/* what child_read expects there */
static int ready[2], go[2];	/* child -> parent, parent -> child */

static volatile char *
map(size_t npages, int flags)
{
	void *p = mmap(NULL, npages * PGSZ, PROT_READ | PROT_WRITE, flags | MAP_ANON, -1, 0);

	return (p == MAP_FAILED ? NULL : p);
}

/* Page i of p gets base + i in its first and last byte. */
static void
fill(volatile char *p, size_t npages, int base)
{
	for (size_t i = 0; i < npages; i++) {
		p[i * PGSZ] = (char)(base + (int)i);
		p[i * PGSZ + PGSZ - 1] = (char)(base + (int)i);
	}
}

/* Do pages [first, first + n) of p hold what fill(p, ..., base) wrote? */
static bool
holds(volatile char *p, size_t first, size_t n, int base)
{
	for (size_t i = first; i < first + n; i++)
		if (p[i * PGSZ] != (char)(base + (int)i) ||
		    p[i * PGSZ + PGSZ - 1] != (char)(base + (int)i))
			return (false);
	return (true);
}

/* Are pages [first, first + n) of p all zero at both ends? */
static bool
zeroes(volatile char *p, size_t first, size_t n)
{
	for (size_t i = first; i < first + n; i++)
		if (p[i * PGSZ] != 0 || p[i * PGSZ + PGSZ - 1] != 0)
			return (false);
	return (true);
}

static int
child_write(void)
{
	R[at * PGSZ] = 0x7e;
	return (0);
}

static int
child_read(void)
{
	return (R[at * PGSZ] == want ? 0 : 1);
}

/* The wait status of a child reading (or writing) page `page` of R. */
static int
read_in_child(size_t page, char expect)
{
	at = page;
	want = expect;
	return (run_child(child_read));
}

static int
write_in_child(size_t page)
{
	at = page;
	return (run_child(child_write));
}

static void
open_pipes(void)
{
	pipe(ready);
	pipe(go);
}

static void
close_pipes(void)
{
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

static void
signal_fd(int fd)
{
	write(fd, "x", 1);
}

static void
wait_fd(int fd)
{
	char c;

	read(fd, &c, 1);
}

static int
protect_then_write(void)
{
	if (mprotect((void *)R, PGSZ, PROT_READ) != 0)
		return (1);
	R[0] = 1;
	return (2);
}

static int
test_readonly(void)
{
	R = map(4, MAP_PRIVATE);
	fill(R, 4, 0x10);
	ok(mprotect((void *)R, 4 * PGSZ, PROT_READ) == 0, "mprotect of a written mapping to PROT_READ");
	ok(killed_by(write_in_child(1), SIGSEGV), "a child writing to it is killed by SIGSEGV");
	ok(exited(read_in_child(3, 0x13), 0), "a child reading it sees the data");
	ok(holds(R, 0, 4, 0x10), "the data is intact");
	ok(mprotect((void *)R, 4 * PGSZ, PROT_READ | PROT_WRITE) == 0,
	    "mprotect back to PROT_READ|PROT_WRITE");
	ok(killed_by(run_child(protect_then_write), SIGSEGV),
	    "a process that makes a page read-only and then writes it is killed by SIGSEGV");
	R[2 * PGSZ] = 0x52;
	ok(R[2 * PGSZ] == 0x52 && exited(write_in_child(2), 0), "the parent and a child write again");
	munmap((void *)R, 4 * PGSZ);
	return (0);
}

static int
test_none(void)
{
	R = map(2, MAP_PRIVATE);
	fill(R, 2, 0x18);
	open_pipes();
	ok(mprotect((void *)R, 2 * PGSZ, PROT_NONE) == 0, "mprotect to PROT_NONE");
	ok(killed_by(read_in_child(0, 0x18), SIGSEGV), "a read of a PROT_NONE page is SIGSEGV");
	ok(killed_by(write_in_child(1), SIGSEGV), "so is a write");
	errno = 0;
	ok(write(ready[1], (void *)R, 1) == -1 && errno == EFAULT,
	    "the kernel reading a PROT_NONE page for write(2) is EFAULT");
	ok(mprotect((void *)R, 2 * PGSZ, PROT_READ) == 0 && exited(read_in_child(1, 0x19), 0) &&
	    killed_by(write_in_child(1), SIGSEGV),
	    "PROT_READ after PROT_NONE: reads see the data again, writes still fault");
	signal_fd(ready[1]);
	errno = 0;
	ok(read(ready[0], (void *)R, 1) == -1 && errno == EFAULT,
	    "the kernel writing a read-only page for read(2) is EFAULT");
	ok(mprotect((void *)R, 2 * PGSZ, PROT_READ | PROT_WRITE) == 0 && holds(R, 0, 2, 0x18),
	    "raising it back to read-write keeps the data");
	R[0] = 0x55;
	ok(R[0] == 0x55 && exited(read_in_child(0, 0x55), 0), "and writes work again");
	close_pipes();
	munmap((void *)R, 2 * PGSZ);
	return (0);
}

static int
test_split(void)
{
	bool all = true;

	R = map(8, MAP_PRIVATE);
	fill(R, 8, 0x20);
	ok(mprotect((void *)(R + 2 * PGSZ), 3 * PGSZ, PROT_READ) == 0,
	    "mprotect of pages 2..4 of an 8-page mapping");
	for (size_t i = 0; i < 8; i++) {
		int st = write_in_child(i);

		all &= (i >= 2 && i <= 4) ? killed_by(st, SIGSEGV) : exited(st, 0);
	}
	ok(all, "writes fault in pages 2..4 only; pages 0, 1 and 5..7 keep their rights");
	ok(exited(read_in_child(3, 0x23), 0), "the read-only part reads its data");
	ok(mprotect((void *)(R + 3 * PGSZ), PGSZ, PROT_NONE) == 0 &&
	    killed_by(read_in_child(3, 0x23), SIGSEGV) && exited(read_in_child(2, 0x22), 0) &&
	    exited(read_in_child(4, 0x24), 0),
	    "PROT_NONE on the middle page of those: only it faults on a read");
	ok(mprotect((void *)R, 8 * PGSZ, PROT_READ | PROT_WRITE) == 0,
	    "one mprotect over the five pieces");
	fill(R, 8, 0x28);
	ok(holds(R, 0, 8, 0x28), "every page is writable again");
	ok(munmap((void *)(R + 3 * PGSZ), 2 * PGSZ) == 0 && exited(read_in_child(5, 0x2d), 0),
	    "munmap of part of the range after the splits");
	munmap((void *)R, 8 * PGSZ);
	return (0);
}

/* The child: its read maps the parent's page; mprotect; then it writes. */
static int
cow_child(void)
{
	if (R[0] != 0x30)
		return (1);
	if (mprotect((void *)R, 4 * PGSZ, PROT_READ) != 0 ||
	    mprotect((void *)R, 4 * PGSZ, PROT_READ | PROT_WRITE) != 0)
		return (2);
	R[0] = 0x7f;
	R[PGSZ] = 0x7f;
	if (mprotect((void *)(R + 2 * PGSZ), PGSZ, PROT_WRITE) != 0)
		return (3);
	R[2 * PGSZ] = 0x7f;
	return (R[0] == 0x7f && R[PGSZ] == 0x7f ? 0 : 4);
}

/* The child keeps the old data while the parent does the same. */
static int
cow_child_waits(void)
{
	volatile char c = R[0];

	(void)c;
	signal_fd(ready[1]);
	wait_fd(go[0]);
	return (holds(R, 0, 4, 0x30) ? 0 : 1);
}

static int
test_cow(void)
{
	int status;
	pid_t pid;

	R = map(4, MAP_PRIVATE);
	fill(R, 4, 0x30);
	status = run_child(cow_child);
	ok(exited(status, 0), "a child raising PROT_WRITE on copy-on-write pages writes them (%#x)",
	    status);
	ok(holds(R, 0, 4, 0x30), "its writes do not reach the parent's pages");
	open_pipes();
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(cow_child_waits());
	wait_fd(ready[0]);
	(void)R[PGSZ];
	ok(mprotect((void *)R, 4 * PGSZ, PROT_READ) == 0 &&
	    mprotect((void *)R, 4 * PGSZ, PROT_READ | PROT_WRITE) == 0,
	    "the parent makes its copy-on-write pages read-only then read-write");
	fill(R, 4, 0x38);
	signal_fd(go[1]);
	status = -1;
	waitpid(pid, &status, 0);
	ok(holds(R, 0, 4, 0x38) && exited(status, 0),
	    "its writes stay its own: the child still reads the old data (%#x)", status);
	close_pipes();
	munmap((void *)R, 4 * PGSZ);
	return (0);
}

/*
 * 16 pages copy-on-write between parent and child; each side unmaps and
 * protects parts of its range while the other still shares them.
 */
static int
partial_child(void)
{
	volatile char c;

	signal_fd(ready[1]);
	wait_fd(go[0]);
	/* The parent has cut its side: this side is whole. */
	if (!holds(R, 0, 16, 0x40))
		return (1);
	fill(R + 4 * PGSZ, 8, 0x60 - 4);
	if (munmap((void *)(R + 12 * PGSZ), 2 * PGSZ) != 0 ||
	    mprotect((void *)R, 2 * PGSZ, PROT_READ) != 0)
		return (2);
	c = R[PGSZ];
	(void)c;
	signal_fd(ready[1]);
	wait_fd(go[0]);
	if (!holds(R, 0, 4, 0x40) || !holds(R + 4 * PGSZ, 0, 8, 0x60 - 4) ||
	    !holds(R, 14, 2, 0x40))
		return (3);
	return (0);
}

static int
test_partial_cow(void)
{
	int status;
	pid_t pid;

	R = map(16, MAP_PRIVATE);
	fill(R, 16, 0x40);
	open_pipes();
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(partial_child());
	wait_fd(ready[0]);
	ok(munmap((void *)(R + 4 * PGSZ), 4 * PGSZ) == 0 &&
	    mprotect((void *)(R + 8 * PGSZ), 4 * PGSZ, PROT_READ) == 0 &&
	    mprotect((void *)(R + 14 * PGSZ), 2 * PGSZ, PROT_NONE) == 0,
	    "with a child sharing them copy-on-write, the parent unmaps pages 4..7, makes 8..11 "
	    "read-only and 14..15 PROT_NONE");
	fill(R, 4, 0x50);
	fill(R + 12 * PGSZ, 2, 0x90);
	signal_fd(go[1]);
	wait_fd(ready[0]);
	ok(holds(R, 0, 4, 0x50) && holds(R, 8, 4, 0x40) && holds(R + 12 * PGSZ, 0, 2, 0x90),
	    "the parent reads its own writes and the untouched read-only pages, after the "
	    "child's writes, munmap and mprotect");
	ok(killed_by(read_in_child(5, 0x45), SIGSEGV) && killed_by(write_in_child(9), SIGSEGV) &&
	    killed_by(read_in_child(15, 0x4f), SIGSEGV),
	    "the parent's hole, read-only and PROT_NONE pages fault in a new child");
	ok(mprotect((void *)(R + 14 * PGSZ), 2 * PGSZ, PROT_READ | PROT_WRITE) == 0 &&
	    holds(R, 14, 2, 0x40), "PROT_NONE lifted, the parent's pages 14..15 hold their data");
	signal_fd(go[1]);
	status = -1;
	waitpid(pid, &status, 0);
	ok(exited(status, 0),
	    "the child saw all 16 pages whole after the parent's cuts, and its own writes after "
	    "its own (status %#x)", status);
	errno = 0;
	ok(mprotect((void *)R, 16 * PGSZ, PROT_READ) == -1 && errno == ENOMEM,
	    "mprotect across the parent's hole is ENOMEM");
	close_pipes();
	munmap((void *)R, 16 * PGSZ);
	return (0);
}

/* A child that writes page 0 of R, says so, then checks page 1 for the parent's write. */
static int
share_child(void)
{
	R[0] = 0x70;
	signal_fd(ready[1]);
	wait_fd(go[0]);
	return (R[PGSZ] == 0x71 ? 0 : 1);
}

/* The parent's side of share_child: true if the child's write was seen. */
static bool
share_with_child(int *status)
{
	bool seen;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(share_child());
	wait_fd(ready[0]);
	seen = R[0] == 0x70;
	R[PGSZ] = 0x71;
	signal_fd(go[1]);
	*status = -1;
	waitpid(pid, status, 0);
	return (seen);
}

static int
test_inherit_share(void)
{
	int status, st1, hold[2];
	pid_t c1;

	R = map(4, MAP_PRIVATE);
	fill(R, 4, 0x50);
	open_pipes();
	ok(minherit((void *)R, 4 * PGSZ, INHERIT_SHARE) == 0, "minherit INHERIT_SHARE of a private mapping");
	ok(share_with_child(&status) && exited(status, 0),
	    "after fork the child's write is seen by the parent and the parent's by the child");
	ok(holds(R, 2, 2, 0x50), "the rest of the pages keep their data");

	/* Again, with an earlier child still holding the pages copy-on-write. */
	munmap((void *)R, 4 * PGSZ);
	R = map(4, MAP_PRIVATE);
	fill(R, 4, 0x58);
	fflush(stdout);
	pipe(hold);
	if ((c1 = fork()) == 0) {
		wait_fd(hold[0]);
		_exit(holds(R, 0, 4, 0x58) ? 0 : 1);
	}
	ok(minherit((void *)R, 4 * PGSZ, INHERIT_SHARE) == 0,
	    "minherit INHERIT_SHARE of pages still copy-on-write with an earlier child");
	ok(share_with_child(&status) && exited(status, 0) && holds(R, 2, 2, 0x58),
	    "a later child shares them both ways");
	signal_fd(hold[1]);
	st1 = -1;
	waitpid(c1, &st1, 0);
	close(hold[0]);
	close(hold[1]);
	ok(exited(st1, 0), "the earlier child still sees the data as it was at its fork (%#x)", st1);
	close_pipes();
	munmap((void *)R, 4 * PGSZ);
	return (0);
}

/* Writes page 0 (its own copy), says so, then checks page 1 kept the old data. */
static int
copy_child(void)
{
	R[0] = 0x7e;
	signal_fd(ready[1]);
	wait_fd(go[0]);
	return (R[0] == 0x7e && R[PGSZ] == (char)want ? 0 : 1);
}

static bool
copy_with_child(int base, int *status)
{
	bool kept;
	pid_t pid;

	want = (char)(base + 1);
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(copy_child());
	wait_fd(ready[0]);
	kept = R[0] == (char)base;
	R[PGSZ] = 0x71;
	signal_fd(go[1]);
	*status = -1;
	waitpid(pid, status, 0);
	return (kept);
}

static int
test_inherit_copy(void)
{
	int status;

	open_pipes();
	R = map(2, MAP_PRIVATE);
	fill(R, 2, 0x60);
	ok(minherit((void *)R, 2 * PGSZ, INHERIT_COPY) == 0, "minherit INHERIT_COPY of a private mapping");
	ok(copy_with_child(0x60, &status) && exited(status, 0),
	    "each side's writes after fork stay its own");
	munmap((void *)R, 2 * PGSZ);

	R = map(2, MAP_SHARED);
	fill(R, 2, 0x64);
	ok(minherit((void *)R, 2 * PGSZ, INHERIT_COPY) == 0, "minherit INHERIT_COPY of a MAP_SHARED mapping");
	ok(copy_with_child(0x64, &status) && exited(status, 0),
	    "the child gets a copy: neither side sees the other's writes");
	R[0] = 0x64;
	R[PGSZ] = 0x65;
	ok(copy_with_child(0x64, &status) && exited(status, 0), "and so at the next fork too");
	close_pipes();
	munmap((void *)R, 2 * PGSZ);
	return (0);
}

static int
hole_child(void)
{
	void *p;

	p = mmap((void *)(R + PGSZ), PGSZ, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1, 0);
	if (p != (void *)(R + PGSZ) || R[PGSZ] != 0)
		return (1);
	R[PGSZ] = 1;
	return (R[0] == 0x68 && R[2 * PGSZ] == 0x6a ? 0 : 2);
}

static int
test_inherit_none(void)
{
	R = map(3, MAP_PRIVATE);
	fill(R, 3, 0x68);
	ok(minherit((void *)(R + PGSZ), PGSZ, INHERIT_NONE) == 0,
	    "minherit INHERIT_NONE of the middle page of three");
	ok(killed_by(read_in_child(1, 0x69), SIGSEGV), "a child reading that page is killed by SIGSEGV");
	ok(exited(read_in_child(0, 0x68), 0) && exited(read_in_child(2, 0x6a), 0),
	    "a child reads the pages on both sides");
	ok(exited(run_child(hole_child), 0), "a child may map new memory in its hole");
	ok(holds(R, 0, 3, 0x68), "the parent keeps all three pages");
	munmap((void *)R, 3 * PGSZ);
	return (0);
}

static int
zero_child(void)
{
	if (!zeroes(R, 0, 4))
		return (1);
	fill(R, 4, 0x10);
	return (holds(R, 0, 4, 0x10) ? 0 : 2);
}

static int
test_inherit_zero(void)
{
	int status;

	R = map(4, MAP_PRIVATE);
	fill(R, 4, 0x70);
	ok(minherit((void *)R, 4 * PGSZ, INHERIT_ZERO) == 0, "minherit INHERIT_ZERO of a private mapping");
	status = run_child(zero_child);
	ok(exited(status, 0), "the child reads zeroes there and may write them (%#x)", status);
	ok(holds(R, 0, 4, 0x70), "the parent keeps its data");
	munmap((void *)R, 4 * PGSZ);

	R = map(4, MAP_SHARED);
	fill(R, 4, 0x74);
	ok(minherit((void *)R, 4 * PGSZ, INHERIT_ZERO) == 0 && exited(run_child(zero_child), 0) &&
	    holds(R, 0, 4, 0x74),
	    "INHERIT_ZERO of a MAP_SHARED mapping: the child's zeroes are its own");
	munmap((void *)R, 4 * PGSZ);
	return (0);
}

/* Four one-page regions, one per inheritance value, for two generations. */
static volatile char *A, *B, *C, *D;	/* SHARE, NONE, ZERO, COPY */

static int
grandchild(void)
{
	int bad = 0;

	if (C[0] != 0)
		bad |= 1;	/* ZERO is inherited: not the child's 0x11 */
	if (D[0] != 0x22)
		bad |= 2;	/* COPY: the child's data */
	if (A[0] != 0x24)
		bad |= 4;
	A[0] = 0x33;		/* SHARE all the way up */
	return (bad);
}

static int
touch_b(void)
{
	return (B[0]);
}

static int
generation_child(void)
{
	int st;

	if (C[0] != 0 || D[0] != 0x26 || A[0] != 0x24)
		return (10);
	C[0] = 0x11;
	D[0] = 0x22;
	st = run_child(grandchild);
	if (!exited(st, 0))
		return (20 + (WIFEXITED(st) ? WEXITSTATUS(st) : 9));
	if (!killed_by(run_child(touch_b), SIGSEGV))
		return (30);
	return (A[0] == 0x33 && C[0] == 0x11 ? 0 : 40);
}

static int
test_generations(void)
{
	int status;

	A = map(1, MAP_PRIVATE);
	B = map(1, MAP_PRIVATE);
	C = map(1, MAP_PRIVATE);
	D = map(1, MAP_PRIVATE);
	A[0] = 0x24;
	B[0] = 0x25;
	C[0] = 0x23;
	D[0] = 0x26;
	ok(minherit((void *)A, PGSZ, INHERIT_SHARE) == 0 && minherit((void *)B, PGSZ, INHERIT_NONE) == 0 &&
	    minherit((void *)C, PGSZ, INHERIT_ZERO) == 0 && minherit((void *)D, PGSZ, INHERIT_COPY) == 0,
	    "four pages, one for each inheritance value");
	status = run_child(generation_child);
	ok(exited(status, 0),
	    "child and grandchild: SHARE shared, NONE a hole, ZERO zeroes in each generation, "
	    "COPY the child's data (status %#x)", status);
	ok(A[0] == 0x33 && B[0] == 0x25 && C[0] == 0x23 && D[0] == 0x26,
	    "the grandchild's write to the shared page reached the grandparent; the rest is "
	    "the grandparent's own");
	munmap((void *)A, PGSZ);
	munmap((void *)B, PGSZ);
	munmap((void *)C, PGSZ);
	munmap((void *)D, PGSZ);
	return (0);
}

static bool
fails(int r, int err)
{
	bool b = r == -1 && errno == err;

	errno = 0;
	return (b);
}

static int
test_bad_args(void)
{
	void *p;

	R = map(4, MAP_PRIVATE);
	p = (void *)R;
	fill(R, 4, 0x78);
	errno = 0;
	ok(fails(mprotect((char *)p + 1, PGSZ, PROT_READ), EINVAL) &&
	    fails(minherit((char *)p + 1, PGSZ, INHERIT_NONE), EINVAL),
	    "an address not on a page boundary is EINVAL");
	ok(fails(mprotect(p, PGSZ, 0x8), EINVAL) && fails(mprotect(p, PGSZ, -1), EINVAL),
	    "unknown protection bits are EINVAL");
	ok(fails(minherit(p, PGSZ, 4), EINVAL) && fails(minherit(p, PGSZ, -1), EINVAL) &&
	    fails(minherit(p, PGSZ, 100), EINVAL), "an unknown inheritance value is EINVAL");
	ok(munmap((char *)p + 2 * PGSZ, PGSZ) == 0, "a hole at page 2");
	ok(fails(mprotect(p, 4 * PGSZ, PROT_READ), ENOMEM) &&
	    fails(minherit(p, 4 * PGSZ, INHERIT_NONE), ENOMEM) &&
	    fails(mprotect((char *)p + 2 * PGSZ, PGSZ, PROT_READ), ENOMEM),
	    "a range with an unmapped page is ENOMEM");
	ok(exited(write_in_child(0), 0) && exited(write_in_child(3), 0) &&
	    exited(read_in_child(1, 0x79), 0),
	    "and changes nothing: the mapped pages stay writable and are still inherited");
	ok(fails(mprotect((void *)0x1000, PGSZ, PROT_READ), ENOMEM) &&
	    fails(mprotect(p, (size_t)1 << 62, PROT_READ), ENOMEM) &&
	    fails(mprotect((void *)0xffffffff80000000ul, PGSZ, PROT_READ), ENOMEM) &&
	    fails(minherit(p, (size_t)-1, INHERIT_NONE), ENOMEM),
	    "below, past or wrapping around user space is ENOMEM");
	ok(mprotect(p, 0, PROT_NONE) == 0 && minherit(p, 0, INHERIT_NONE) == 0 &&
	    exited(write_in_child(0), 0), "a length of 0 succeeds and changes nothing");
	ok(mprotect((char *)p + 3 * PGSZ, 1, PROT_READ) == 0 && killed_by(write_in_child(3), SIGSEGV) &&
	    exited(write_in_child(1), 0), "a length of one byte covers its whole page");
	munmap(p, 4 * PGSZ);
	return (0);
}

/*
 * TLB shootdown: an lwp keeps writing a page while another makes it
 * read-only.  Once mprotect has returned, a write that goes through came
 * from a stale TLB entry on the writer's CPU; the writer must fault.
 */
static volatile int protected, writing;

static void
writer(void *arg __attribute__((unused)))
{
	for (;;) {
		int was = protected;

		R[0]++;
		writing = 1;
		if (was)
			_exit(3);
	}
}

static int
shootdown_process(void)
{
	char *stack = mmap(NULL, 16 * PGSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	struct lwp_params lp = { .lwp_func = writer, .lwp_stack = stack + 16 * PGSZ };

	if (stack == MAP_FAILED || lwp_create(&lp) != 0)
		return (10);
	while (!writing)
		sched_yield();
	if (mprotect((void *)R, PGSZ, PROT_READ) != 0)
		return (11);
	protected = 1;
	nap(2000);
	return (12);
}

static int
test_shootdown(void)
{
	int status;

	R = map(1, MAP_PRIVATE);
	R[0] = 0;
	status = run_child(shootdown_process);
	ok(killed_by(status, SIGSEGV),
	    "an lwp writing a page another lwp makes read-only faults once mprotect has returned "
	    "(status %#x)", status);
	munmap((void *)R, PGSZ);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(test_readonly, "PROT_READ: a write faults, reads see the data, PROT_WRITE back works"),
	TAP_CASE(test_none, "PROT_NONE: reads and writes fault, the data survives"),
	TAP_CASE(test_split, "mprotect of a range inside an entry splits it; the rest keeps its rights"),
	TAP_CASE(test_cow, "a copy-on-write page stays copy-on-write whatever mprotect does"),
	TAP_CASE(test_partial_cow, "mprotect and munmap of part of a copy-on-write range leave both sides their data"),
	TAP_CASE(test_inherit_share, "minherit INHERIT_SHARE"),
	TAP_CASE(test_inherit_copy, "minherit INHERIT_COPY"),
	TAP_CASE(test_inherit_none, "minherit INHERIT_NONE"),
	TAP_CASE(test_inherit_zero, "minherit INHERIT_ZERO"),
	TAP_CASE(test_generations, "inheritance over two generations"),
	TAP_CASE(test_bad_args, "bad arguments are EINVAL or ENOMEM"),
	TAP_CASE(test_shootdown, "an lwp writing a page another lwp makes read-only faults"),
};

static int case_before;	/* unleaked pages before the running case */

/* Touch the stack the cases will use, so that its pages are not counted as theirs. */
static void __attribute__((noinline))
warm_stack(void)
{
	volatile char pad[32768];

	memset((char *)pad, 0, sizeof(pad));
}

static int
nothing(void)
{
	return (0);
}

/*
 * Each case runs in a child of its own (run_case), so that whatever it
 * leaves behind when it exits shows: the pages and kernel objects must be
 * back once it is reaped.  The first time, warm up first: the stack the
 * runner uses and lazily allocated kernel structures.
 */
static void
leak_before(const struct tap_case *c __attribute__((unused)))
{
	static bool warm;

	if (!warm) {
		warm_stack();
		run_child(nothing);
		warm = true;
	}
	case_before = settled_unleaked();
}

static void
leak_after(const struct tap_case *c, int status)
{
	int after = settled_unleaked();

	ok(exited(status, 0) && after == case_before,
	    "%s: the case ran to its end and every page and kernel object is back (%d, %d)",
	    c->id, case_before, after);
}

int
main(int argc, char **argv)
{
	tap_before_case = leak_before;
	tap_after_case = leak_after;
	return (RUN_SUITE("mprotect", cases, argc, argv));
}
