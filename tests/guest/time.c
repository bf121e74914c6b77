/*
 * The time suite: clocks, CPU-time accounting (getrusage, times, wait4's
 * usage, the CPU-time clocks), interval timers and alarm, nanosleep.
 *
 * Timing under QEMU TCG on a loaded host is loose: a vCPU can stall for
 * tens of milliseconds.  So the cases assert orderings and generous
 * bounds (a sleep never ends early, CPU time grows with a busy loop and
 * not with a sleep), never tight figures; busy loops run until the CPU
 * time they need has been used, not for a count of iterations.
 */
#include "tap.h"

#define MS	1000000ull	/* ns */

/* The lead's signal handlers: absent (NULL) until libc has sigaction. */
extern int sigaction(int sig, const struct sigaction *act, struct sigaction *oact)
    __attribute__((weak));

static volatile unsigned long sink;

static uint64_t
clk(clockid_t c)
{
	struct timespec ts;

	if (clock_gettime(c, &ts) != 0)
		return (0);
	return ((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
}

static uint64_t
tv_ns(const struct timeval *tv)
{
	return ((uint64_t)tv->tv_sec * 1000000000ull + (uint64_t)tv->tv_usec * 1000u);
}

static uint64_t
ru_total(const struct rusage *ru)
{
	return (tv_ns(&ru->ru_utime) + tv_ns(&ru->ru_stime));
}

static bool
itv_zero(const struct timeval *tv)
{
	return (tv->tv_sec == 0 && tv->tv_usec == 0);
}

/* This lwp's user time so far. */
static uint64_t
utime_ns(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru) != 0)
		return (0);
	return (tv_ns(&ru.ru_utime));
}

/*
 * Spin in user mode until this lwp has used ms more of user time, hence
 * at least as much CPU time.  Counting user time, not the thread's CPU
 * clock, keeps "a busy child's user time" true on a loaded host, where a
 * guest CPU waiting in the kernel for a descheduled one (a cross-call)
 * turns wall time into system time: the fresh-clone CI of the header
 * split saw a 200 ms busy child with under 100 ms of it in user mode at
 * 4 CPUs while five builds shared the two host cores.
 */
static void
burn_user(unsigned ms)
{
	uint64_t end = utime_ns() + ms * MS;

	do {
		for (unsigned long i = 0; i < 20000; i++)
			sink += i ^ (sink >> 3);
	} while (utime_ns() < end);
}

/* System calls that do real work in the kernel (pipe copies) for ms of CPU time. */
static void
burn_sys(unsigned ms)
{
	static char buf[4096];
	uint64_t end = clk(CLOCK_THREAD_CPUTIME_ID) + ms * MS;
	int fds[2];

	if (pipe(fds) != 0)
		return;
	do {
		for (int i = 0; i < 8; i++) {
			write(fds[1], buf, sizeof(buf));
			read(fds[0], buf, sizeof(buf));
		}
	} while (clk(CLOCK_THREAD_CPUTIME_ID) < end);
	close(fds[0]);
	close(fds[1]);
}

static bool
ts_sleep(time_t sec, long nsec)
{
	struct timespec ts = { sec, nsec };

	return (nanosleep(&ts, NULL) == 0);
}

static int
test_clocks(void)
{
	uint64_t m0, m1, r0, r1, prev, cur;
	struct timeval tv;
	bool mono = true;

	prev = clk(CLOCK_MONOTONIC);
	for (int i = 0; i < 2000; i++) {
		cur = clk(CLOCK_MONOTONIC);
		if (cur < prev)
			mono = false;
		prev = cur;
	}
	ok(mono, "CLOCK_MONOTONIC never goes back over 2000 reads");
	m0 = clk(CLOCK_MONOTONIC);
	r0 = clk(CLOCK_REALTIME);
	ts_sleep(0, 50 * MS);
	m1 = clk(CLOCK_MONOTONIC);
	r1 = clk(CLOCK_REALTIME);
	ok(m1 >= m0 + 50 * MS && r1 >= r0 + 50 * MS,
	    "CLOCK_MONOTONIC and CLOCK_REALTIME both advance across a 50 ms sleep");
	/* Nothing steps the real-time clock: the two keep their distance. */
	ok((r1 - m1) - (r0 - m0) + 5 * MS <= 10 * MS,
	    "CLOCK_REALTIME - CLOCK_MONOTONIC stays constant (to 5 ms)");
	diag("CLOCK_REALTIME: %lu s since the epoch (the uptime, without an RTC)",
	    (unsigned long)(r1 / 1000000000ull));
	ok(gettimeofday(&tv, NULL) == 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000 &&
	    (uint64_t)tv.tv_sec >= r1 / 1000000000ull,
	    "gettimeofday reads CLOCK_REALTIME as a timeval");
	return (0);
}

/*
 * clock_getres: every clock reads one counter, so one resolution, at
 * least 1 ns and well under a tick; NULL asks only whether the clock
 * exists; two readings of CLOCK_MONOTONIC never differ by less than it
 * (unless not at all).
 */
static int
test_clock_getres(void)
{
	static const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC,
	    CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID };
	struct timespec res, r0, a, b;
	bool same = true;
	long step;

	ok(clock_getres(CLOCK_MONOTONIC, &r0) == 0 && r0.tv_sec == 0 && r0.tv_nsec >= 1 &&
	    r0.tv_nsec < 1000000, "CLOCK_MONOTONIC's resolution is 1 ns to 1 ms (%ld ns)",
	    r0.tv_nsec);
	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++)
		same &= clock_getres(clocks[i], &res) == 0 && res.tv_sec == r0.tv_sec &&
		    res.tv_nsec == r0.tv_nsec;
	ok(same, "the four clocks have one resolution");
	ok(clock_getres(CLOCK_REALTIME, NULL) == 0, "a NULL res only asks whether the clock exists");
	do {
		clock_gettime(CLOCK_MONOTONIC, &a);
		clock_gettime(CLOCK_MONOTONIC, &b);
		step = (b.tv_sec - a.tv_sec) * 1000000000l + (b.tv_nsec - a.tv_nsec);
	} while (step == 0);
	ok(step >= r0.tv_nsec, "CLOCK_MONOTONIC moves by at least its resolution (%ld ns)", step);
	errno = 0;
	ok(clock_getres(99, &res) == -1 && errno == EINVAL, "clock_getres of an unknown clock is EINVAL");
	errno = 0;
	ok(clock_getres(99, NULL) == -1 && errno == EINVAL, "even with a NULL res");
	errno = 0;
	ok(clock_getres(CLOCK_MONOTONIC, (struct timespec *)8) == -1 && errno == EFAULT,
	    "clock_getres to a bad pointer is EFAULT");
	return (0);
}

static int
test_clock_errors(void)
{
	struct timespec ts;

	errno = 0;
	ok(clock_gettime(99, &ts) == -1 && errno == EINVAL,
	    "clock_gettime of an unknown clock is EINVAL");
	errno = 0;
	ok(clock_gettime(-1, &ts) == -1 && errno == EINVAL,
	    "clock_gettime of clock -1 is EINVAL");
	errno = 0;
	ok(clock_gettime(CLOCK_MONOTONIC, (struct timespec *)8) == -1 &&
	    errno == EFAULT, "clock_gettime to a bad pointer is EFAULT");
	errno = 0;
	ok(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, (struct timespec *)8) == -1 &&
	    errno == EFAULT, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) to a bad pointer is EFAULT");
	return (0);
}

static int
test_cpu_clocks(void)
{
	uint64_t t0, p0, w0, t1, p1, w1;

	/*
	 * The wall interval encloses the CPU-time one: a host that stalls
	 * this vCPU between two reads charges the stall to the CPU clock too.
	 */
	w0 = clk(CLOCK_MONOTONIC);
	t0 = clk(CLOCK_THREAD_CPUTIME_ID);
	p0 = clk(CLOCK_PROCESS_CPUTIME_ID);
	burn_user(200);
	t1 = clk(CLOCK_THREAD_CPUTIME_ID);
	p1 = clk(CLOCK_PROCESS_CPUTIME_ID);
	w1 = clk(CLOCK_MONOTONIC);
	diag("busy 200 ms: thread %lu ms, process %lu ms, wall %lu ms",
	    (unsigned long)((t1 - t0) / MS), (unsigned long)((p1 - p0) / MS),
	    (unsigned long)((w1 - w0) / MS));
	ok(t1 - t0 >= 200 * MS && p1 - p0 >= 200 * MS,
	    "the thread and process CPU-time clocks grow with a busy loop");
	ok(t1 - t0 <= w1 - w0 + MS,
	    "one lwp's CPU time does not outrun the wall clock");
	t0 = clk(CLOCK_THREAD_CPUTIME_ID);
	p0 = clk(CLOCK_PROCESS_CPUTIME_ID);
	ts_sleep(0, 300 * MS);
	t1 = clk(CLOCK_THREAD_CPUTIME_ID);
	p1 = clk(CLOCK_PROCESS_CPUTIME_ID);
	diag("asleep 300 ms: thread %lu us, process %lu us",
	    (unsigned long)((t1 - t0) / 1000), (unsigned long)((p1 - p0) / 1000));
	ok(t1 - t0 < 60 * MS && p1 - p0 < 60 * MS,
	    "the CPU-time clocks hardly move during a 300 ms sleep");
	return (0);
}

static int
test_rusage_split(void)
{
	uint64_t du1, ds1, du2, ds2;
	struct rusage a, b, t;
	long nivcsw;

	getrusage(RUSAGE_SELF, &a);
	burn_user(300);
	getrusage(RUSAGE_SELF, &b);
	du1 = tv_ns(&b.ru_utime) - tv_ns(&a.ru_utime);
	ds1 = tv_ns(&b.ru_stime) - tv_ns(&a.ru_stime);
	nivcsw = b.ru_nivcsw - a.ru_nivcsw;
	getrusage(RUSAGE_SELF, &a);
	burn_sys(300);
	getrusage(RUSAGE_SELF, &b);
	du2 = tv_ns(&b.ru_utime) - tv_ns(&a.ru_utime);
	ds2 = tv_ns(&b.ru_stime) - tv_ns(&a.ru_stime);
	diag("user loop: utime +%lu ms, stime +%lu ms, %ld preemptions",
	    (unsigned long)(du1 / MS), (unsigned long)(ds1 / MS), nivcsw);
	diag("syscall loop: utime +%lu ms, stime +%lu ms",
	    (unsigned long)(du2 / MS), (unsigned long)(ds2 / MS));
	/*
	 * Loose on purpose: with more vCPUs than host cores, a preempted lwp
	 * can wait in the kernel for a vCPU the host has descheduled (a
	 * run-queue lock, an IPI), and that is system time; up to half of a
	 * user loop has been seen so, on x86_64 at 4 CPUs on a loaded host.
	 */
	ok(du1 >= 60 * MS, "ru_utime grows with a user busy loop");
	ok(ds2 >= 30 * MS, "ru_stime grows with a loop of system calls");
	ok(ds2 * (du1 + ds1) > ds1 * (du2 + ds2),
	    "system time is a larger share of a syscall loop than of a user loop");
	ok(b.ru_nvcsw >= a.ru_nvcsw && b.ru_minflt >= a.ru_minflt,
	    "the switch and fault counts never go back");
	ok(getrusage(RUSAGE_THREAD, &t) == 0 && getrusage(RUSAGE_SELF, &b) == 0 &&
	    ru_total(&t) <= ru_total(&b) && ru_total(&t) > 0,
	    "RUSAGE_THREAD reports the calling lwp, within RUSAGE_SELF");
	return (0);
}

/* A page a fresh child touches: minflt counts each first touch. */
static int
child_faults(void)
{
	struct rusage a, b;
	char *m = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE,
	    MAP_ANON | MAP_PRIVATE, -1, 0);

	if (m == MAP_FAILED)
		return (2);
	getrusage(RUSAGE_SELF, &a);
	for (int i = 0; i < 64; i++)
		m[i * 4096] = 1;
	getrusage(RUSAGE_SELF, &b);
	return (b.ru_minflt - a.ru_minflt >= 64 ? 0 : 1);
}

static int
test_minflt_and_switches(void)
{
	struct rusage a, b;
	int status = run_child(child_faults);

	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "ru_minflt counts the first touch of each of 64 new pages");
	getrusage(RUSAGE_SELF, &a);
	for (int i = 0; i < 5; i++)
		ts_sleep(0, 10 * MS);
	getrusage(RUSAGE_SELF, &b);
	ok(b.ru_nvcsw - a.ru_nvcsw >= 5, "each sleep counts a voluntary switch (ru_nvcsw)");
	return (0);
}

static int
test_rusage_errors(void)
{
	struct rusage ru;

	errno = 0;
	ok(getrusage(5, &ru) == -1 && errno == EINVAL, "getrusage of who 5 is EINVAL");
	errno = 0;
	ok(getrusage(RUSAGE_SELF, (struct rusage *)8) == -1 && errno == EFAULT,
	    "getrusage to a bad pointer is EFAULT");
	return (0);
}

/* The child: busy for 200 ms of its own CPU time, then it exits. */
static int
child_busy(void)
{
	burn_user(200);
	return (0);
}

/* A child that reaps a busy grandchild and exits at once. */
static int
child_with_busy_grandchild(void)
{
	return (run_child(child_busy) == -1);
}

/* In a fresh child: nothing reaped yet, so RUSAGE_CHILDREN starts at zero. */
static int
children_case(void)
{
	struct rusage c0, c1, w;
	int status, bad = 0;
	pid_t pid;

	getrusage(RUSAGE_CHILDREN, &c0);
	if (ru_total(&c0) != 0)
		bad |= 1;
	run_child(child_busy);
	getrusage(RUSAGE_CHILDREN, &c1);
	if (ru_total(&c1) < 200 * MS || tv_ns(&c1.ru_utime) < 100 * MS)
		bad |= 2;
	/* wait4 gives the child's own usage; RUSAGE_CHILDREN takes its children's too. */
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(child_with_busy_grandchild());
	memset(&w, 0xff, sizeof(w));
	if (wait4(pid, &status, 0, &w) != pid || !WIFEXITED(status))
		bad |= 4;
	if (ru_total(&w) >= 150 * MS || w.ru_utime.tv_usec < 0)
		bad |= 8;
	getrusage(RUSAGE_CHILDREN, &c0);
	if (ru_total(&c0) < ru_total(&c1) + 200 * MS)
		bad |= 16;
	return (bad);
}

static int
test_children(void)
{
	struct rusage w;
	int status;
	pid_t pid;

	status = run_child(children_case);
	ok(WIFEXITED(status) && (WEXITSTATUS(status) & 3) == 0,
	    "RUSAGE_CHILDREN starts at 0 and takes a reaped busy child's 200 ms");
	ok(WIFEXITED(status) && (WEXITSTATUS(status) & 28) == 0,
	    "wait4's usage is the child's own; RUSAGE_CHILDREN adds its reaped children's");
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(child_busy());
	memset(&w, 0, sizeof(w));
	ok(wait4(pid, &status, 0, &w) == pid && ru_total(&w) >= 200 * MS &&
	    tv_ns(&w.ru_utime) >= 100 * MS,
	    "wait4 returns a busy child's usage (200 ms of CPU)");
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(0);
	ok(wait3(&status, 0, NULL) == pid, "wait3 with a NULL usage reaps the child");
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(0);
	errno = 0;
	ok(wait4(pid, &status, 0, (struct rusage *)8) == -1 && errno == EFAULT,
	    "wait4 with a bad usage pointer is EFAULT");
	waitpid(pid, &status, WNOHANG);
	return (0);
}

/* In the child of a busy process with three timers armed. */
static int
fork_child_check(void)
{
	struct itimerval r, v, p;
	struct rusage self, ch;
	int bad = 0;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &ch);
	if (ru_total(&self) >= 50 * MS || ru_total(&ch) != 0)
		bad |= 1;
	if (clk(CLOCK_PROCESS_CPUTIME_ID) >= 50 * MS ||
	    clk(CLOCK_THREAD_CPUTIME_ID) >= 50 * MS)
		bad |= 2;
	getitimer(ITIMER_REAL, &r);
	getitimer(ITIMER_VIRTUAL, &v);
	getitimer(ITIMER_PROF, &p);
	if (!itv_zero(&r.it_value) || !itv_zero(&r.it_interval) ||
	    !itv_zero(&v.it_value) || !itv_zero(&v.it_interval) ||
	    !itv_zero(&p.it_value) || !itv_zero(&p.it_interval))
		bad |= 4;
	return (bad);
}

/* A process with CPU time, a reaped child and three timers armed forks. */
static int
fork_child_case(void)
{
	struct itimerval big = { { 1, 0 }, { 100, 0 } };
	struct itimerval none = { { 0, 0 }, { 0, 0 } };
	int status;

	burn_user(100);
	run_child(child_busy);
	setitimer(ITIMER_REAL, &big, NULL);
	setitimer(ITIMER_VIRTUAL, &big, NULL);
	setitimer(ITIMER_PROF, &big, NULL);
	status = run_child(fork_child_check);
	setitimer(ITIMER_REAL, &none, NULL);
	return (WIFEXITED(status) ? WEXITSTATUS(status) : 8);
}

static int
test_fork_child(void)
{
	int status = run_child(fork_child_case);

	ok(WIFEXITED(status) && (WEXITSTATUS(status) & 1) == 0,
	    "a fork child's usage and its children's start at zero");
	ok(WIFEXITED(status) && (WEXITSTATUS(status) & 2) == 0,
	    "a fork child's CPU-time clocks start at zero");
	ok(WIFEXITED(status) && (WEXITSTATUS(status) & 4) == 0,
	    "a fork child has none of its parent's interval timers");
	return (0);
}

/*
 * The same, as seen from outside: the fork child of a process with an
 * alarm pending reports through a pipe after the alarm has fired.
 */
static int
test_fork_child_survives(void)
{
	int fds[2], status;
	char c = 0;
	pid_t pid;

	pipe(fds);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		alarm(1);
		fflush(stdout);
		if (fork() == 0) {
			struct itimerval r;

			getitimer(ITIMER_REAL, &r);
			ts_sleep(1, 500 * MS);
			c = r.it_value.tv_sec == 0 && r.it_value.tv_usec == 0 ? 'y' : 'n';
			write(fds[1], &c, 1);
			_exit(0);
		}
		ts_sleep(10, 0);
		_exit(0);
	}
	close(fds[1]);
	ok(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	    WTERMSIG(status) == SIGALRM, "alarm(1) ends a sleeping process with SIGALRM");
	ok(read(fds[0], &c, 1) == 1 && c == 'y',
	    "its fork child had no alarm and outlived it");
	close(fds[0]);
	return (0);
}

static int
test_alarm(void)
{
	uint64_t t0 = clk(CLOCK_MONOTONIC), dt;
	int status;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		alarm(1);
		burn_user(20000);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	dt = clk(CLOCK_MONOTONIC) - t0;
	diag("alarm(1) fired after %lu ms", (unsigned long)(dt / MS));
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM && dt >= 1000 * MS &&
	    dt < 15000 * MS, "alarm(1) ends a busy process with SIGALRM, not before 1 s");
	ok(alarm(0) == 0, "alarm(0) with none pending returns 0");
	alarm(5);
	ok(alarm(0) == 5, "alarm(0) returns the seconds left of the last alarm, rounded up");
	return (0);
}

static int
test_itimer_values(void)
{
	struct itimerval it = { { 2, 500000 }, { 10, 0 } }, old, cur;
	struct itimerval bad;

	ok(setitimer(ITIMER_REAL, &it, &old) == 0 && itv_zero(&old.it_value),
	    "setitimer arms ITIMER_REAL; the old value was disarmed");
	ok(getitimer(ITIMER_REAL, &cur) == 0 && cur.it_value.tv_sec <= 10 &&
	    cur.it_value.tv_sec >= 8 && cur.it_interval.tv_sec == 2 &&
	    cur.it_interval.tv_usec == 500000,
	    "getitimer reads the time left (under 10 s) and the interval");
	it.it_value.tv_sec = 20;
	ok(setitimer(ITIMER_REAL, &it, &old) == 0 && old.it_value.tv_sec <= 10 &&
	    old.it_value.tv_sec >= 8 && old.it_interval.tv_sec == 2,
	    "setitimer returns the previous setting");
	memset(&it, 0, sizeof(it));
	ok(setitimer(ITIMER_REAL, &it, &old) == 0 && old.it_value.tv_sec >= 18 &&
	    getitimer(ITIMER_REAL, &cur) == 0 && itv_zero(&cur.it_value) &&
	    itv_zero(&cur.it_interval), "a zero it_value disarms the timer");

	bad = (struct itimerval){ { 0, 0 }, { 0, 1000000 } };
	errno = 0;
	ok(setitimer(ITIMER_REAL, &bad, NULL) == -1 && errno == EINVAL,
	    "tv_usec 1000000 is EINVAL");
	bad = (struct itimerval){ { 0, -1 }, { 1, 0 } };
	errno = 0;
	ok(setitimer(ITIMER_VIRTUAL, &bad, NULL) == -1 && errno == EINVAL,
	    "a negative interval tv_usec is EINVAL");
	bad = (struct itimerval){ { 0, 0 }, { -1, 0 } };
	errno = 0;
	ok(setitimer(ITIMER_PROF, &bad, NULL) == -1 && errno == EINVAL,
	    "a negative tv_sec is EINVAL");
	errno = 0;
	ok(setitimer(3, &it, NULL) == -1 && errno == EINVAL &&
	    getitimer(-1, &cur) == -1 && errno == EINVAL,
	    "an unknown timer is EINVAL");
	errno = 0;
	ok(setitimer(ITIMER_REAL, (struct itimerval *)8, NULL) == -1 && errno == EFAULT,
	    "setitimer from a bad pointer is EFAULT");
	errno = 0;
	ok(getitimer(ITIMER_REAL, (struct itimerval *)8) == -1 && errno == EFAULT,
	    "getitimer to a bad pointer is EFAULT");
	return (0);
}

/* ITIMER_REAL reloads from it_interval (SIGALRM ignored, so it survives). */
static int
real_interval_case(void)
{
	struct itimerval it = { { 1, 0 }, { 0, 100000 } }, cur;

	signal(SIGALRM, SIG_IGN);
	setitimer(ITIMER_REAL, &it, NULL);
	ts_sleep(0, 400 * MS);
	getitimer(ITIMER_REAL, &cur);
	/* Fired at 100 ms, reloaded with 1 s: between 0 and 0.7 s left now. */
	return (itv_zero(&cur.it_value) || cur.it_value.tv_sec != 0 ||
	    cur.it_value.tv_usec > 700000 ? 1 : 0);
}

/* ITIMER_VIRTUAL or PROF: no charge while asleep, then a busy loop ends us. */
static int
cpu_timer_case(int which)
{
	struct itimerval it = { { 0, 0 }, { 0, 200000 } }, cur;

	setitimer(which, &it, NULL);
	ts_sleep(0, 500 * MS);
	getitimer(which, &cur);
	if (cur.it_value.tv_usec < 100000)
		return (1);
	burn_user(5000);
	return (2);
}

static int virtual_case(void) { return (cpu_timer_case(ITIMER_VIRTUAL)); }
static int prof_case(void) { return (cpu_timer_case(ITIMER_PROF)); }

static int
test_itimer_fire(void)
{
	int status;

	status = run_child(real_interval_case);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "ITIMER_REAL reloads from it_interval when it fires");
	status = run_child(virtual_case);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGVTALRM,
	    "ITIMER_VIRTUAL is not charged during a sleep and fires (SIGVTALRM) in a busy loop");
	status = run_child(prof_case);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGPROF,
	    "ITIMER_PROF is not charged during a sleep and fires (SIGPROF) in a busy loop");
	return (0);
}

static int
test_nanosleep(void)
{
	static const long asks[] = { 0, 1, 15 * (long)MS, 120 * (long)MS };
	struct timespec ts;
	uint64_t t0, dt;
	bool early = false;

	for (unsigned i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		t0 = clk(CLOCK_MONOTONIC);
		if (!ts_sleep(0, asks[i]) || clk(CLOCK_MONOTONIC) - t0 < (uint64_t)asks[i])
			early = true;
	}
	ok(!early, "nanosleep of 0, 1 ns, 15 ms and 120 ms never returns early");
	t0 = clk(CLOCK_MONOTONIC);
	ok(sleep(1) == 0 && clk(CLOCK_MONOTONIC) - t0 >= 1000 * MS,
	    "sleep(1) sleeps at least a second");
	t0 = clk(CLOCK_MONOTONIC);
	ok(usleep(25000) == 0 && clk(CLOCK_MONOTONIC) - t0 >= 25 * MS,
	    "usleep(25000) sleeps at least 25 ms");
	ts = (struct timespec){ 0, 1000000000 };
	errno = 0;
	ok(nanosleep(&ts, NULL) == -1 && errno == EINVAL, "tv_nsec 1e9 is EINVAL");
	ts = (struct timespec){ 0, -1 };
	errno = 0;
	ok(nanosleep(&ts, NULL) == -1 && errno == EINVAL, "a negative tv_nsec is EINVAL");
	ts = (struct timespec){ -1, 0 };
	errno = 0;
	ok(nanosleep(&ts, NULL) == -1 && errno == EINVAL, "a negative tv_sec is EINVAL");
	errno = 0;
	ok(nanosleep((struct timespec *)8, NULL) == -1 && errno == EFAULT,
	    "nanosleep from a bad pointer is EFAULT");
	t0 = clk(CLOCK_MONOTONIC);
	dt = 0;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		ts_sleep(10, 0);
		_exit(0);
	}
	int status;

	ts_sleep(0, 100 * MS);
	kill(pid, SIGALRM);
	waitpid(pid, &status, 0);
	dt = clk(CLOCK_MONOTONIC) - t0;
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM && dt < 8000 * MS,
	    "a signal ends a 10 s nanosleep at once");
	return (0);
}

static volatile int alarms;

static void
on_alarm(int sig __attribute__((unused)))
{
	alarms++;
}

/* With a handler: EINTR and the time left, never restarted (needs sigaction). */
static int
eintr_case(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 200000 } };
	struct timespec req = { 3, 0 }, rem = { -1, -1 };
	struct sigaction sa;
	int r, e;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;	/* nanosleep is not restarted even so */
	if (sigaction(SIGALRM, &sa, NULL) != 0)
		return (77);
	setitimer(ITIMER_REAL, &it, NULL);
	r = nanosleep(&req, &rem);
	e = errno;
	if (r != -1 || e != EINTR || alarms != 1)
		return (1);
	/* About 2.8 s left; generous bounds for a slow machine. */
	return (rem.tv_sec >= 1 && rem.tv_sec <= 2 && rem.tv_nsec >= 0 &&
	    rem.tv_nsec < 1000000000 ? 0 : 2);
}

static int
test_nanosleep_eintr(void)
{
	int status;

	if (sigaction == NULL) {
		ok(1, "nanosleep interrupted by a handled SIGALRM: EINTR with the time left "
		    "# SKIP no sigaction in libc yet");
		return (0);
	}
	status = run_child(eintr_case);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		ok(1, "nanosleep interrupted by a handled SIGALRM # SKIP sigaction failed");
		return (0);
	}
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "nanosleep interrupted by a handled SIGALRM (SA_RESTART): EINTR with the time left");
	return (0);
}

static int
test_times(void)
{
	struct tms a, b;
	clock_t r0, r1;
	pid_t pid;

	/* A child that uses 200 ms, reaped: its time is ours in tms_cutime. */
	if ((pid = xfork()) == 0) {
		burn_user(200);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	r0 = times(&a);
	burn_user(200);
	r1 = times(&b);
	diag("times: real +%d, utime %d -> %d, stime %d -> %d, children %d + %d",
	    (int)(r1 - r0), (int)a.tms_utime, (int)b.tms_utime, (int)a.tms_stime,
	    (int)b.tms_stime, (int)b.tms_cutime, (int)b.tms_cstime);
	ok(r0 != (clock_t)-1 && r1 - r0 >= CLK_TCK / 5 &&
	    b.tms_utime - a.tms_utime > 2 && b.tms_stime >= a.tms_stime,
	    "times() counts real and user time in CLK_TCK units");
	ok(b.tms_cutime + b.tms_cstime >= CLK_TCK / 5,
	    "times() reports the reaped children's time");
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(test_clocks, "clocks"),
	TAP_CASE(test_clock_errors, "clock errors"),
	TAP_CASE(test_clock_getres, "clock_getres"),
	TAP_CASE(test_cpu_clocks, "cpu clocks"),
	TAP_CASE(test_rusage_split, "rusage split"),
	TAP_CASE(test_minflt_and_switches, "minflt and switches"),
	TAP_CASE(test_rusage_errors, "rusage errors"),
	TAP_CASE(test_children, "children"),
	TAP_CASE(test_fork_child, "fork child"),
	TAP_CASE(test_fork_child_survives, "The same, as seen from outside: the fork child of a process with an alarm pending reports through a pipe after the alarm has fired"),
	TAP_CASE(test_alarm, "alarm"),
	TAP_CASE(test_itimer_values, "itimer values"),
	TAP_CASE(test_itimer_fire, "itimer fire"),
	TAP_CASE(test_nanosleep, "nanosleep"),
	TAP_CASE(test_nanosleep_eintr, "nanosleep eintr"),
	TAP_CASE(test_times, "times"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
