/*
 * The aslr suite: kern.elf64.aslr.enable (FreeBSD-current's), on by
 * default.  Two execs of one program see their stack, first mmap and
 * break at different places, each within the range core/exec.c
 * documents; a fork child keeps its parent's layout; with it off the
 * next exec gets the fixed layout, exactly; only root may change it.
 * Each case runs in a child of its own (run_child) and returns 0, or the
 * number of the first check that did not hold.
 */
#include "hardprobe.h"

#define USRSTACK	0x4000000000ul	/* the kernel's, include/types.h */
#define PGSZ		4096ul
#define GIB		(1ul << 30)

static int
enabled_by_default(void)
{
	CHECK(1, sget("kern.elf64.aslr.enable") == 1);
	return (0);
}

static void
show(const char *what, const struct probe *p)
{
	printf("# %s: stack %#lx mmap %#lx brk %#lx\n", what, p->stack, p->mmap, p->brk);
}

static int
execs_differ(void)
{
	struct probe a, b;
	int same;

	CHECK(1, probe(&a) == 0 && probe(&b) == 0);
	show("exec 1", &a);
	show("exec 2", &b);
	same = (a.stack == b.stack) + (a.mmap == b.mmap) + (a.brk == b.brk);
	/* 18, 22 and 18 bits: one coincidence is 1 in 2^18; two would be a bug. */
	CHECK(2, same <= 1);
	return (0);
}

static int
fixed_when_off(void)
{
	struct probe a, b;

	CHECK(1, sset("kern.elf64.aslr.enable", 0) == 0);
	CHECK(2, sget("kern.elf64.aslr.enable") == 0);
	if (probe(&a) != 0 || probe(&b) != 0) {
		sset("kern.elf64.aslr.enable", 1);
		return (3);
	}
	CHECK(4, sset("kern.elf64.aslr.enable", 1) == 0);
	show("off 1", &a);
	show("off 2", &b);
	CHECK(5, a.stack == b.stack && a.mmap == b.mmap && a.brk == b.brk);
	/* The fixed layout: the stack's top at USRSTACK, mmap 1 GiB above the break. */
	CHECK(6, a.stack < USRSTACK && a.stack > USRSTACK - 64 * 1024);
	CHECK(7, a.mmap == a.brk + GIB);
	CHECK(8, a.brk % PGSZ == 0 && a.brk < GIB);
	return (0);
}

/*
 * With it on, each base is the fixed one moved by whole pages within
 * core/exec.c's ranges: the stack down by less than 1 GiB, the break up
 * by less than 1 GiB, the mmap base less than 16 GiB above 1 GiB past the
 * break.
 */
static int
within_ranges(void)
{
	struct probe off, on;

	CHECK(1, sset("kern.elf64.aslr.enable", 0) == 0);
	if (probe(&off) != 0) {
		sset("kern.elf64.aslr.enable", 1);
		return (2);
	}
	CHECK(3, sset("kern.elf64.aslr.enable", 1) == 0);
	for (int i = 0; i < 4; i++) {
		CHECK(4, probe(&on) == 0);
		CHECK(5, on.stack <= off.stack && off.stack - on.stack < GIB &&
		    (off.stack - on.stack) % PGSZ == 0);
		CHECK(6, on.brk >= off.brk && on.brk - off.brk < GIB &&
		    (on.brk - off.brk) % PGSZ == 0);
		CHECK(7, on.mmap >= on.brk + GIB && on.mmap - on.brk - GIB < 16 * GIB &&
		    on.mmap % PGSZ == 0);
	}
	return (0);
}

static unsigned long parent_brk, parent_first;

static int
child_layout(void)
{
	void *m = mmap(NULL, 3 * PGSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);

	if ((unsigned long)(uintptr_t)sbrk(0) != parent_brk)
		return (1);
	if ((unsigned long)(uintptr_t)m != parent_first)
		return (2);
	return (0);
}

/*
 * The child's break is the parent's, and its mmap searches from the same
 * base: the parent maps and unmaps a range first, so that the first free
 * address from the base is known, and the child's first mmap of that size
 * must land there.
 */
static int
fork_keeps_layout(void)
{
	void *m = mmap(NULL, 3 * PGSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	int status;

	CHECK(1, m != MAP_FAILED && munmap(m, 3 * PGSZ) == 0);
	parent_first = (unsigned long)(uintptr_t)m;
	parent_brk = (unsigned long)(uintptr_t)sbrk(0);
	status = run_child(child_layout);
	if (status != 0)
		printf("# child status %#x (parent brk %#lx, first mmap %#lx)\n", status,
		    parent_brk, parent_first);
	CHECK(2, WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return (0);
}

static int
try_as_user(void)
{
	if (setuid(1000) != 0)
		return (10);
	if (sset("kern.elf64.aslr.enable", 0) != -1 || errno != EPERM)
		return (11);
	return (0);
}

static int
root_only(void)
{
	int status = run_child(try_as_user);

	CHECK(1, WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(2, sget("kern.elf64.aslr.enable") == 1);
	CHECK(3, sset("kern.elf64.aslr.enable", 2) == -1 && errno == EINVAL);
	CHECK(4, sset("kern.elf64.aslr.enable", -1) == -1 && errno == EINVAL);
	CHECK(5, sget("kern.elf64.aslr.enable") == 1);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(enabled_by_default, "kern.elf64.aslr.enable is 1 by default"),
	TAP_CASE(execs_differ, "two execs of one program: stack, mmap and break all move"),
	TAP_CASE(fixed_when_off, "with kern.elf64.aslr.enable=0 the next exec gets the fixed layout"),
	TAP_CASE(within_ranges, "each base moves by whole pages within its documented range"),
	TAP_CASE(fork_keeps_layout, "a fork child keeps its parent's break and mmap base"),
	TAP_CASE(root_only, "only root changes it (EPERM), and only to 0 or 1 (EINVAL)"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
