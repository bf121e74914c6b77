/*
 * The kqueue suite: EVFILT_PROC with NOTE_EXIT and NOTE_FORK, the change
 * flags, timeouts and the error cases.
 */
#include "tap.h"

static const struct timespec zero = { 0, 0 };

/*
 * A child that waits for a byte on a pipe, then exits with `code`; the
 * parent keeps the write end in *gate.  The child cannot exit before the
 * parent says so, which makes registering on it race-free.
 */
static pid_t
gated_child(int code, int *gate)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p) != 0)
		return (-1);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		close(p[1]);
		read(p[0], &c, 1);
		_exit(code);
	}
	close(p[0]);
	*gate = p[1];
	return (pid);
}

static void
release(int gate)
{
	write(gate, "g", 1);
	close(gate);
}

static int
kq_add(int kq, pid_t pid, unsigned flags, unsigned fflags)
{
	struct kevent kev;

	EV_SET(&kev, pid, EVFILT_PROC, flags, fflags, 0, NULL);
	return (kevent(kq, &kev, 1, NULL, 0, NULL));
}

/*
 * debug.fail_point.kqueue_knote_alloc: a change that finds no memory for
 * its knote is reported as an EV_ERROR event with data ENOMEM while there
 * is room for events, else kevent fails with ENOMEM; nothing is
 * registered, nothing leaks, and the next change works.
 */
static int
knote_fail_point(void)
{
	struct kevent kev, ev[2];
	int kq, n0, n, gate, status;
	pid_t pid;

	if (!have_fail_point("kqueue_knote_alloc")) {
		ok(1, "a knote allocation failing is ENOMEM # SKIP a kernel without fail points");
		return (0);
	}
	n0 = settled_unleaked();
	kq = kqueue();
	pid = gated_child(7, &gate);
	EV_SET(&kev, pid, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL);
	fail_point_set("kqueue_knote_alloc", 1);
	n = kevent(kq, &kev, 1, ev, 2, &zero);
	ok(n == 1 && (ev[0].flags & EV_ERROR) && ev[0].data == ENOMEM &&
	    fail_point_get("kqueue_knote_alloc") == 0,
	    "with debug.fail_point.kqueue_knote_alloc armed once, EV_ADD comes back as "
	    "EV_ERROR with data ENOMEM (%d, data %ld)", n, n == 1 ? (long)ev[0].data : 0L);
	fail_point_set("kqueue_knote_alloc", 1);
	errno = 0;
	ok(kevent(kq, &kev, 1, NULL, 0, NULL) == -1 && errno == ENOMEM,
	    "and with no room for events kevent itself is ENOMEM (errno %d)", errno);
	ok(kq_add(kq, pid, EV_ADD, NOTE_EXIT) == 0, "disarmed, the same EV_ADD works");
	release(gate);
	waitpid(pid, &status, 0);
	n = kevent(kq, NULL, 0, ev, 2, &zero);
	ok(n == 1 && ev[0].ident == (uintptr_t)pid && (ev[0].fflags & NOTE_EXIT),
	    "and exactly one knote reports the exit: the failed changes left none (%d)", n);
	close(kq);
	ok(settled_unleaked() == n0, "every page and kernel object comes back (%d, %d)", n0,
	    settled_unleaked());
	return (0);
}

/* kqueue returns a descriptor; an empty queue polls 0. */
static int
create(void)
{
	struct kevent ev[4];
	int kq;

	kq = kqueue();
	ok(kq >= 3, "kqueue returns a descriptor (%d)", kq);
	ok(kevent(kq, NULL, 0, ev, 4, &zero) == 0, "polling an empty queue returns 0");
	return (0);
}

/* NOTE_EXIT reports a child's exit with its status, once. */
static int
note_exit(void)
{
	struct kevent ev[4];
	int kq, gate, status = -1, n;
	pid_t pid;

	kq = kqueue();	/* a queue of the case's own: a fork does not pass one on */
	pid = gated_child(7, &gate);
	ok(kq_add(kq, pid, EV_ADD, NOTE_EXIT) == 0, "EV_ADD on a live child");
	release(gate);
	memset(ev, 0, sizeof(ev));
	n = kevent(kq, NULL, 0, ev, 4, NULL);
	ok(n == 1 && ev[0].ident == (uintptr_t)pid && ev[0].filter == EVFILT_PROC &&
	    (ev[0].fflags & NOTE_EXIT), "a blocking kevent reports NOTE_EXIT of the child");
	ok(n == 1 && ev[0].data == W_EXITCODE(7, 0),
	    "NOTE_EXIT carries the wait status (%#lx)", (long)ev[0].data);
	ok(n == 1 && (ev[0].flags & (EV_EOF | EV_ONESHOT)) == (EV_EOF | EV_ONESHOT),
	    "with EV_EOF and EV_ONESHOT (flags %#x)", ev[0].flags);
	ok(waitpid(pid, &status, 0) == pid && status == W_EXITCODE(7, 0),
	    "wait sees the same status");
	ok(kevent(kq, NULL, 0, ev, 4, &zero) == 0, "a oneshot event is reported once");
	return (0);
}

/* NOTE_FORK, EV_DISABLE and EV_ENABLE, EV_DELETE. */
static int
note_fork(void)
{
	struct kevent kev, ev[4];
	int kq, gate, n;
	pid_t pid, me = getpid();

	kq = kqueue();	/* a queue of the case's own: a fork does not pass one on */
	ok(kq_add(kq, me, EV_ADD, NOTE_FORK) == 0, "EV_ADD on ourselves for NOTE_FORK");
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(0);
	n = kevent(kq, NULL, 0, ev, 4, &zero);
	ok(n == 1 && ev[0].ident == (uintptr_t)me && (ev[0].fflags & NOTE_FORK) &&
	    ev[0].data == pid, "NOTE_FORK reaches the parent's watcher with the child's pid "
	    "(%ld, %d)", (long)ev[0].data, pid);
	ok(kevent(kq, NULL, 0, ev, 4, &zero) == 0, "and clears once reported");
	waitpid(pid, NULL, 0);

	EV_SET(&kev, me, EVFILT_PROC, EV_DISABLE, 0, 0, NULL);
	ok(kevent(kq, &kev, 1, NULL, 0, NULL) == 0, "EV_DISABLE");
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(0);
	ok(kevent(kq, NULL, 0, ev, 4, &zero) == 0, "a disabled knote reports nothing");
	EV_SET(&kev, me, EVFILT_PROC, EV_ENABLE, 0, 0, NULL);
	n = kevent(kq, &kev, 1, ev, 4, &zero);
	ok(n == 1 && ev[0].data == pid, "EV_ENABLE reports what fired meanwhile");
	waitpid(pid, NULL, 0);


	/* EV_DELETE */
	EV_SET(&kev, me, EVFILT_PROC, EV_DELETE, 0, 0, NULL);
	ok(kevent(kq, &kev, 1, NULL, 0, NULL) == 0, "EV_DELETE of a knote");
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	ok(kevent(kq, NULL, 0, ev, 4, &zero) == 0, "after EV_DELETE a fork reports nothing");
	errno = 0;
	ok(kevent(kq, &kev, 1, NULL, 0, NULL) == -1 && errno == ENOENT,
	    "EV_DELETE of an absent knote is ENOENT");

	pid = gated_child(0, &gate);
	kq_add(kq, pid, EV_ADD, NOTE_EXIT);
	EV_SET(&kev, pid, EVFILT_PROC, EV_DELETE, 0, 0, NULL);
	kevent(kq, &kev, 1, NULL, 0, NULL);
	release(gate);
	waitpid(pid, NULL, 0);
	ok(kevent(kq, NULL, 0, ev, 4, &zero) == 0, "after EV_DELETE an exit reports nothing");
	return (0);
}

/* kevent errors: ESRCH, EV_ERROR, EINVAL, EFAULT, EBADF. */
static int
errors(void)
{
	struct kevent kev, ev[4];
	int kq, n;
	siginfo_t si;
	pid_t pid, me = getpid();

	kq = kqueue();	/* a queue of the case's own: a fork does not pass one on */
	errno = 0;
	ok(kq_add(kq, 99998, EV_ADD, NOTE_EXIT) == -1 && errno == ESRCH,
	    "EV_ADD for a pid that does not exist is ESRCH");
	EV_SET(&kev, 99998, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL);
	n = kevent(kq, &kev, 1, ev, 4, &zero);
	ok(n == 1 && (ev[0].flags & EV_ERROR) && ev[0].data == ESRCH,
	    "with room for events it comes back as EV_ERROR");
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(0);
	/*
	 * Not the end-of-file of a pipe: the child closes its descriptors
	 * before it is a zombie, and another CPU may add the knote between.
	 */
	waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
	errno = 0;
	ok(kq_add(kq, pid, EV_ADD, NOTE_EXIT) == -1 && errno == ESRCH,
	    "EV_ADD for a zombie is ESRCH");
	waitpid(pid, NULL, 0);
	EV_SET(&kev, me, -1, EV_ADD, 0, 0, NULL);
	errno = 0;
	ok(kevent(kq, &kev, 1, NULL, 0, NULL) == -1 && errno == EINVAL,
	    "a filter other than EVFILT_PROC is EINVAL");
	errno = 0;
	ok(kevent(kq, NULL, -1, NULL, 0, &zero) == -1 && errno == EINVAL,
	    "a negative nchanges is EINVAL");
	errno = 0;
	ok(kevent(kq, NULL, 0, ev, -1, &zero) == -1 && errno == EINVAL,
	    "a negative nevents is EINVAL");
	errno = 0;
	ok(kevent(kq, (void *)0x10, 1, NULL, 0, &zero) == -1 && errno == EFAULT,
	    "a bad change list is EFAULT");
	errno = 0;
	ok(kevent(kq, NULL, 0, ev, 4, (void *)0x10) == -1 && errno == EFAULT,
	    "a bad timeout is EFAULT");
	kq_add(kq, me, EV_ADD, NOTE_FORK);
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	errno = 0;
	ok(kevent(kq, NULL, 0, (void *)0x10, 4, &zero) == -1 && errno == EFAULT,
	    "a bad event list is EFAULT");
	n = kevent(kq, NULL, 0, ev, 4, &zero);
	ok(n == 1 && ev[0].data == pid, "and the event is still there afterwards");
	errno = 0;
	ok(kevent(1, NULL, 0, ev, 4, &zero) == -1 && errno == EBADF,
	    "kevent on a descriptor that is no kqueue is EBADF");
	errno = 0;
	ok(kevent(60, NULL, 0, ev, 4, &zero) == -1 && errno == EBADF,
	    "kevent on a closed descriptor is EBADF");
	return (0);
}

/* A timeout returns 0 after it; a bad one is EINVAL. */
static int
timeouts(void)
{
	struct kevent ev[4];
	struct timespec t0, t1, tmo;
	int kq, n;
	uint64_t ms;

	kq = kqueue();	/* a queue of the case's own: a fork does not pass one on */
	tmo.tv_sec = 0;
	tmo.tv_nsec = 50 * 1000 * 1000;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = kevent(kq, NULL, 0, ev, 4, &tmo);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	ok(n == 0 && ms >= 50, "a 50 ms timeout returns 0 after it (%d ms)", (int)ms);
	tmo.tv_nsec = 1000000000;
	errno = 0;
	ok(kevent(kq, NULL, 0, ev, 4, &tmo) == -1 && errno == EINVAL,
	    "a timeout with tv_nsec of a second is EINVAL");
	return (0);
}

/*
 * A fork child does not inherit the queue; closing it with a live watch.
 */
static int
fork_and_close(void)
{
	struct kevent ev[4];
	int kq, gate, status = -1;
	pid_t pid;

	kq = kqueue();	/* a queue of the case's own: a fork does not pass one on */
	fflush(stdout);
	if ((pid = fork()) == 0) {
		errno = 0;
		_exit(kevent(kq, NULL, 0, ev, 4, &zero) == -1 && errno == EBADF ? 0 : 1);
	}
	ok(waitpid(pid, &status, 0) == pid && status == 0,
	    "a forked child does not inherit the kqueue");
	while (kevent(kq, NULL, 0, ev, 4, &zero) > 0)
		;
	pid = gated_child(3, &gate);
	kq_add(kq, pid, EV_ADD, NOTE_EXIT);
	ok(close(kq) == 0, "closing a kqueue that watches a live process");
	release(gate);
	ok(waitpid(pid, &status, 0) == pid && status == W_EXITCODE(3, 0),
	    "and that process exits and is reaped normally");
	return (0);
}

/* Two queues watching one process both get NOTE_EXIT. */
static int
two_queues(void)
{
	struct kevent ev[4];
	int gate, status = -1, kq1 = kqueue(), kq2 = kqueue();
	pid_t pid;

	/* two queues watch one process. */
	pid = gated_child(5, &gate);
	kq_add(kq1, pid, EV_ADD, NOTE_EXIT);
	kq_add(kq2, pid, EV_ADD, NOTE_EXIT);
	release(gate);
	waitpid(pid, &status, 0);
	ok(kevent(kq1, NULL, 0, ev, 4, &zero) == 1 && ev[0].data == W_EXITCODE(5, 0) &&
	    kevent(kq2, NULL, 0, ev, 4, &zero) == 1 && ev[0].data == W_EXITCODE(5, 0),
	    "two queues watching one process both get NOTE_EXIT");
	close(kq1);
	close(kq2);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(create, "kqueue returns a descriptor; an empty queue polls 0"),
	TAP_CASE(note_exit, "NOTE_EXIT reports a child's exit with its status, once"),
	TAP_CASE(note_fork, "NOTE_FORK, EV_DISABLE and EV_ENABLE, EV_DELETE"),
	TAP_CASE(errors, "kevent errors: ESRCH, EV_ERROR, EINVAL, EFAULT, EBADF"),
	TAP_CASE(timeouts, "a timeout returns 0 after it; a bad one is EINVAL"),
	TAP_CASE(fork_and_close, "a fork child does not inherit the queue; closing it with a live watch"),
	TAP_CASE(two_queues, "two queues watching one process both get NOTE_EXIT"),
	TAP_CASE(knote_fail_point, "a knote that cannot be allocated fails EV_ADD with ENOMEM"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
