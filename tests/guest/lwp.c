/*
 * Lightweight processes: lwp_create, tids, preemption, fork, exit and
 * exec from a process with several lwps, bad parameters.
 */
#include "tap.h"

#define NLWP		16
#define NINCR		2000
#define STACK_SIZE	(64 * 1024)

static volatile long counters[NLWP];
static volatile int done_count;
static volatile lwpid_t seen_tid[NLWP];
static lwpid_t tid1[NLWP], tid2[NLWP];

static void *
new_stack(void)
{
	char *s = malloc(STACK_SIZE);

	return (s == NULL ? NULL : s + STACK_SIZE);
}

static int
spawn(void (*fn)(void *), void *arg, lwpid_t *t1, lwpid_t *t2)
{
	struct lwp_params p = {
		.lwp_func = fn, .lwp_arg = arg, .lwp_stack = new_stack(),
		.lwp_tid1 = t1, .lwp_tid2 = t2,
	};

	return (lwp_create(&p));
}

static void
counter_lwp(void *arg)
{
	int i = (int)(intptr_t)arg;

	seen_tid[i] = lwp_gettid();
	for (int n = 0; n < NINCR; n++) {
		counters[i]++;
		if (n % 256 == 0)
			sched_yield();
	}
	__atomic_fetch_add(&done_count, 1, __ATOMIC_SEQ_CST);
	/* Returning ends the lwp (the C library's trampoline calls lwp_exit). */
}

static volatile long spin_a, spin_b;
static volatile int stop_spin;
static lwpid_t spin_tid;

static void
spinner(void *arg)
{
	volatile long *c = arg;

	while (!stop_spin)
		(*c)++;
}

static void
spin_forever(void *arg __attribute__((unused)))
{
	for (;;)
		;
}

static void
exit_five(void *arg __attribute__((unused)))
{
	exit(5);
}

static int
run_in_child(void (*body)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		body();
		_exit(99);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return (-1);
	return (status);
}

static void
child_thread_exits(void)
{
	spawn(exit_five, NULL, NULL, NULL);
	for (;;)
		sched_yield();
}

static volatile int second_ran;

static void
second_then_exit(void *arg __attribute__((unused)))
{
	second_ran = 1;
	for (int i = 0; i < 10; i++)
		sched_yield();
	lwp_exit();
}

static void
child_main_lwp_exits(void)
{
	spawn(second_then_exit, NULL, NULL, NULL);
	lwp_exit();
}

static volatile int fork_result = -1;

static void
forking_lwp(void *arg __attribute__((unused)))
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		long before = spin_a;

		/* Only this lwp was copied: the spinner does not run here. */
		for (int i = 0; i < 20; i++)
			sched_yield();
		_exit(spin_a == before && lwp_gettid() == 0 ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	fork_result = pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 2;
	lwp_exit();
}

static void
child_exec_with_lwps(void)
{
	char *argv[] = { "lwp", "exec-child", NULL };

	spawn(spin_forever, NULL, NULL, NULL);
	spawn(spin_forever, NULL, NULL, NULL);
	sched_yield();
	execv("lwp", argv);
	_exit(98);
}

/*
 * lwp_create: tids, shared memory, preemption, fork and exit and exec with
 * lwps.
 */
static int
lwps(void)
{
	bool all_counted = true, tids_ok = true;
	int status = -1;

	ok(lwp_gettid() == 0, "a process's first lwp has tid 0 (DragonFly)");

	for (int i = 0; i < NLWP; i++)
		if (spawn(counter_lwp, (void *)(intptr_t)i, &tid1[i], &tid2[i]) != 0)
			tids_ok = false;
	ok(tids_ok, "16 lwp_create calls succeed");
	while (done_count < NLWP)
		sched_yield();
	for (int i = 0; i < NLWP; i++)
		if (counters[i] != NINCR)
			all_counted = false;
	ok(all_counted, "16 lwps each count to %d in shared memory", NINCR);
	for (int i = 0; i < NLWP; i++) {
		if (tid1[i] != tid2[i] || tid1[i] != seen_tid[i] || tid1[i] <= 0)
			tids_ok = false;
		for (int j = 0; j < i; j++)
			if (tid1[i] == tid1[j])
				tids_ok = false;
	}
	ok(tids_ok, "tids are distinct, copied out to tid1 and tid2, and match lwp_gettid");
	ok(tid1[0] == 1 && tid1[NLWP - 1] == NLWP, "tids follow p_lasttid + 1 (1..%d)", NLWP);

	spawn(spinner, (void *)&spin_a, NULL, NULL);
	spawn(spinner, (void *)&spin_b, NULL, NULL);
	for (volatile long i = 0; spin_a == 0 || spin_b == 0; i++)
		;
	ok(spin_a > 0 && spin_b > 0, "lwps that never yield are preempted by the timer");
	stop_spin = 1;

	spawn(forking_lwp, NULL, NULL, NULL);
	while (fork_result == -1)
		sched_yield();
	ok(fork_result == 0, "fork from an lwp gives a child with one lwp, tid 0 (%d)",
	    fork_result);

	status = run_in_child(child_thread_exits);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 5,
	    "exit from one lwp ends the whole process (status %#x)", status);
	status = run_in_child(child_main_lwp_exits);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "when the last lwp calls lwp_exit the process exits with 0 (status %#x)", status);
	status = run_in_child(child_exec_with_lwps);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 33,
	    "execv from a process with three lwps ends the others first (status %#x)", status);
	return (0);
}

/* rfork without RFPROC in a process with several lwps is EINVAL. */
static int
rfork_several_lwps(void)
{
	stop_spin = 0;
	spin_a = 0;
	spawn(spinner, (void *)&spin_a, &spin_tid, NULL);
	while (spin_a == 0)
		sched_yield();
	errno = 0;
	ok(rfork(RFFDG) == -1 && errno == EINVAL,
	    "rfork without RFPROC in a process with several lwps is EINVAL");
	stop_spin = 1;
	/*
	 * Every lwp but this one gone before pages are counted: out of the
	 * tree, then off its CPU, whose next switch frees its stack (another
	 * CPU's, perhaps, so give it a moment).
	 */
	while (lwp_kill(getpid(), spin_tid, 0) == 0)
		sched_yield();
	nap(20);
	return (0);
}

/*
 * lwp_create with bad parameters fails and leaks nothing; lwp_kill errors.
 */
static int
bad_params(void)
{
	struct lwp_params bad;
	int before, after, rc;
	void *stack;

	/* the stack the bad calls use exists, touched, before counting pages. */
	stack = new_stack();
	memset((char *)stack - 4096, 0, 4096);
	before = settled_unleaked();
	errno = 0;
	ok(lwp_create(NULL) == -1 && errno == EFAULT, "lwp_create(NULL) is EFAULT");
	errno = 0;
	ok(lwp_create((void *)0xffffffff80000000ul) == -1 && errno == EFAULT,
	    "lwp_create with kernel-address parameters is EFAULT");
	bad = (struct lwp_params){ counter_lwp, NULL, NULL, NULL, NULL };
	errno = 0;
	ok(lwp_create(&bad) == -1 && errno == EINVAL, "a NULL stack is EINVAL");
	bad.lwp_stack = (void *)0x3000000000ul;
	errno = 0;
	ok(lwp_create(&bad) == -1 && errno == EFAULT, "an unmapped stack is EFAULT");
	bad.lwp_stack = stack;
	bad.lwp_tid1 = (void *)0x10;
	errno = 0;
	rc = lwp_create(&bad);
	ok(rc == -1 && errno == EFAULT, "a bad tid1 pointer is EFAULT");
	bad.lwp_tid1 = NULL;
	bad.lwp_tid2 = (void *)0xffffffff80000000ul;
	errno = 0;
	rc = lwp_create(&bad);
	ok(rc == -1 && errno == EFAULT, "a bad tid2 pointer is EFAULT");
	/* Settled: a failed lwp_create's lwp may be given back a little later. */
	after = settled_unleaked();
	ok(after == before, "failed lwp_create calls leak no page (%d -> %d)", before, after);
	errno = 0;
	ok(lwp_kill(getpid(), 12345, 0) == -1 && errno == ESRCH, "lwp_kill of a missing tid is ESRCH");
	ok(lwp_kill(getpid(), lwp_gettid(), 0) == 0, "lwp_kill(pid, own tid, 0) probes");
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(lwps, "lwp_create: tids, shared memory, preemption, fork and exit and exec with lwps"),
	TAP_CASE(rfork_several_lwps, "rfork without RFPROC in a process with several lwps is EINVAL"),
	TAP_CASE(bad_params, "lwp_create with bad parameters fails and leaks nothing; lwp_kill errors"),
};

int
main(int argc, char **argv)
{
	/* child_exec_with_lwps execs us again: report the tid we start with. */
	if (argc == 2 && strcmp(argv[1], "exec-child") == 0)
		_exit(lwp_gettid() == 0 ? 33 : 34);
	return (RUN_CASES(cases, argc, argv));
}
