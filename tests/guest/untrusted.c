/*
 * The kernel never trusts a process: every system call that takes a user
 * pointer, given a kernel address, an unmapped page, or a read-only page
 * where it must write, fails with EFAULT and changes nothing; mmap and
 * munmap refuse kernel ranges; a process that touches kernel memory itself
 * is killed by SIGSEGV.  The kernel reaches user memory only through
 * copyin/copyout (mm/copy.c); these tests prove it from outside, on both
 * architectures, with the same addresses.
 *
 * Straddling buffers (valid, then unmapped): read and write return the
 * bytes moved before the hole when there are any, as BSD does; the tests
 * check that the count and the data agree.
 */
#include "vmsuite.h"

#define VM_MAX_USER	0x4000000000ul

/* Kernel addresses on either architecture, and the other kinds of bad pointer. */
static const uintptr_t kaddrs[] = {
	0xffffffff80000000ul,	/* x86 KERNBASE, riscv kernel image region */
	0xffffffff80200000ul,	/* riscv kernel text */
	0xffffffff80100000ul,	/* x86 kernel text */
	0xffffffc000000000ul,	/* riscv direct map */
	0xffff800000000000ul,	/* x86 direct map */
	0xfffffffffffff000ul,	/* the last page */
};
#define NKADDR	(sizeof(kaddrs) / sizeof(kaddrs[0]))

static const char rodata[64] = "read-only data the kernel must not write";
static char *hole;		/* an unmapped user page */
static char *ropage;		/* a PROT_READ page */
static char *rwpage;		/* a PROT_READ|PROT_WRITE page, just below hole */
static int rfd, wfd;		/* a pipe */

static void
text_fn(void)
{
}

#define TEXT	((char *)(uintptr_t)text_fn)

/* Every bad pointer: kernel addresses, NULL, low memory, a hole, the end of user space. */
static int
bad_ptrs(uintptr_t *out)
{
	int n = 0;

	for (unsigned i = 0; i < NKADDR; i++)
		out[n++] = kaddrs[i];
	out[n++] = 0;
	out[n++] = 0x1000;
	out[n++] = (uintptr_t)hole;
	out[n++] = (uintptr_t)hole + 8;
	out[n++] = VM_MAX_USER;
	out[n++] = 0x80200000ul;	/* riscv kernel's physical address */
	out[n++] = 0x100000ul;		/* x86 kernel's physical address */
	out[n++] = 0x0000800000000000ul;	/* non-canonical on x86 */
	return (n);
}

/* Snapshot of everything read-only that a call might have written. */
struct ro_snap {
	char	text[64], rodata[64], ro[64];
};

static void
snap(struct ro_snap *s)
{
	memcpy(s->text, TEXT, sizeof(s->text));
	memcpy(s->rodata, rodata, sizeof(s->rodata));
	memcpy(s->ro, ropage, sizeof(s->ro));
}

static bool
same(const struct ro_snap *a)
{
	struct ro_snap b;

	snap(&b);
	return (memcmp(a, &b, sizeof(b)) == 0);
}

/* The read-only destinations for an output buffer. */
static char *
ro_dst(int i)
{
	return (i == 0 ? TEXT : i == 1 ? (char *)(uintptr_t)rodata : ropage);
}

/* errno after a call that failed, or -1 if it succeeded. */
#define ERR(call)	((call) == -1 ? errno : -1)

/* The lowest free descriptor: equal before and after means nothing leaked. */
static int
lowest_fd(void)
{
	int fd = dup(0);

	if (fd >= 0)
		close(fd);
	return (fd);
}

static int
pipe_count(void)
{
	char buf[64];
	int n;

	/* A marker makes the read return at once even on an empty pipe. */
	write(wfd, "#", 1);
	n = (int)read(rfd, buf, sizeof(buf));
	return (n - 1);
}

static int
test_clock_gettime(void)
{
	uintptr_t bad[32];
	struct ro_snap s;
	int n = bad_ptrs(bad), fails = 0, i;

	for (i = 0; i < n; i++)
		if (ERR(clock_gettime(CLOCK_MONOTONIC, (void *)bad[i])) != EFAULT)
			fails++;
	ok(fails == 0, "clock_gettime into a kernel address, NULL, low memory, a hole "
	    "or past user space fails with EFAULT (%d wrong)", fails);
	snap(&s);
	for (i = 0; i < 3; i++)
		if (ERR(clock_gettime(CLOCK_MONOTONIC, (void *)ro_dst(i))) != EFAULT)
			fails++;
	ok(fails == 0 && same(&s), "clock_gettime into text, rodata or a PROT_READ "
	    "page fails with EFAULT and writes nothing");
	ok(ERR(clock_gettime(CLOCK_MONOTONIC, (void *)(hole - 8))) == EFAULT,
	    "clock_gettime into a buffer that straddles a valid and an unmapped page "
	    "fails with EFAULT");
	return (0);
}

static int
test_pipe(void)
{
	uintptr_t bad[32];
	struct ro_snap s;
	int n = bad_ptrs(bad), fails = 0, low = lowest_fd(), i;

	snap(&s);
	for (i = 0; i < n; i++)
		if (ERR(pipe((int *)bad[i])) != EFAULT)
			fails++;
	for (i = 0; i < 3; i++)
		if (ERR(pipe((int *)(void *)ro_dst(i))) != EFAULT)
			fails++;
	ok(fails == 0 && same(&s), "pipe() with its fds in kernel memory, a hole, "
	    "text or rodata fails with EFAULT and writes nothing (%d wrong)", fails);
	ok(lowest_fd() == low, "a pipe() that failed with EFAULT leaves no descriptor "
	    "open (lowest free %d, was %d)", lowest_fd(), low);
	return (0);
}

static int
test_read_write(void)
{
	uintptr_t bad[32];
	struct ro_snap s;
	char buf[64];
	int n = bad_ptrs(bad), fails = 0, wfails = 0, cfails = 0, i;
	ssize_t r, rw;

	snap(&s);
	write(wfd, "0123456789abcdef", 16);
	for (i = 0; i < n; i++)
		if (bad[i] != 0 && ERR(read(rfd, (void *)bad[i], 16)) != EFAULT)
			fails++;
	for (i = 0; i < 3; i++)
		if (ERR(read(rfd, ro_dst(i), 16)) != EFAULT)
			fails++;
	ok(fails == 0 && same(&s), "read into kernel memory, a hole, text, rodata or "
	    "a PROT_READ mapping fails with EFAULT and writes nothing (%d wrong)", fails);
	r = read(rfd, buf, 16);
	ok(r == 16 && memcmp(buf, "0123456789abcdef", 16) == 0,
	    "a read that failed with EFAULT consumed nothing from the pipe");

	for (i = 0; i < n; i++) {
		if (bad[i] != 0 && ERR(write(wfd, (void *)bad[i], 16)) != EFAULT)
			wfails++;
		if (bad[i] != 0 && ERR(write(1, (void *)bad[i], 16)) != EFAULT)
			cfails++;
	}
	ok(wfails == 0 && pipe_count() == 0, "write to a pipe from kernel memory or a "
	    "hole fails with EFAULT and puts nothing in the pipe (%d wrong)", wfails);
	ok(cfails == 0, "write to the console from kernel memory or a hole fails with "
	    "EFAULT (%d wrong)", cfails);

	/* Straddling: 8 valid bytes, then the hole. */
	memcpy(hole - 8, "ABCDEFGH", 8);
	r = rw = write(wfd, hole - 8, 16);
	write(wfd, "#", 1);
	i = (int)read(rfd, buf, sizeof(buf)) - 1;
	ok((r == 8 && i == 8 && memcmp(buf, "ABCDEFGH", 8) == 0) ||
	    (r == -1 && errno == EFAULT && i == 0),
	    "a pipe write that runs into an unmapped page moves exactly what it "
	    "reports (returned %ld, the pipe held %d)", (long)r, i);
	write(wfd, "0123456789abcdef", 16);
	r = read(rfd, hole - 8, 16);
	write(wfd, "#", 1);
	i = (int)read(rfd, buf, sizeof(buf)) - 1;
	ok((r == 8 && memcmp(hole - 8, "01234567", 8) == 0 && i == 8 &&
	    memcmp(buf, "89abcdef", 8) == 0) ||
	    (r == -1 && errno == EFAULT && i == 16 &&
	    memcmp(buf, "0123456789abcdef", 16) == 0),
	    "a pipe read into a buffer that runs into an unmapped page consumes "
	    "exactly what it reports (returned %ld, %d left in the pipe)", (long)r, i);
	diag("straddling pipe transfers: write returned %ld, read %ld", (long)rw,
	    (long)r);
	r = write(1, hole - 8, 16);
	ok(r == 8 || (r == -1 && errno == EFAULT),
	    "a console write that runs into an unmapped page returns a partial count "
	    "or EFAULT (returned %ld)", (long)r);
	printf("\n");
	return (0);
}

static int
test_wait(void)
{
	uintptr_t bad[32];
	struct ro_snap s;
	int n = bad_ptrs(bad), fails = 0, procs = sget("kern.nprocs"), i, j;
	pid_t pid;

	snap(&s);
	for (i = 0; i < n + 3; i++) {
		fflush(stdout);
		if ((pid = fork()) == 0)
			_exit(7);
		if (i < n && bad[i] == 0)	/* NULL is allowed: no status wanted */
			j = waitpid(pid, NULL, 0) == pid ? EFAULT : -1;
		else
			j = ERR(waitpid(pid, (int *)(i < n ? (void *)bad[i] :
			    (void *)ro_dst(i - n)), 0));
		if (j != EFAULT)
			fails++;
		/* BSD reaps the child before the copyout fails: it is gone. */
		if (waitpid(pid, NULL, WNOHANG) != -1 || errno != ECHILD)
			fails += 100;
	}
	ok(fails == 0 && same(&s), "waitpid with its status in kernel memory, a hole, "
	    "text, rodata or a PROT_READ page fails with EFAULT, writes nothing, and "
	    "(as in BSD) the child is reaped (%d wrong)", fails);
	ok(sget("kern.nprocs") == procs, "no process slot is held after those waits");
	return (0);
}

static int
test_sysctl(void)
{
	uintptr_t bad[32];
	struct ro_snap s;
	int n = bad_ptrs(bad), fails = 0, nfails = 0, maxproc, v, i;
	size_t len;

	maxproc = sget("kern.maxproc");
	snap(&s);
	for (i = 0; i < n; i++) {
		len = sizeof(int);
		if (bad[i] != 0 && ERR(sysctlbyname("kern.maxproc", (void *)bad[i], &len,
		    NULL, 0)) != EFAULT)
			fails++;
		if (bad[i] != 0 && ERR(sysctlbyname("kern.maxproc", &v,
		    (size_t *)bad[i], NULL, 0)) != EFAULT)
			fails++;
		if (ERR(sysctlbyname((const char *)bad[i], &v, &len, NULL, 0)) != EFAULT)
			nfails++;
		if (bad[i] != 0 && ERR(sysctlbyname("kern.maxproc", NULL, NULL,
		    (void *)bad[i], sizeof(int))) != EFAULT)
			fails++;
	}
	for (i = 0; i < 3; i++) {
		len = sizeof(int);
		if (ERR(sysctlbyname("kern.maxproc", ro_dst(i), &len, NULL, 0)) != EFAULT)
			fails++;
	}
	ok(fails == 0 && same(&s), "sysctlbyname with old, oldlen or new in kernel "
	    "memory, a hole, text or rodata fails with EFAULT and writes nothing "
	    "(%d wrong)", fails);
	ok(nfails == 0, "sysctlbyname with its name in kernel memory, NULL or a hole "
	    "fails with EFAULT (%d wrong)", nfails);
	ok(sget("kern.maxproc") == maxproc, "kern.maxproc is unchanged after writes "
	    "from kernel addresses");
	return (0);
}

static int
test_rlimit(void)
{
	uintptr_t bad[32];
	struct ro_snap s;
	struct rlimit before, after;
	int n = bad_ptrs(bad), fails = 0, i;

	getrlimit(RLIMIT_NPROC, &before);
	snap(&s);
	for (i = 0; i < n; i++) {
		if (ERR(getrlimit(RLIMIT_NPROC, (void *)bad[i])) != EFAULT)
			fails++;
		if (ERR(setrlimit(RLIMIT_NPROC, (void *)bad[i])) != EFAULT)
			fails++;
	}
	for (i = 0; i < 3; i++)
		if (ERR(getrlimit(RLIMIT_NPROC, (void *)ro_dst(i))) != EFAULT)
			fails++;
	getrlimit(RLIMIT_NPROC, &after);
	ok(fails == 0 && same(&s) && memcmp(&before, &after, sizeof(after)) == 0,
	    "getrlimit into and setrlimit from kernel memory, a hole or read-only "
	    "memory fail with EFAULT and change nothing (%d wrong)", fails);
	return (0);
}

static void
lwp_fn(void *arg __attribute__((unused)))
{
	lwp_exit();
}

static int
test_lwp(void)
{
	static char stack[4096] __attribute__((aligned(16)));
	struct lwp_params lp;
	uintptr_t bad[32];
	struct ro_snap s;
	int n = bad_ptrs(bad), fails = 0, free0, i;

	memset(stack, 0, sizeof(stack));	/* its page is ours before we count */
	/* Settled: at 4 CPUs a count taken at once moved by a page now and then. */
	free0 = settled_unleaked();
	snap(&s);
	for (i = 0; i < n; i++)
		if (ERR(lwp_create((struct lwp_params *)bad[i])) != EFAULT)
			fails++;
	for (i = 0; i < n + 3; i++) {
		lp.lwp_func = lwp_fn;
		lp.lwp_arg = NULL;
		lp.lwp_stack = stack + sizeof(stack);
		lp.lwp_tid1 = (int32_t *)(i < n ? (void *)bad[i] : (void *)ro_dst(i - n));
		lp.lwp_tid2 = NULL;
		if (bad[i % n] == 0 && i < n)
			continue;	/* NULL tid1 is allowed */
		if (ERR(lwp_create(&lp)) != EFAULT)
			fails++;
	}
	ok(fails == 0 && same(&s), "lwp_create with its parameters in kernel memory "
	    "or a hole, or its tid in kernel memory, a hole, text or rodata, fails with "
	    "EFAULT and writes nothing (%d wrong)", fails);
	i = settled_unleaked();
	ok(i == free0, "the failed lwp_creates left no memory behind (%d, %d)", free0, i);
	return (0);
}

static int
test_execv(void)
{
	uintptr_t bad[32];
	char *argv[3];
	int n = bad_ptrs(bad), fails = 0, i;

	for (i = 0; i < n; i++) {
		if (ERR(execv((const char *)bad[i], NULL)) != EFAULT)
			fails++;
		if (bad[i] == 0)
			continue;
		if (ERR(execv("true", (char *const *)bad[i])) != EFAULT)
			fails++;
		argv[0] = "true";
		argv[1] = (char *)bad[i];
		argv[2] = NULL;
		if (ERR(execv("true", argv)) != EFAULT)
			fails++;
	}
	ok(fails == 0, "execv with its name, argv or an argument in kernel memory or a "
	    "hole fails with EFAULT and returns to the caller (%d wrong)", fails);
	return (0);
}

static int
test_kevent(void)
{
	uintptr_t bad[32];
	struct kevent ev;
	struct timespec zero = { 0, 0 };
	struct ro_snap s;
	int kq = kqueue(), n = bad_ptrs(bad), fails = 0, i;
	pid_t pid;

	snap(&s);
	for (i = 0; i < n; i++) {
		if (bad[i] == 0)
			continue;
		if (ERR(kevent(kq, (void *)bad[i], 1, NULL, 0, &zero)) != EFAULT)
			fails++;
		if (ERR(kevent(kq, NULL, 0, &ev, 1, (void *)bad[i])) != EFAULT)
			fails++;
	}
	/* A pending event, then output buffers that cannot take it. */
	fflush(stdout);
	if ((pid = fork()) == 0) {
		char c;

		read(rfd, &c, 1);
		_exit(0);
	}
	EV_SET(&ev, (uintptr_t)pid, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL);
	kevent(kq, &ev, 1, NULL, 0, &zero);
	write(wfd, "x", 1);
	waitpid(pid, NULL, 0);
	for (i = 0; i < n; i++)
		if (bad[i] != 0 && ERR(kevent(kq, NULL, 0, (void *)bad[i], 1, &zero)) !=
		    EFAULT)
			fails++;
	for (i = 0; i < 3; i++)
		if (ERR(kevent(kq, NULL, 0, (void *)ro_dst(i), 1, &zero)) != EFAULT)
			fails++;
	ok(fails == 0 && same(&s), "kevent with changes, events or timeout in kernel "
	    "memory, a hole, text or rodata fails with EFAULT and writes nothing "
	    "(%d wrong)", fails);
	close(kq);
	return (0);
}

static int
test_mmap(void)
{
	static const struct { uintptr_t addr; size_t len; } fixed[] = {
		{ 0xffffffff80000000ul, 4096 },
		{ 0xffffffc000000000ul, 4096 },
		{ 0xffff800000000000ul, 4096 },
		{ 0xfffffffffffff000ul, 4096 },
		{ 0xfffffffffffff000ul, 8192 },		/* wraps to 0 */
		{ VM_MAX_USER, 4096 },
		{ VM_MAX_USER - 4096, 8192 },		/* across the end */
		{ VM_MAX_USER - 4096, 0x7ffffffffffff000ul },
		{ 0x10000, 0xfffffffffff00000ul },	/* huge */
		{ 0, 4096 },				/* page 0 */
		{ 0x0000800000000000ul, 4096 },
	};
	int fails = 0, mfails = 0, ufails = 0, e;
	void *p;

	for (unsigned i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		p = mmap((void *)fixed[i].addr, fixed[i].len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1, 0);
		e = errno;
		if (p != MAP_FAILED || (e != EINVAL && e != ENOMEM)) {
			diag("mmap(%#lx, %#lx, MAP_FIXED) gave %p errno %d",
			    (unsigned long)fixed[i].addr, (unsigned long)fixed[i].len, p, e);
			fails++;
		}
		/* As a hint it may place the mapping anywhere in user space. */
		p = mmap((void *)fixed[i].addr, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANON, -1, 0);
		if (p != MAP_FAILED && ((uintptr_t)p < 0x10000 ||
		    (uintptr_t)p + 4096 > VM_MAX_USER)) {
			diag("mmap hint %#lx gave %p", (unsigned long)fixed[i].addr, p);
			mfails++;
		}
		if (p != MAP_FAILED)
			munmap(p, 4096);
		if (fixed[i].addr >= VM_MAX_USER &&
		    ERR(munmap((void *)fixed[i].addr, fixed[i].len)) != EINVAL) {
			diag("munmap(%#lx, %#lx) errno %d", (unsigned long)fixed[i].addr,
			    (unsigned long)fixed[i].len, errno);
			ufails++;
		}
	}
	ok(fails == 0, "mmap MAP_FIXED at or across a kernel address, page 0 or the "
	    "end of user space fails with EINVAL or ENOMEM (%d wrong)", fails);
	ok(mfails == 0, "mmap with a kernel address as a hint maps in user space or "
	    "fails (%d wrong)", mfails);
	ok(ufails == 0, "munmap of a kernel range is EINVAL (%d wrong)", ufails);
	return (0);
}

static uintptr_t probe_addr;
static int probe_how;

static int
probe(void)
{
	volatile char *p = (volatile char *)probe_addr;

	if (probe_how == 0)
		(void)*p;
	else if (probe_how == 1)
		*p = 1;
	else
		((void (*)(void))probe_addr)();
	return (0);
}

static int
test_touch(void)
{
	static const char *how[] = { "read", "write", "jump to" };
	int fails = 0, st;

	for (unsigned i = 0; i < NKADDR; i++)
		for (probe_how = 0; probe_how < 3; probe_how++) {
			probe_addr = kaddrs[i];
			st = run_child(probe);
			if (!killed_by(st, SIGSEGV)) {
				diag("%s %#lx: status %#x", how[probe_how],
				    (unsigned long)probe_addr, st);
				fails++;
			}
		}
	ok(fails == 0, "a process that reads, writes or jumps to kernel memory is "
	    "killed by SIGSEGV (%d wrong)", fails);
	fails = 0;
	for (probe_how = 0; probe_how < 2; probe_how++) {
		probe_addr = 0x0000800000000000ul;
		st = run_child(probe);
		if (!killed_by(st, SIGSEGV) && !killed_by(st, SIGBUS)) {
			diag("%s a non-canonical address: status %#x", how[probe_how], st);
			fails++;
		}
		probe_addr = 0x80200000ul;
		st = run_child(probe);
		if (!killed_by(st, SIGSEGV)) {
			diag("%s the kernel's physical address: status %#x",
			    how[probe_how], st);
			fails++;
		}
	}
	ok(fails == 0, "a process that touches a non-canonical address or the "
	    "kernel's physical load address is killed by a signal (%d wrong)", fails);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(test_clock_gettime, "clock_gettime into bad pointers is EFAULT"),
	TAP_CASE(test_pipe, "pipe into bad pointers is EFAULT"),
	TAP_CASE(test_read_write, "read and write with bad and straddling buffers"),
	TAP_CASE(test_wait, "waitpid into bad pointers is EFAULT"),
	TAP_CASE(test_sysctl, "sysctlbyname with bad pointers is EFAULT"),
	TAP_CASE(test_rlimit, "getrlimit and setrlimit with bad pointers are EFAULT"),
	TAP_CASE(test_lwp, "lwp_create with bad pointers is EFAULT"),
	TAP_CASE(test_execv, "execv with bad names and arguments is EFAULT"),
	TAP_CASE(test_kevent, "kevent with bad pointers is EFAULT"),
	TAP_CASE(test_mmap, "mmap and munmap refuse kernel ranges"),
	TAP_CASE(test_touch, "a process that touches kernel memory is killed by a signal"),
};

int
main(int argc, char **argv)
{
	int fds[2];

	tap_init();	/* before the hole is made: the counters must not land in it */
	rwpage = mmap(NULL, 3 * PGSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON,
	    -1, 0);
	if (rwpage == MAP_FAILED || pipe(fds) != 0) {
		printf("Bail out! untrusted: cannot set up its pages and a pipe (errno %d)\n",
		    errno);
		return (1);
	}
	rfd = fds[0];
	wfd = fds[1];
	hole = rwpage + PGSZ;
	munmap(hole, PGSZ);
	ropage = mmap(hole + PGSZ, PGSZ, PROT_READ, MAP_PRIVATE | MAP_ANON | MAP_FIXED,
	    -1, 0);
	memset(rwpage, 0x5a, PGSZ);
	return (RUN_SUITE("untrusted", cases, argc, argv));
}
