/*
 * The cow suite: after fork, private memory (data, bss, heap, stack,
 * MAP_PRIVATE) is isolated both ways and MAP_SHARED memory is shared both
 * ways; RFMEM shares everything; the kernel's own writes (read,
 * clock_gettime) break copy-on-write too; munmap holes, mmap argument
 * errors and protection faults.
 */
#include "vmsuite.h"

static volatile int data_var = 0x1234;
static volatile int bss_var;
static volatile int rfmem_word;
static struct timespec ts_global = { 111, 222 };
static char read_global[64] = "parent's bytes";

/* A blocking one-byte handshake between parent and child. */
struct sync {
	int	to_child[2], to_parent[2];
};

static bool
sync_open(struct sync *s)
{
	return (pipe(s->to_child) == 0 && pipe(s->to_parent) == 0);
}

static void
sync_close(struct sync *s)
{
	close(s->to_child[0]);
	close(s->to_child[1]);
	close(s->to_parent[0]);
	close(s->to_parent[1]);
}

static void
post(int fd)
{
	char c = 'x';

	write(fd, &c, 1);
}

static void
await(int fd)
{
	char c;

	read(fd, &c, 1);
}

/*
 * After fork the child writes child_val to *p and the parent checks that
 * it still reads the old value; then the parent writes parent_val and the
 * child checks it still reads child_val.  `shared` flips both checks: each
 * must see the other's value.  Returns 0 when all held, else which step failed.
 */
static int
both_ways(volatile int *p, bool shared)
{
	const int old = *p, child_val = 0x5c5c, parent_val = 0x7a7a;
	struct sync s;
	int status, bad = 0;
	pid_t pid;

	if (!sync_open(&s))
		return (10);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		*p = child_val;
		post(s.to_parent[1]);
		await(s.to_child[0]);
		_exit(*p == (shared ? parent_val : child_val) ? 0 : 1);
	}
	if (pid < 0) {
		sync_close(&s);
		return (11);
	}
	await(s.to_parent[0]);
	if (*p != (shared ? child_val : old))
		bad = 2;
	*p = parent_val;
	post(s.to_child[1]);
	if (waitpid(pid, &status, 0) != pid || !exited(status, 0))
		bad = bad ? bad : 3;
	sync_close(&s);
	return (bad);
}

static int
isolation(void)
{
	volatile int stack_var = 0x4321;
	volatile int *heap = malloc(64 * sizeof(int));
	volatile int *priv, *fresh;
	int r;

	heap[0] = 0x1111;
	r = both_ways(&data_var, false);
	ok(r == 0,
	    "data: a global written after fork is private both ways (%d)", r);
	bss_var = 5;
	r = both_ways(&bss_var, false);
	ok(r == 0,
	    "bss: a zero-initialised global is private both ways (%d)", r);
	r = both_ways(heap, false);
	ok(r == 0, "heap: malloc'd memory is private both ways (%d)", r);
	r = both_ways(&stack_var, false);
	ok(r == 0, "stack: a local is private both ways (%d)", r);
	priv = mmap(NULL, 4 * PGSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	ok(priv != MAP_FAILED, "mmap MAP_PRIVATE|MAP_ANON of 4 pages works");
	if (priv == MAP_FAILED)
		return (0);
	priv[0] = 0x2222;
	r = both_ways(priv, false);
	ok(r == 0, "MAP_PRIVATE: a touched page is private both ways (%d)", r);
	fresh = (volatile int *)((volatile char *)priv + 2 * PGSZ);
	r = both_ways(fresh, false);
	ok(r == 0 && *fresh == 0x7a7a,
	    "MAP_PRIVATE: a page first touched after fork is private both ways (%d)", r);
	ok(data_var == 0x7a7a && bss_var == 0x7a7a && heap[0] == 0x7a7a && stack_var == 0x7a7a &&
	    priv[0] == 0x7a7a, "the parent keeps its own writes made after each fork");
	munmap((void *)priv, 4 * PGSZ);
	return (0);
}

static int
sharing(void)
{
	volatile int *shm = mmap(NULL, 4 * PGSZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0);
	volatile int *late;
	int r, status;

	ok(shm != MAP_FAILED, "mmap MAP_SHARED|MAP_ANON of 4 pages works");
	if (shm == MAP_FAILED)
		return (0);
	shm[0] = 1;
	r = both_ways(shm, true);
	ok(r == 0,
	    "MAP_SHARED: a page touched before fork is shared both ways (%d)", r);
	late = (volatile int *)((volatile char *)shm + 3 * PGSZ);
	r = both_ways(late, true);
	ok(r == 0,
	    "MAP_SHARED: a page first touched after fork (by the child) is shared both ways (%d)", r);
	/* The parent touches a fresh shared page first, after fork. */
	{
		volatile int *p2 = (volatile int *)((volatile char *)shm + 2 * PGSZ);
		struct sync s;
		pid_t pid;

		sync_open(&s);
		fflush(stdout);
		if ((pid = fork()) == 0) {
			await(s.to_child[0]);
			_exit(*p2 == 0x99 ? 0 : 1);
		}
		*p2 = 0x99;
		post(s.to_child[1]);
		ok(pid > 0 && waitpid(pid, &status, 0) == pid && exited(status, 0),
		    "MAP_SHARED: a page the parent first touches after fork is seen by the child");
		sync_close(&s);
	}
	/* A shared mapping inherited twice: a grandchild's write reaches the top. */
	shm[1] = 0;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		pid_t g = fork();

		if (g == 0) {
			shm[1] = 0xabc;
			_exit(0);
		}
		waitpid(g, NULL, 0);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ok(shm[1] == 0xabc, "MAP_SHARED: a grandchild's write is seen by the grandparent");
	munmap((void *)shm, 4 * PGSZ);
	return (0);
}

/*
 * RFMEM: one address space.  The child writes a global, the heap and a
 * MAP_PRIVATE page, then leaves; the parent spins until it sees them.
 * On several CPUs the two run at once, so the child has a stack of its
 * own (rfork_thread), as FreeBSD requires of RFMEM.
 */
static char rfmem_stack[16384] __attribute__((aligned(16)));
static volatile int *rfmem_heap, *rfmem_priv, *rfmem_flag;

static int
rfmem_writer(void *arg __attribute__((unused)))
{
	*rfmem_heap = 0x33;
	*rfmem_priv = 0x44;
	rfmem_word = 0x55;
	_exit(0);
}

static int
unshare_writer(void *arg __attribute__((unused)))
{
	if (rfork(0) != 0) {
		*rfmem_flag = 2;
		_exit(1);
	}
	rfmem_word = 0x77;
	*rfmem_flag = 1;
	_exit(0);
}

static pid_t
rfmem_spawn(int (*fn)(void *))
{
	fflush(stdout);
	return (rfork_thread(RFPROC | RFMEM, rfmem_stack + sizeof(rfmem_stack), fn, NULL));
}

static int
rfmem_body(void)
{
	volatile int *heap = malloc(sizeof(int));
	volatile int *priv = mmap(NULL, PGSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	int status;
	pid_t pid;

	if (heap == NULL || priv == MAP_FAILED)
		return (20);
	*heap = 0;
	rfmem_word = 0;
	rfmem_heap = heap;
	rfmem_priv = priv;
	if ((pid = rfmem_spawn(rfmem_writer)) < 0)
		return (21);
	for (long i = 0; i < 400000000L && rfmem_word == 0; i++)
		;
	if (waitpid(pid, &status, 0) != pid || !exited(status, 0))
		return (22);
	if (rfmem_word != 0x55)
		return (1);
	if (*heap != 0x33)
		return (2);
	if (*priv != 0x44)
		return (3);
	return (0);
}

/*
 * rfork without RFPROC and without RFMEM: a child sharing the parent's
 * vmspace (RFMEM) takes a private copy of it; its later write to a
 * global stays its own.  The flag it raises lives in a MAP_SHARED page.
 */
static int
unshare_body(void)
{
	volatile int *flag = mmap(NULL, PGSZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0);
	int status;
	pid_t pid;

	if (flag == MAP_FAILED)
		return (20);
	*flag = 0;
	rfmem_word = 0;
	rfmem_flag = flag;
	if ((pid = rfmem_spawn(unshare_writer)) < 0)
		return (21);
	for (long i = 0; i < 400000000L && *flag == 0; i++)
		;
	if (waitpid(pid, &status, 0) != pid || !exited(status, 0))
		return (22);
	if (*flag != 1)
		return (2);
	return (rfmem_word == 0 ? 0 : 1);
}

static int
rfmem(void)
{
	int status = run_child(rfmem_body);

	ok(exited(status, 0),
	    "rfork(RFPROC|RFMEM) shares everything: global, heap and a page first touched by the child (status %#x)",
	    status);
	status = run_child(unshare_body);
	ok(exited(status, 0),
	    "rfork(0) in an RFMEM child gives it a private copy: its global write is not seen (status %#x)",
	    status);
	return (0);
}

/* The kernel writes into a page shared copy-on-write: the other side's copy must not change. */
static int
kernel_writes(void)
{
	struct sync s;
	int status, fds[2];
	pid_t pid;

	ts_global.tv_sec = 111;
	ts_global.tv_nsec = 222;
	fflush(stdout);
	if ((pid = fork()) == 0) {
		/* Touch nothing else on the page first: the kernel does the first write. */
		_exit(clock_gettime(CLOCK_MONOTONIC, &ts_global) == 0 &&
		    (ts_global.tv_sec != 111 || ts_global.tv_nsec != 222) ? 0 : 1);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && exited(status, 0) &&
	    ts_global.tv_sec == 111 && ts_global.tv_nsec == 222,
	    "clock_gettime into a global in the child leaves the parent's copy alone");

	pipe(fds);
	strlcpy(read_global, "parent's bytes", sizeof(read_global));
	write(fds[1], "child's bytes!", 15);
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(read(fds[0], read_global, 15) == 15 &&
		    strcmp(read_global, "child's bytes!") == 0 ? 0 : 1);
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && exited(status, 0) &&
	    strcmp(read_global, "parent's bytes") == 0,
	    "read() into a global in the child leaves the parent's copy alone");

	/* And the other way: the parent's kernel write, the child checks. */
	sync_open(&s);
	strlcpy(read_global, "parent's bytes", sizeof(read_global));
	write(fds[1], "PARENT WROTE!!", 15);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		await(s.to_child[0]);
		_exit(strcmp(read_global, "parent's bytes") == 0 ? 0 : 1);
	}
	read(fds[0], read_global, 15);
	clock_gettime(CLOCK_MONOTONIC, &ts_global);
	post(s.to_child[1]);
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && exited(status, 0) &&
	    strcmp(read_global, "PARENT WROTE!!") == 0,
	    "read() into a global in the parent leaves the child's copy alone");
	sync_close(&s);
	close(fds[0]);
	close(fds[1]);
	return (0);
}

static volatile char *hole_map;

static int
touch_hole(void)
{
	hole_map[4 * PGSZ] = 1;
	return (0);
}

static int
touch_around_hole(void)
{
	hole_map[0] = 1;
	hole_map[2 * PGSZ + PGSZ - 1] = 2;
	hole_map[6 * PGSZ] = 3;
	hole_map[8 * PGSZ - 1] = 4;
	return (hole_map[0] == 1 && hole_map[8 * PGSZ - 1] == 4 && hole_map[6 * PGSZ + 1] == 0x66 ? 0 : 1);
}

static volatile char *ro_map, *none_map;

static int
write_ro(void)
{
	ro_map[10] = 1;
	return (0);
}

static int
read_ro(void)
{
	return (ro_map[10] == 0 ? 0 : 1);
}

static int
read_none(void)
{
	return (none_map[0] == 0 ? 3 : 4);
}

static int
write_text(void)
{
	*(volatile unsigned char *)(uintptr_t)&write_ro = 0xc3;
	return (0);
}

static int
write_rodata(void)
{
	static const char msg[] = "read-only data";

	*(volatile char *)(uintptr_t)&msg[0] = 'X';
	return (0);
}

static int
mappings(void)
{
	int status;
	void *p;

	hole_map = mmap(NULL, 8 * PGSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	ok(hole_map != MAP_FAILED, "mmap of 8 pages for the hole test");
	if (hole_map == MAP_FAILED)
		return (0);
	for (int i = 0; i < 8; i++)
		hole_map[i * PGSZ + 1] = (char)(0x60 + i);
	ok(munmap((void *)(hole_map + 3 * PGSZ), 3 * PGSZ) == 0,
	    "munmap of 3 pages in the middle of a mapping succeeds");
	status = run_child(touch_hole);
	ok(killed_by(status, SIGSEGV),
	    "a child touching the hole is killed by SIGSEGV (status %#x)", status);
	status = run_child(touch_around_hole);
	ok(exited(status, 0),
	    "pages on both sides of the hole still work in a child (status %#x)", status);
	ok(hole_map[1] == 0x60 && hole_map[2 * PGSZ + 1] == 0x62 && hole_map[6 * PGSZ + 1] == 0x66 &&
	    hole_map[7 * PGSZ + 1] == 0x67, "the parent's pages around the hole keep their data");
	p = mmap((void *)(hole_map + 3 * PGSZ), 3 * PGSZ, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1, 0);
	ok(p == (void *)(hole_map + 3 * PGSZ) && hole_map[4 * PGSZ] == 0,
	    "MAP_FIXED fills the hole again with zero pages");
	ok(munmap((void *)hole_map, 8 * PGSZ) == 0, "munmap of the whole range, hole refilled, succeeds");

	errno = 0;
	ok(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANON, -1, 0) == MAP_FAILED && errno == EINVAL,
	    "mmap of length 0 is EINVAL");
	errno = 0;
	ok(mmap(NULL, PGSZ, PROT_READ, MAP_PRIVATE | MAP_SHARED | MAP_ANON, -1, 0) == MAP_FAILED &&
	    errno == EINVAL, "mmap with both MAP_SHARED and MAP_PRIVATE is EINVAL");
	errno = 0;
	ok(mmap(NULL, PGSZ, PROT_READ, MAP_ANON, -1, 0) == MAP_FAILED && errno == EINVAL,
	    "mmap with neither MAP_SHARED nor MAP_PRIVATE is EINVAL");
	errno = 0;
	ok(mmap(NULL, PGSZ, PROT_READ, MAP_PRIVATE, -1, 0) == MAP_FAILED && errno == EINVAL,
	    "mmap without MAP_ANON is EINVAL");
	errno = 0;
	ok(mmap((void *)0x20000123ul, PGSZ, PROT_READ, MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1, 0) ==
	    MAP_FAILED && errno == EINVAL, "mmap MAP_FIXED at a misaligned address is EINVAL");
	errno = 0;
	ok(mmap(NULL, (size_t)1 << 62, PROT_READ, MAP_PRIVATE | MAP_ANON, -1, 0) == MAP_FAILED &&
	    errno == ENOMEM, "mmap of a huge length is ENOMEM");
	errno = 0;
	ok(munmap((void *)0x20000123ul, PGSZ) == -1 && errno == EINVAL,
	    "munmap of a misaligned address is EINVAL");

	ro_map = mmap(NULL, PGSZ, PROT_READ, MAP_PRIVATE | MAP_ANON, -1, 0);
	none_map = mmap(NULL, PGSZ, PROT_NONE, MAP_PRIVATE | MAP_ANON, -1, 0);
	ok(ro_map != MAP_FAILED && none_map != MAP_FAILED, "PROT_READ and PROT_NONE mappings can be made");
	status = run_child(read_ro);
	ok(exited(status, 0), "a PROT_READ mapping reads as zero (status %#x)",
	    status);
	status = run_child(write_ro);
	ok(killed_by(status, SIGSEGV),
	    "a write to a PROT_READ mapping is SIGSEGV (status %#x)", status);
	status = run_child(read_none);
	ok(killed_by(status, SIGSEGV),
	    "a read of a PROT_NONE mapping is SIGSEGV (status %#x)", status);
	status = run_child(write_text);
	ok(killed_by(status, SIGSEGV),
	    "a write to the program's text is SIGSEGV (status %#x)", status);
	status = run_child(write_rodata);
	ok(killed_by(status, SIGSEGV),
	    "a write to the program's read-only data is SIGSEGV (status %#x)", status);
	munmap((void *)ro_map, PGSZ);
	munmap((void *)none_map, PGSZ);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(isolation, "after fork, private memory (data, bss, heap, stack, MAP_PRIVATE) is isolated both ways"),
	TAP_CASE(sharing, "MAP_SHARED memory is shared both ways across fork"),
	TAP_CASE(rfmem, "RFMEM shares everything; rfork(0) in an RFMEM child unshares"),
	TAP_CASE(kernel_writes, "the kernel's own writes (read, clock_gettime) break copy-on-write"),
	TAP_CASE(mappings, "munmap holes, mmap argument errors and protection faults"),
};

int
main(int argc, char **argv)
{
	return (RUN_SUITE("cow", cases, argc, argv));
}
