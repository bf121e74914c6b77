/*
 * The posix suite: a program written against the standard headers alone
 * (no <forkrt.h>) and what they promise: stdio's buffering modes on a
 * pipe, exit against _exit, atexit, assert, the string and number
 * functions, fcntl, pipe2 and close-on-exec across fork and execv.
 *
 * Each case is one function, run in a child of its own where it changes
 * descriptors or stdio; children answer through their exit status (0:
 * as expected, else the number of the first check that failed).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/event.h>
#include <sys/sysctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap_cases.h"

/* Descriptors the exec cases park pipe ends on, out of the way of the rest. */
#define FD_KEPT		40
#define FD_EXCL		41
#define FD_EXCL2	42

/* Fork fn in a child that _exits with its value; the wait status, or -1. */
static int
run(int (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return (-1);
	if (pid == 0)
		_exit(fn());
	if (waitpid(pid, &status, 0) != pid)
		return (-1);
	return (status);
}

static bool
exited(int status, int code)
{
	return (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code);
}

/* Whatever is in the pipe now, without waiting (its read end is O_NONBLOCK). */
static size_t
drain(int fd, char *buf, size_t size)
{
	ssize_t n;
	size_t got = 0;

	while (got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	return (got);
}

/* stdout (or stderr) of this child goes into a pipe it reads itself. */
static int self_pipe[2];

static int
redirect(int fd)
{
	if (pipe2(self_pipe, O_NONBLOCK) != 0)
		return (-1);
	return (dup2(self_pipe[1], fd) == fd ? 0 : -1);
}

static bool
pipe_holds(const char *want)
{
	char buf[256];

	drain(self_pipe[0], buf, sizeof(buf));
	return (strcmp(buf, want) == 0);
}

static int
stdout_full(void)
{
	if (redirect(1) != 0 || setvbuf(stdout, NULL, _IOFBF, 0) != 0)
		return (1);
	printf("a\nb");
	if (!pipe_holds(""))
		return (2);
	if (fflush(stdout) != 0 || !pipe_holds("a\nb"))
		return (3);
	return (0);
}

static int
stdout_line(void)
{
	if (redirect(1) != 0 || setvbuf(stdout, NULL, _IOLBF, 0) != 0)
		return (1);
	printf("a\nb");
	if (!pipe_holds("a\n"))
		return (2);
	fputs("c\nd", stdout);
	if (!pipe_holds("bc\n"))
		return (3);
	if (fflush(stdout) != 0 || !pipe_holds("d"))
		return (4);
	return (0);
}

static int
stdout_unbuffered(void)
{
	if (redirect(1) != 0 || setvbuf(stdout, NULL, _IONBF, 0) != 0)
		return (1);
	printf("a%d", 1);
	if (!pipe_holds("a1"))
		return (2);
	putchar('x');
	fwrite("yz", 1, 2, stdout);
	if (!pipe_holds("xyz"))
		return (3);
	return (0);
}

/* As initially opened: stdout is line-buffered, stderr unbuffered. */
static int
std_defaults(void)
{
	if (redirect(1) != 0 || dup2(self_pipe[1], 2) != 2)
		return (1);
	printf("out");
	if (!pipe_holds(""))
		return (2);
	fprintf(stderr, "err %d", 42);
	if (!pipe_holds("err 42"))
		return (3);
	printf("\n");
	if (!pipe_holds("out\n"))
		return (4);
	return (0);
}

/* A buffer of the caller's: output goes out each time it fills. */
static int
user_buffer(void)
{
	static char small[8];

	if (redirect(1) != 0 || setvbuf(stdout, small, _IOFBF, sizeof(small)) != 0)
		return (1);
	printf("0123456789");
	if (!pipe_holds("01234567"))
		return (2);
	if (fflush(stdout) != 0 || !pipe_holds("89"))
		return (3);
	if (setvbuf(stdout, NULL, 42, 0) != EOF)
		return (4);
	return (0);
}

/* fdopen'd streams, fully buffered; fclose flushes and closes. */
static int
fdopen_stream(void)
{
	int fds[2];
	char buf[32];
	FILE *w, *r;

	if (pipe(fds) != 0 || (w = fdopen(fds[1], "w")) == NULL)
		return (1);
	if (fdopen(fds[1], "r") != NULL || errno != EINVAL)
		return (2);
	fprintf(w, "%s %d\n", "line", 7);
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0 || read(fds[0], buf, 1) != -1 ||
	    errno != EAGAIN)
		return (3);
	if (fclose(w) != 0 || fcntl(fds[1], F_GETFD) != -1)
		return (4);
	if (fcntl(fds[0], F_SETFL, 0) != 0 || (r = fdopen(fds[0], "r")) == NULL)
		return (5);
	if (fgets(buf, sizeof(buf), r) == NULL || strcmp(buf, "line 7\n") != 0)
		return (6);
	if (fgetc(r) != EOF || !feof(r) || ferror(r))
		return (7);
	return (fclose(r) == 0 ? 0 : 8);
}

/* A child writes text into fully buffered stdout on a pipe, then leaves by how. */
static int
buffered_then(int how)
{
	int fds[2], status;
	char buf[64];
	ssize_t n;
	pid_t pid;

	if (pipe(fds) != 0)
		return (-1);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		setvbuf(stdout, NULL, _IOFBF, 0);
		printf("text");
		if (how == 0)
			_exit(3);
		exit(3);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf));
	close(fds[0]);
	if (pid == -1 || waitpid(pid, &status, 0) != pid || !exited(status, 3))
		return (-1);
	return ((int)n == 4 && memcmp(buf, "text", 4) == 0 ? 1 : (int)n == 0 ? 0 : -1);
}

/* atexit handlers run last registered first, before stdio is flushed. */
static void at1(void) { printf("1"); }
static void at2(void) { printf("2"); }
static void at3(void) { printf("3"); }

static int
atexit_order(void)
{
	if (setvbuf(stdout, NULL, _IOFBF, 0) != 0)
		return (1);
	if (atexit(at1) != 0 || atexit(at2) != 0 || atexit(at3) != 0)
		return (2);
	printf("m");
	exit(0);
}

static int
child_output(int (*fn)(void), char *buf, size_t size, int *statusp)
{
	int fds[2];
	pid_t pid;
	size_t got = 0;
	ssize_t n;

	if (pipe(fds) != 0)
		return (-1);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		_exit(fn());
	}
	close(fds[1]);
	while (got < size - 1 && (n = read(fds[0], buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fds[0]);
	if (pid == -1 || waitpid(pid, statusp, 0) != pid)
		return (-1);
	return (0);
}

static int
assert_fails(void)
{
	int one = 1;

	assert(one == 1);
	assert(one == 2);
	return (0);
}

static int
abort_ignored(void)
{
	signal(SIGABRT, SIG_IGN);
	abort();
}

static int
test_stdio(void)
{
	char buf[256];
	int status;

	ok(exited(run(stdout_full), 0),
	    "fully buffered stdout on a pipe writes nothing until fflush");
	ok(exited(run(stdout_line), 0),
	    "line-buffered stdout writes up to each newline");
	ok(exited(run(stdout_unbuffered), 0),
	    "unbuffered stdout writes every call at once");
	ok(exited(run(std_defaults), 0),
	    "stdout starts line-buffered and stderr unbuffered");
	ok(exited(run(user_buffer), 0),
	    "setvbuf with the caller's 8-byte buffer writes as it fills; a bad mode is EOF");
	ok(exited(run(fdopen_stream), 0),
	    "fdopen: a fully buffered pipe stream, fclose flushes and closes, fgets/fgetc/feof");
	ok(buffered_then(0) == 0, "_exit drops what stdout still buffers");
	ok(buffered_then(1) == 1, "exit flushes stdout");
	ok(child_output(atexit_order, buf, sizeof(buf), &status) == 0 &&
	    exited(status, 0) && strcmp(buf, "m321") == 0,
	    "exit runs atexit handlers last first, then flushes (got \"%s\")", buf);
	ok(child_output(assert_fails, buf, sizeof(buf), &status) == 0 &&
	    WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT &&
	    strstr(buf, "one == 2") != NULL && strstr(buf, "posix.c") != NULL &&
	    strstr(buf, "one == 1") == NULL,
	    "a failed assert names the expression and file on stderr and ends in SIGABRT");
	status = run(abort_ignored);
	ok(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
	    "abort ends the process with SIGABRT even when SIGABRT is ignored");
	return (0);
}

static int
by_int(const void *a, const void *b)
{
	return (*(const int *)a - *(const int *)b);
}

static int
test_strings(void)
{
	static const char orig[] = "copy me";
	char buf[32], *p, *end;
	int v[] = { 5, -3, 9, 0, 9, 2, -7, 4 };
	int sorted[] = { -7, -3, 0, 2, 4, 5, 9, 9 };
	int key = 4;

	strcpy(buf, "fork");
	strcat(buf, "rt");
	ok(strcmp(buf, "forkrt") == 0, "strcpy and strcat");
	memset(buf, 'x', sizeof(buf));
	strncpy(buf, "ab", 5);
	ok(memcmp(buf, "ab\0\0\0x", 6) == 0, "strncpy pads with NULs to n and no further");
	strncpy(buf, "abcdef", 3);
	ok(memcmp(buf, "abc\0", 4) == 0, "strncpy stops at n without a NUL");
	strcpy(buf, "ab");
	ok(strcmp(strncat(buf, "cdef", 2), "abcd") == 0, "strncat appends at most n");
	ok(strcmp(strrchr("a/b/c", '/'), "/c") == 0, "strrchr finds the last");
	ok(strrchr("abc", '\0') != NULL && *strrchr("abc", '\0') == '\0' &&
	    strrchr("abc", 'z') == NULL, "strrchr finds the NUL, not a missing char");
	ok(strcmp(strstr("forkrt fork", "rt f"), "rt fork") == 0 &&
	    strstr("abc", "abd") == NULL && strcmp(strstr("abc", ""), "abc") == 0,
	    "strstr");
	p = strdup(orig);
	ok(p != NULL && strcmp(p, orig) == 0 && p != orig, "strdup makes a copy");
	free(p);
	ok(memchr("ab\0cd", 'c', 5) != NULL && *(char *)memchr("ab\0cd", 'c', 5) == 'c' &&
	    memchr("abcd", 'd', 3) == NULL, "memchr looks past NULs and stops at n");
	ok(strcmp(strerror(EBADF), "Bad file descriptor") == 0 &&
	    strcmp(strerror(9999), "Unknown error: 9999") == 0, "strerror");
	ok(strtol("  -0x1f", &end, 0) == -31 && *end == '\0' &&
	    strtoul("777", NULL, 8) == 511 && atoi("42abc") == 42,
	    "strtol, strtoul and atoi parse bases and signs");
	errno = 0;
	ok(strtol("99999999999999999999", &end, 10) == LONG_MAX && errno == ERANGE &&
	    *end == '\0', "strtol clamps an overflow to LONG_MAX with ERANGE");
	ok(strtol("zz", &end, 10) == 0 && strcmp(end, "zz") == 0,
	    "strtol with no digits leaves end at the start");
	qsort(v, 8, sizeof(int), by_int);
	ok(memcmp(v, sorted, sizeof(v)) == 0 &&
	    bsearch(&key, v, 8, sizeof(int), by_int) == &v[4], "qsort and bsearch");
	ok(abs(-5) == 5 && labs(-5L) == 5 && getenv("PATH") == NULL,
	    "abs, labs; getenv finds no environment");
	ok(snprintf(buf, 6, "%d-%s", 1234, "xyz") == 8 && strcmp(buf, "1234-") == 0,
	    "snprintf truncates and returns the full length");
	ok(sprintf(buf, "%05d|%-3s|%x", 42, "a", 255) == 12 &&
	    strcmp(buf, "00042|a  |ff") == 0, "sprintf");
	ok(INT_MAX == 2147483647 && CHAR_BIT == 8 && PIPE_BUF == 512 &&
	    sysconf(_SC_OPEN_MAX) == OPEN_MAX, "<limits.h> and sysconf agree");
	return (0);
}

/* The flags of fd, -1 for closed. */
static int
fdflags(int fd)
{
	return (fcntl(fd, F_GETFD));
}

static int
test_fcntl(void)
{
	int fds[2], more[2], a, n, first, last;

	if (pipe(fds) != 0) {
		ok(0, "pipe");
		return (0);
	}
	ok(fdflags(fds[0]) == 0 && fdflags(fds[1]) == 0,
	    "a new pipe's descriptors are not close-on-exec");
	ok(fcntl(fds[0], F_SETFD, FD_CLOEXEC) == 0 && fdflags(fds[0]) == FD_CLOEXEC &&
	    fdflags(fds[1]) == 0, "F_SETFD sets FD_CLOEXEC on that descriptor alone");
	ok(fcntl(fds[0], F_GETFL) == O_RDONLY && fcntl(fds[1], F_GETFL) == O_WRONLY &&
	    fcntl(0, F_GETFL) == O_RDWR, "F_GETFL: a pipe's ends are read-only and write-only");
	a = fcntl(fds[0], F_DUPFD, 20);
	ok(a == 20 && fdflags(a) == 0, "F_DUPFD gives the lowest free >= arg, close-on-exec clear");
	ok(fcntl(fds[0], F_DUPFD, 20) == 21, "and the next one above a taken slot");
	ok(fcntl(fds[0], F_DUPFD_CLOEXEC, 20) == 22 && fdflags(22) == FD_CLOEXEC,
	    "F_DUPFD_CLOEXEC sets close-on-exec on the new descriptor");
	ok(dup2(22, 23) == 23 && fdflags(23) == 0 && fdflags(22) == FD_CLOEXEC,
	    "dup2 clears close-on-exec on the target only");
	ok(dup2(22, 22) == 22 && fdflags(22) == FD_CLOEXEC,
	    "dup2 of a descriptor onto itself leaves its flag");
	a = dup(22);
	ok(a >= 0 && fdflags(a) == 0, "dup clears close-on-exec");
	close(a);
	ok(fcntl(fds[0], F_SETFD, 0) == 0 && fdflags(fds[0]) == 0, "F_SETFD 0 clears it");
	errno = 0;
	ok(fcntl(fds[0], F_DUPFD, -1) == -1 && errno == EINVAL, "F_DUPFD below 0: EINVAL");
	errno = 0;
	ok(fcntl(fds[0], F_DUPFD, OPEN_MAX) == -1 && errno == EINVAL,
	    "F_DUPFD at OPEN_MAX: EINVAL");
	errno = 0;
	ok(fcntl(33, F_GETFD) == -1 && errno == EBADF, "F_GETFD of a closed descriptor: EBADF");
	errno = 0;
	ok(fcntl(-1, F_SETFD, FD_CLOEXEC) == -1 && errno == EBADF &&
	    fcntl(OPEN_MAX, F_GETFL) == -1 && errno == EBADF,
	    "F_SETFD and F_GETFL of a bad number: EBADF");
	errno = 0;
	ok(fcntl(fds[0], 9999) == -1 && errno == EINVAL, "an unknown command: EINVAL");
	errno = 0;
	ok(fcntl(1, F_SETFL, O_NONBLOCK) == -1 && errno == EINVAL,
	    "O_NONBLOCK on the console: EINVAL (only pipes have it)");

	/* Fill the table with F_DUPFD: it stops at OPEN_MAX with EMFILE. */
	first = last = -1;
	while ((n = fcntl(fds[0], F_DUPFD, 0)) != -1) {
		if (first == -1)
			first = n;
		last = n;
	}
	ok(errno == EMFILE && last == OPEN_MAX - 1, "F_DUPFD on a full table: EMFILE (last %d)",
	    last);
	errno = 0;
	ok(fcntl(fds[0], F_DUPFD_CLOEXEC, 30) == -1 && errno == EMFILE &&
	    pipe(more) == -1 && errno == EMFILE,
	    "F_DUPFD_CLOEXEC and pipe on a full table: EMFILE");
	for (n = first; n <= last; n++)
		close(n);
	for (n = 20; n <= 23; n++)
		close(n);
	close(fds[0]);
	close(fds[1]);
	a = dup(0);
	ok(fcntl(20, F_GETFD) == -1 && a == fds[0], "every slot comes back");
	close(a);
	return (0);
}

static int
test_nonblock(void)
{
	int fds[2], fds2[2];
	char buf[1024];
	ssize_t n;
	size_t total = 0;

	ok(pipe2(fds, O_CLOEXEC) == 0 && fdflags(fds[0]) == FD_CLOEXEC &&
	    fdflags(fds[1]) == FD_CLOEXEC && fcntl(fds[0], F_GETFL) == O_RDONLY,
	    "pipe2(O_CLOEXEC) marks both ends close-on-exec");
	close(fds[0]);
	close(fds[1]);
	errno = 0;
	ok(pipe2(fds2, O_RDWR) == -1 && errno == EINVAL &&
	    pipe2(fds2, 0x40000000) == -1 && errno == EINVAL && dup(0) == fds[0],
	    "pipe2 with another flag: EINVAL, and no descriptor taken");
	close(fds[0]);
	errno = 0;
	ok(pipe2((int *)8, 0) == -1 && errno == EFAULT && dup(0) == fds[0],
	    "pipe2 to a bad address: EFAULT, and both descriptors closed again");
	close(fds[0]);

	if (pipe2(fds, O_NONBLOCK) != 0) {
		ok(0, "pipe2(O_NONBLOCK)");
		return (0);
	}
	ok(fcntl(fds[0], F_GETFL) == (O_RDONLY | O_NONBLOCK) &&
	    fcntl(fds[1], F_GETFL) == (O_WRONLY | O_NONBLOCK) && fdflags(fds[0]) == 0,
	    "pipe2(O_NONBLOCK): both ends non-blocking, not close-on-exec");
	errno = 0;
	ok(read(fds[0], buf, 1) == -1 && errno == EAGAIN, "reading an empty one: EAGAIN");
	memset(buf, 'p', sizeof(buf));
	while ((n = write(fds[1], buf, sizeof(buf))) > 0)
		total += (size_t)n;
	ok(n == -1 && errno == EAGAIN && total >= 4096,
	    "writing a full one: EAGAIN (after %zu bytes)", total);
	ok(read(fds[0], buf, 100) == 100, "read 100 bytes back");
	errno = 0;
	ok(write(fds[1], buf, PIPE_BUF) == -1 && errno == EAGAIN,
	    "a PIPE_BUF write that does not fit whole: EAGAIN (atomic)");
	ok(write(fds[1], buf, PIPE_BUF + 1) == 100, "a larger one takes what fits");
	ok(fcntl(fds[1], F_SETFL, 0) == 0 && fcntl(fds[1], F_GETFL) == O_WRONLY,
	    "F_SETFL clears O_NONBLOCK");
	close(fds[1]);
	while (read(fds[0], buf, sizeof(buf)) > 0)
		;
	ok(read(fds[0], buf, 1) == 0, "with the writer gone: end-of-file, not EAGAIN");
	close(fds[0]);
	return (0);
}

/* fork copies each slot's close-on-exec flag. */
static int
inherits_cloexec(void)
{
	return (fdflags(FD_EXCL) == FD_CLOEXEC && fdflags(FD_KEPT) == 0 ? 0 : 1);
}

static char *fdstat_argv[] = { "fdstat", "40", "41", "42", NULL };

static int
exec_fdstat(void)
{
	execv("fdstat", fdstat_argv);
	return (99);
}

/* A failed execv closes nothing. */
static int
exec_fails(void)
{
	char *argv[] = { "no-such-program", NULL };

	if (execv("no-such-program", argv) != -1 || errno != ENOENT)
		return (1);
	return (fdflags(FD_EXCL) == FD_CLOEXEC && fdflags(FD_EXCL2) == FD_CLOEXEC ? 0 : 2);
}

static int
unleaked(void)
{
	int nfree = -1, pages = -1, objects = -1, cached = -1, tables = -1;
	size_t len = sizeof(int);

	sysctlbyname("vm.stats.vm.v_free_count", &nfree, &len, NULL, 0);
	sysctlbyname("vm.kmem.pages", &pages, &len, NULL, 0);
	sysctlbyname("vm.kmem.objects", &objects, &len, NULL, 0);
	sysctlbyname("vm.kstack.cached_pages", &cached, &len, NULL, 0);
	sysctlbyname("vm.kstack.table_pages", &tables, &len, NULL, 0);
	return (nfree + pages - objects + cached + tables);
}

/* Sleep about 20 ms: a kevent wait with nothing to wait for. */
static void
nap(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct kevent ev;
	int kq = kqueue();

	kevent(kq, NULL, 0, &ev, 1, &ts);
	close(kq);
}

/* unleaked() once it holds still (an exited child is reaped a little later). */
static int
settled(void)
{
	int a = unleaked(), b;

	for (int i = 0; i < 50; i++, a = b) {
		nap();
		if ((b = unleaked()) == a)
			break;
	}
	return (a);
}

/* rfork a child sharing our table (no RFFDG); it execs fdstat. */
static int
shared_table_exec(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	if ((pid = rfork(RFPROC)) == 0) {
		execv("fdstat", fdstat_argv);
		_exit(99);
	}
	if (pid == -1 || waitpid(pid, &status, 0) != pid)
		return (-1);
	return (status);
}

static int
test_exec(void)
{
	int k[2], e[2], status, before, after;
	pid_t pid;

	if (pipe(k) != 0 || pipe2(e, O_CLOEXEC) != 0 || dup2(k[0], FD_KEPT) != FD_KEPT ||
	    fcntl(e[0], F_DUPFD_CLOEXEC, FD_EXCL) != FD_EXCL ||
	    fcntl(e[1], F_DUPFD, FD_EXCL2) != FD_EXCL2 ||
	    fcntl(FD_EXCL2, F_SETFD, FD_CLOEXEC) != 0) {
		ok(0, "set-up of the exec cases");
		return (0);
	}
	ok(exited(run(inherits_cloexec), 0), "fork's child inherits each descriptor's close-on-exec");
	status = run(exec_fdstat);
	ok(exited(status, 0x01),
	    "execv closes the close-on-exec descriptors and keeps the others open (status %#x)",
	    status);
	ok(exited(run(exec_fails), 0), "a failed execv closes nothing");

	fflush(stdout);
	if ((pid = vfork()) == 0) {
		execv("fdstat", fdstat_argv);
		_exit(99);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && exited(status, 0x01) &&
	    fdflags(FD_EXCL) == FD_CLOEXEC && fdflags(FD_EXCL2) == FD_CLOEXEC,
	    "a vfork child's execv closes them in its own table, not the parent's");

	status = shared_table_exec();
	ok(exited(status, 0x01) && fdflags(FD_EXCL) == FD_CLOEXEC &&
	    fdflags(FD_EXCL2) == FD_CLOEXEC && fdflags(FD_KEPT) == 0,
	    "an rfork child sharing the table gets a copy at execv: the parent keeps all three");

	before = settled();
	for (int i = 0; i < 20; i++)
		shared_table_exec();
	after = settled();
	ok(after == before, "20 shared-table execs give back every page and object (%d, %d)",
	    before, after);

	close(k[0]);
	close(k[1]);
	close(e[0]);
	close(e[1]);
	close(FD_KEPT);
	close(FD_EXCL);
	close(FD_EXCL2);
	return (0);
}

/* user/examples/posix_hello.c, built like any --app, run with its stdout on a pipe. */
static int
test_example(void)
{
	char *argv[] = { "posix_hello", NULL };
	char buf[512];
	int fds[2], status = -1;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) != 0) {
		ok(0, "pipe");
		return (0);
	}
	fflush(stdout);
	if ((pid = fork()) == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv("posix_hello", argv);
		_exit(99);
	}
	close(fds[1]);
	while (got < sizeof(buf) - 1 && (n = read(fds[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fds[0]);
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && exited(status, 43) &&
	    strstr(buf, "read: child 2 is pid") != NULL &&
	    strstr(buf, "3 lines from 3 children\n") != NULL,
	    "the POSIX example forks, reads its children through stdio and exits 43");
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(test_stdio, "stdio"),
	TAP_CASE(test_strings, "strings"),
	TAP_CASE(test_fcntl, "fcntl"),
	TAP_CASE(test_nonblock, "nonblock"),
	TAP_CASE(test_exec, "exec"),
	TAP_CASE(test_example, "user/examples/posix_hello.c, built like any --app, run with its stdout on a pipe"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
