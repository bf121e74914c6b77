/*
 * The syscall fuzzer: P processes issue random system calls with random
 * and boundary arguments from a seeded PRNG; the kernel must neither panic
 * nor hang, and when every fuzzer is gone the free pages and the process
 * count must be back at their baselines.
 *
 *	fuzz [--iterations N] [--seed S] [--procs P] [--time T] [--rfmask M]
 *	    [--only NUM]
 *
 * --time bounds the fuzzing in seconds; --rfmask keeps the rfork bits in M
 * out of every rfork (to look past a known bug); --only NUM makes
 * every call system call NUM (to narrow a failure down).
 *
 * The parent does not fuzz.  Each fuzzer starts its own session, drops to
 * uid 1000 (so kill(-1) reaches only fuzzers) and closes the console
 * descriptors (so random writes cannot garble the TAP stream), then calls
 * __syscall6 with a number from 0..520 and arguments drawn from boundary
 * classes: 0, -1, small ints, INT_MAX, huge lengths, NULL, kernel
 * addresses, unmapped and misaligned user addresses, its own text and
 * rodata, negative descriptors, rfork flag bits.  A fuzzer that forks
 * keeps fuzzing with a smaller budget; vfork and RFMEM children go
 * through the libc stubs, which keep them off the parent's stack.
 *
 * Fuzzers may block (a read on their own pipe) or die (a signal, exit,
 * exec, a fault): the parent keeps P of them running, each slot reseeded
 * from the master seed, kills a slot that makes no progress, and stops
 * when N calls in all were made.  It then kills whatever is left of uid
 * 1000 and waits for kern.nprocs to return to the baseline.
 * Every call counts in a MAP_SHARED page; a fuzzer's seed is
 * mix(seed, slot, generation), printed when a slot is respawned.
 */
#include "tap.h"

long	__syscall6(long, long, long, long, long, long, long);

#define MAXPROCS	32
#define NSYSNUM		521
#define FUZZ_UID	1000
#define MAXDEPTH	3
#define PGSZ		4096ul
#define KVA0		0xffffffff80000000ul
#define KVA1		0xffffffc000000000ul
#define KVA2		0xffff800000000000ul
#define VM_MAX_USER	0x4000000000ul

struct shared {
	volatile long	calls;		/* every fuzzer call, in all */
	volatile long	limit;		/* stop when calls reaches it */
	volatile long	slot_calls[MAXPROCS];
	volatile long	forks;		/* fuzzer children that fuzzed */
};

struct fz {
	uint64_t	s;		/* PRNG state */
	long		budget;		/* calls left (-1: until the limit) */
	int		slot;
	int		depth;
	pid_t		pid;
};

static struct shared *sh;
static long only = -1;		/* --only: this syscall number alone */
static long rfmask;		/* --rfmask: rfork bits never passed */
static char *scratch;		/* 2 pages RW, then a PROT_READ page, then a hole */
static int ncpu = 1;		/* kern.smp.cpus: affinity masks mostly name these */
static const char rodata[64] = "forkrt fuzz read-only data";

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (z ^ (z >> 31));
}

static uint64_t
rnd(struct fz *f)
{
	return (splitmix(&f->s));
}

static uint64_t
seed_of(uint64_t master, int slot, int gen)
{
	uint64_t s = master ^ ((uint64_t)slot << 32) ^ (uint64_t)gen * 0x100000001b3ull;

	return (splitmix(&s));
}

static long
sysc(long n, long a0, long a1, long a2, long a3, long a4, long a5)
{
	return (__syscall6(n, a0, a1, a2, a3, a4, a5));
}

static void
thread_exit(void *arg __attribute__((unused)))
{
	lwp_exit();
}

/* One argument from a boundary class. */
static long
rarg(struct fz *f)
{
	uint64_t r = rnd(f);

	switch (r % 32) {
	case 0: return (0);
	case 1: return (-1);
	case 2: case 3: return ((long)((r >> 8) % 16));
	case 4: return (0x7fffffff);
	case 5: return ((long)0x80000000u);
	case 6: return (-0x7fffffffL - 1);
	case 7: return (0x7fffffffffffffffL);
	case 8: return ((long)(1ul << ((r >> 8) % 64)));	/* flag bits, huge lengths */
	case 9: return ((long)KVA0);
	case 10: return ((long)KVA1);
	case 11: return ((long)KVA2);
	case 12: return ((long)(KVA0 + ((r >> 8) & 0xffff8)));
	case 13: return ((long)VM_MAX_USER);
	case 14: return ((long)(VM_MAX_USER - PGSZ));
	case 15: return ((long)(0x1000 + ((r >> 8) & 0xfff)));	/* low, unmapped */
	case 16: return ((long)(((r >> 8) % VM_MAX_USER)));	/* anywhere in user */
	case 17: return ((long)scratch + (long)((r >> 8) % (2 * PGSZ)));
	case 18: return ((long)scratch + 1);			/* misaligned */
	case 19: return ((long)scratch + 2 * PGSZ - 4);		/* straddles into r/o */
	case 20: return ((long)scratch + 3 * PGSZ - 4);		/* straddles into a hole */
	case 21: return ((long)(uintptr_t)rnd);			/* text */
	case 22: return ((long)(uintptr_t)rodata);
	case 23: return ((long)-((r >> 8) % 64) - 2);		/* negative fd/pid */
	case 24: return ((long)((r >> 8) % 40));		/* signal, fd, small */
	case 25: return ((long)f->pid);
	case 26: return ((long)((r >> 8) % 300));		/* some pid */
	case 27: return ((long)(uint32_t)(r >> 8));
	case 28: return ((long)(r >> 1));
	case 29: return ((long)((r >> 8) & 0xffffffff) | (long)(1ul << 63));
	case 30: return ((long)(1ul << ((r >> 8) % 32)) | (long)(1ul << ((r >> 16) % 32)));
	default: return ((long)r);
	}
}

/* rfork flags: each bit alone, with RFPROC, or a random word. */
static long
rflags(struct fz *f)
{
	uint64_t r = rnd(f);
	long fl;

	switch (r % 4) {
	case 0:
		return ((long)(1u << ((r >> 8) % 32)));
	case 1:
		return ((long)(RFPROC | (1u << ((r >> 8) % 32))));
	case 2:
		fl = RFPROC | (long)((r >> 8) & (RFFDG | RFCFDG | RFNOWAIT |
		    RFTHREAD | RFSIGSHARE | RFLINUXTHPN | RFMEM));
		return (fl);
	default:
		return ((long)(int)(r >> 8));
	}
}

/*
 * cpuset_setaffinity and cpuset_getaffinity(level, which, id, setsize,
 * mask).  Random words almost never pass the level, which and size
 * checks, so mostly give values the kernel takes and let the call reach
 * the target lookup (under proctree and p_lock) and the mask: ids that
 * name the caller, one of its lwps, another fuzzer, a root process or
 * nothing; sizes around sizeof(struct cpuset); masks of CPUs that exist,
 * of none, or of CPUs that do not; a good pointer or a bad one (a[4]'s
 * own boundary class).
 */
static void
cpuset_args(struct fz *f, long *a, cpuset_t *set)
{
	uint64_t r = rnd(f);
	uint64_t all = ncpu >= CPU_SETSIZE ? ~0ul : (1ul << ncpu) - 1;

	switch (r % 8) {
	case 0:		/* levels forkrt refuses */
		a[0] = CPU_LEVEL_ROOT + (long)((r >> 3) % 2);
		break;
	case 1:		/* keep the random one */
		break;
	default:
		a[0] = CPU_LEVEL_WHICH;
	}
	switch ((r >> 4) % 8) {
	case 0:		/* EINVAL, mostly */
		break;
	case 1: case 2: case 3:
		a[1] = CPU_WHICH_TID;
		break;
	default:
		a[1] = CPU_WHICH_PID;
	}
	if (a[1] == CPU_WHICH_TID) {
		switch ((r >> 8) % 8) {
		case 0: case 1: a[2] = -1; break;	/* the caller */
		case 2: a[2] = sysc(SYS_lwp_gettid, 0, 0, 0, 0, 0, 0); break;
		case 3: a[2] = 0; break;	/* the first lwp, if it still runs */
		case 4: case 5: a[2] = (long)((r >> 16) % 4); break; /* lwp_create's, or none */
		default: break;
		}
	} else {
		switch ((r >> 8) % 8) {
		case 0: a[2] = -1; break;
		case 1: a[2] = 0; break;
		case 2: a[2] = f->pid; break;
		case 3: a[2] = sysc(SYS_getppid, 0, 0, 0, 0, 0, 0); break; /* a fuzzer, or root */
		case 4: a[2] = 1; break;	/* init: EPERM */
		case 5: a[2] = (long)((r >> 16) % 300); break; /* another fuzzer, a zombie, none */
		default: break;
		}
	}
	switch ((r >> 24) % 8) {
	case 0: case 1: case 2: case 3: case 4:
		a[3] = sizeof(*set);
		break;
	case 5:
		a[3] = (long)((r >> 27) % sizeof(*set));	/* too small: ERANGE */
		break;
	case 6:
		a[3] = sizeof(*set) + 8 * (long)((r >> 27) % 4);	/* larger: taken */
		break;
	default:	/* huge or negative, as a size_t */
		break;
	}
	/* The mask: for getaffinity only the pointer matters. */
	switch ((r >> 32) % 8) {
	case 0: case 1: case 2: case 3: case 4:
		set->__bits[0] = (r >> 40) & all;
		if (CPU_COUNT(set) == 0)
			CPU_SET((int)((r >> 48) % (unsigned)ncpu), set);
		break;
	case 5:
		CPU_ZERO(set);			/* EDEADLK */
		break;
	case 6:				/* a CPU that does not exist: EINVAL */
		CPU_ZERO(set);
		if (ncpu < CPU_SETSIZE)
			CPU_SET(ncpu + (int)((r >> 40) % (unsigned)(CPU_SETSIZE - ncpu)),
			    set);
		break;
	default:
		set->__bits[0] = r;
	}
	if ((r >> 56) % 4 != 0)
		a[4] = (long)(uintptr_t)set;
}

static void fuzz(struct fz *f);

/* The child side of a fork the fuzzer made: fuzz a little, then go. */
static void
child(struct fz *f)
{
	f->depth++;
	f->pid = (pid_t)sysc(SYS_getpid, 0, 0, 0, 0, 0, 0);
	f->s ^= (uint64_t)f->pid << 17;
	if (f->depth > MAXDEPTH)
		_exit(0);
	f->budget = f->budget < 0 ? 64 : f->budget / 4;
	sh->forks++;
	fuzz(f);
	_exit(0);
}

static int
rfmem_child(void *arg)
{
	struct fz f = *(struct fz *)arg;

	f.depth = MAXDEPTH;		/* shares our memory: keep it short */
	f.budget = 16;
	f.pid = (pid_t)sysc(SYS_getpid, 0, 0, 0, 0, 0, 0);
	f.s ^= (uint64_t)f.pid << 17;
	fuzz(&f);
	return (0);
}

/* vfork, rfork with RFMEM and lwp_create go through libc; everything else is raw. */
static void
one_call(struct fz *f)
{
	static const long common[] = { SYS_exit, SYS_fork, SYS_read, SYS_write,
	    SYS_close, SYS_wait4, SYS_getpid, SYS_setuid, SYS_getuid,
	    SYS_geteuid, SYS_getppid, SYS_dup, SYS_pipe, SYS_kill, SYS_sigaction,
	    SYS_sigprocmask, SYS_sigpending, SYS_sigaltstack, SYS_wait6,
	    SYS_execv, SYS_vfork, SYS_sbrk, SYS_munmap, SYS_getpgrp,
	    SYS_setpgid, SYS_dup2, SYS_getpgid, SYS_getsid, SYS_setsid,
	    SYS_getrlimit, SYS_setrlimit, SYS_sysctlbyname, SYS_clock_gettime,
	    SYS_clock_getres, SYS_rfork, SYS_sched_yield, SYS_kqueue, SYS_kevent, SYS_mmap,
	    SYS_lwp_create, SYS_lwp_gettid, SYS_lwp_exit, SYS_lwp_kill,
	    SYS_poweroff, SYS_cycles, SYS_cpuset_setaffinity,
	    SYS_cpuset_getaffinity, SYS_sched_getcpu, SYS_mprotect, SYS_minherit,
	    SYS_procctl };
	static const char *const names[] = { "kern.maxproc", "kern.nprocs",
	    "vm.stats.vm.v_free_count", "kern.pid_max", "kern.randompid",
	    "debug.kthread_test", "no.such.name", "" };
	cpuset_t set;
	long n, a[6], r;
	uint64_t x = rnd(f);
	int i;

	if (x % 2 == 0)
		n = common[(x >> 8) % (sizeof(common) / sizeof(common[0]))];
	else
		n = (long)((x >> 8) % NSYSNUM);
	if (only >= 0)
		n = only;
	/* Ending oneself is allowed, but not too often. */
	if ((n == SYS_exit || n == SYS_lwp_exit || n == SYS_execv || n == SYS_sigreturn) &&
	    (x >> 40) % 4 != 0)
		n = SYS_getpid;
	for (i = 0; i < 6; i++)
		a[i] = rarg(f);
	sh->calls++;
	if (f->slot >= 0)
		sh->slot_calls[f->slot]++;

	switch (n) {
	case SYS_vfork:
		fflush(stdout);
		if ((r = vfork()) == 0) {
			if (x & (1ul << 50))
				execv("true", NULL);
			_exit(0);
		}
		return;
	case SYS_rfork:
		a[0] = rflags(f) & ~rfmask;
		if ((a[0] & (RFPROC | RFMEM)) == (RFPROC | RFMEM)) {
			void *stk = mmap(NULL, 16 * PGSZ, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANON, -1, 0);

			if (stk != MAP_FAILED)
				rfork_thread((int)a[0], (char *)stk + 16 * PGSZ,
				    rfmem_child, f);
			return;
		}
		break;
	case SYS_lwp_create:
		if (x & (1ul << 51)) {
			struct lwp_params lp;
			void *stk = mmap(NULL, 4 * PGSZ, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANON, -1, 0);

			if (stk == MAP_FAILED)
				return;
			lp.lwp_func = thread_exit;
			lp.lwp_arg = NULL;
			lp.lwp_stack = (char *)stk + 4 * PGSZ;
			lp.lwp_tid1 = (x & (1ul << 52)) ? (int32_t *)(uintptr_t)a[1] : NULL;
			lp.lwp_tid2 = (x & (1ul << 53)) ? (int32_t *)(uintptr_t)a[2] : NULL;
			lwp_create(&lp);
			return;
		}
		break;
	case SYS_sysctlbyname:
		if (x & (1ul << 52))
			a[0] = (long)(uintptr_t)names[(x >> 53) % 8];
		break;
	case SYS_execv:
		if (x & (1ul << 52))
			a[0] = (long)(uintptr_t)"true";
		break;
	case SYS_kevent:
		/* A NULL timeout waits for ever: usually give one. */
		if (x & (1ul << 52)) {
			static const struct timespec ts = { 0, 1000000 };

			a[5] = (long)(uintptr_t)&ts;
		}
		break;
	case SYS_mmap:
		if (x & (1ul << 52)) {		/* plausible flags, random rest */
			a[2] = (long)((x >> 53) & 7);
			a[3] = (long)(MAP_ANON | ((x & (1ul << 56)) ? MAP_SHARED :
			    MAP_PRIVATE) | ((x & (1ul << 57)) ? MAP_FIXED : 0));
			a[4] = -1;
			a[5] = 0;
		}
		break;
	case SYS_mprotect:
	case SYS_minherit:
		if (x & (1ul << 52)) {		/* pages of scratch (its hole too), plausible values */
			a[0] = (long)scratch + (long)(((x >> 53) % 4) * PGSZ);
			a[1] = (long)(((x >> 55) % 4) * PGSZ);
			a[2] = (long)((x >> 57) % (n == SYS_mprotect ? 8 : 5));
		}
		break;
	case SYS_cpuset_setaffinity:
	case SYS_cpuset_getaffinity:
		if ((x >> 52) % 4 != 0)		/* else all six are random */
			cpuset_args(f, a, &set);
		break;
	}
	r = sysc(n, a[0], a[1], a[2], a[3], a[4], a[5]);
	if ((n == SYS_fork || n == SYS_rfork) && r == 0 &&
	    sysc(SYS_getpid, 0, 0, 0, 0, 0, 0) != f->pid)
		child(f);
}

static void
fuzz(struct fz *f)
{
	while (sh->calls < sh->limit && f->budget != 0) {
		one_call(f);
		if (f->budget > 0)
			f->budget--;
	}
}

/* Fault in the stack the parent will use, so that it is not counted as lost. */
static void __attribute__((noinline))
warm_stack(void)
{
	volatile char pad[32768];

	memset((char *)pad, 0, sizeof(pad));
}

static pid_t
spawn(uint64_t master, int slot, int gen)
{
	struct fz f;
	pid_t pid;
	int fd;

	fflush(stdout);
	if ((pid = fork()) != 0)
		return (pid);
	setsid();
	if (setuid(FUZZ_UID) != 0)
		_exit(99);		/* never fuzz as root */
	for (fd = 0; fd < 3; fd++)
		close(fd);
	f.s = seed_of(master, slot, gen);
	f.budget = -1;
	f.slot = slot;
	f.depth = 0;
	f.pid = getpid();
	fuzz(&f);
	_exit(0);
}

/* Kill every process of the fuzzers' uid, from a child of that uid. */
static void
kill_fuzzers(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		if (setuid(FUZZ_UID) == 0)
			kill(-1, SIGKILL);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
}

static void
reap(pid_t *slots, int nprocs)
{
	int status, i;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (i = 0; i < nprocs; i++)
			if (slots[i] == pid)
				slots[i] = 0;
}

int
main(int argc, char **argv)
{
	long iterations = 20000, last_calls[MAXPROCS];
	uint64_t seed = 0x5eed2024, t0, stall[MAXPROCS], deadline;
	int nprocs = 8, gens[MAXPROCS], base_free, base_procs, i, fr, np;
	int respawns = 0, stalled = 0;
	long time_limit = 0;
	pid_t slots[MAXPROCS];
	bool stopped;

	for (i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--iterations") == 0)
			iterations = strtol(argv[++i], NULL, 0);
		else if (i + 1 < argc && strcmp(argv[i], "--seed") == 0)
			seed = (uint64_t)strtol(argv[++i], NULL, 0);
		else if (i + 1 < argc && strcmp(argv[i], "--procs") == 0)
			nprocs = atoi(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--only") == 0)
			only = strtol(argv[++i], NULL, 0);
		else if (i + 1 < argc && strcmp(argv[i], "--rfmask") == 0)
			rfmask = strtol(argv[++i], NULL, 0);
		else if (i + 1 < argc && strcmp(argv[i], "--time") == 0)
			time_limit = strtol(argv[++i], NULL, 0);
	}
	if (nprocs < 1 || nprocs > MAXPROCS)
		nprocs = 8;
	if (time_limit <= 0)	/* generous: about 100 calls a second at worst */
		time_limit = 60 + iterations / 100;
	printf("# seed %lu\n", (unsigned long)seed);
	printf("# fuzz: %ld calls from %d processes, at most %ld s\n",
	    iterations, nprocs, time_limit);
	fflush(stdout);

	sh = mmap(NULL, PGSZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0);
	scratch = mmap(NULL, 4 * PGSZ, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANON, -1, 0);
	if (sh == MAP_FAILED || scratch == MAP_FAILED) {
		ok(0, "the fuzzer set up its shared page and scratch buffer");
		return (done());
	}
	memset(scratch, 0, 3 * PGSZ);
	munmap(scratch + 3 * PGSZ, PGSZ);
	mprotect(scratch + 2 * PGSZ, PGSZ, PROT_READ);
	sh->limit = iterations;
	if ((ncpu = sget("kern.smp.cpus")) < 1)
		ncpu = 1;
	warm_stack();
	kill_fuzzers();			/* warms the fork path; kills nothing */
	reap(slots, 0);
	nap(1);
	base_free = unleaked_pages();
	base_procs = sget("kern.nprocs");
	diag("baseline: %d free pages, %d processes", base_free, base_procs);

	t0 = now_ms();
	deadline = t0 + (uint64_t)time_limit * 1000;
	for (i = 0; i < nprocs; i++) {
		gens[i] = 0;
		slots[i] = spawn(seed, i, 0);
		last_calls[i] = 0;
		stall[i] = t0;
	}
	/* Keep nprocs fuzzers going until the calls are made. */
	while (sh->calls < iterations && now_ms() < deadline) {
		uint64_t t = now_ms();

		nap(20);
		reap(slots, nprocs);
		for (i = 0; i < nprocs; i++) {
			if (slots[i] > 0 && sh->slot_calls[i] != last_calls[i]) {
				last_calls[i] = sh->slot_calls[i];
				stall[i] = t;
			} else if (slots[i] > 0 && t - stall[i] > 1000) {
				kill(slots[i], SIGKILL);	/* blocked: make room */
				stalled++;
				stall[i] = t;
			}
			if (slots[i] <= 0 && sh->calls < iterations) {
				slots[i] = spawn(seed, i, ++gens[i]);
				stall[i] = t;
				respawns++;
			}
		}
	}
	stopped = sh->calls >= iterations;
	sh->limit = 0;			/* every fuzzer stops at its next call */
	diag("%ld calls in %lu ms; %d respawns, %d stalled fuzzers killed, "
	    "%ld fuzzer children fuzzed", sh->calls, (unsigned long)(now_ms() - t0),
	    respawns, stalled, sh->forks);

	/* Everything of uid 1000 goes; init reaps the orphans. */
	deadline = now_ms() + 30000;
	for (i = 0; ; i++) {
		nap(50);
		reap(slots, nprocs);
		np = sget("kern.nprocs");
		if (np == base_procs || now_ms() > deadline)
			break;
		if (i % 4 == 3)
			kill_fuzzers();
	}
	reap(slots, nprocs);
	np = sget("kern.nprocs");
	for (i = 0; i < 20 && (fr = unleaked_pages()) != base_free; i++)
		nap(50);
	ok(stopped, "%ld random system calls from %d processes: the kernel stayed up",
	    iterations, nprocs);
	if (!stopped)
		diag("only %ld calls in %ld s", sh->calls, time_limit);
	ok(fr == base_free, "every page came back");
	if (fr != base_free)
		diag("unleaked pages %d, baseline %d (v_free_count %d, kernel heap "
		    "%d objects in %d pages)", fr, base_free, free_pages(),
		    sget("vm.kmem.objects"), sget("vm.kmem.pages"));
	ok(np == base_procs, "every process slot came back");
	if (np != base_procs)
		diag("kern.nprocs %d, baseline %d", np, base_procs);
	return (done());
}
