/*
 * The pipe suite: descriptors, pipes, and what fork and rfork do to
 * descriptor tables.  Children report through their exit status and never
 * print.
 */
#include "tap.h"

#define BIG	(64 * 1024)
#define NOFILE	64
#define PIPE_BUF	512

static int p[2];
static char big[BIG];

/* Open and close many pipes, some with data left in them, and dups of them. */
static void
pipe_churn(void)
{
	int q[2];

	for (int i = 0; i < 200; i++) {
		if (pipe(q) != 0)
			return;
		if (i & 1)
			write(q[1], "left", 4);
		if (i & 2)
			dup2(q[0], 20);
		close(q[0]);
		close(q[1]);
	}
	close(20);
}

/*
 * debug.fail_point.pipe_create fails a pipe's creation at its last step
 * (the write end's file, whose way out undoes the read end, the buffer
 * and the pipe): pipe() is ENOMEM, takes no descriptor, leaks nothing,
 * and the next pipe works.
 */
static void
pipe_fail_point(void)
{
	int q[2] = { -1, -1 }, n, fd, rc, err;

	if (!have_fail_point("pipe_create")) {
		ok(1, "pipe creation failing is ENOMEM # SKIP a kernel without fail points");
		return;
	}
	n = settled_unleaked();
	fd = dup(0);
	close(fd);
	fail_point_set("pipe_create", 1);
	errno = 0;
	rc = pipe(q);
	err = errno;
	ok(rc == -1 && err == ENOMEM && q[0] == -1 && fail_point_get("pipe_create") == 0,
	    "with debug.fail_point.pipe_create armed once, pipe() is ENOMEM (errno %d)", err);
	q[0] = dup(0);
	ok(q[0] == fd && settled_unleaked() == n,
	    "and takes no descriptor (next free %d, was %d) and gives back every page (%d, %d)",
	    q[0], fd, n, settled_unleaked());
	close(q[0]);
	ok(pipe(q) == 0 && write(q[1], "x", 1) == 1 && close(q[0]) == 0 && close(q[1]) == 0,
	    "the point fired once: the next pipe works");
}

/* Fork a child running fn(arg); its wait status, or -1. */
static int
child_status(int (*fn)(int), int arg, pid_t *pidp)
{
	int status;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return (-1);
	if (pid == 0)
		_exit(fn(arg));
	if (pidp != NULL) {
		*pidp = pid;
		return (0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return (-1);
	return (status);
}

static int
reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return (-1);
	return (status);
}

static int
write_hello(int fd)
{
	return (write(fd, "hello", 5) == 5 ? 0 : 1);
}

static int
yield_then_write(int fd)
{
	for (int i = 0; i < 5; i++)
		sched_yield();
	return (write(fd, "late", 4) == 4 ? 0 : 1);
}

static int
write_big(int fd)
{
	for (int i = 0; i < BIG; i++)
		big[i] = (char)(i * 7 + i / 251);
	return (write(fd, big, BIG) == BIG ? 0 : 1);
}

static int
write_blocks(int c)
{
	char block[512];

	memset(block, c, sizeof(block));
	for (int i = 0; i < 24; i++)
		if (write(p[1], block, sizeof(block)) != sizeof(block))
			return (1);
	return (0);
}

static int
write_no_reader(int fd)
{
	write(fd, "x", 1);
	return (0);	/* not reached: SIGPIPE ends us */
}

static int
close_fd(int fd)
{
	return (close(fd) == 0 ? 0 : 1);
}

/* In a child: rfork(RFCFDG) without RFPROC closes all of the caller's descriptors. */
static int
rfork_cfdg_self(int fd)
{
	if (rfork(RFCFDG) != 0)
		return (1);
	errno = 0;
	if (write(1, "x", 1) != -1 || errno != EBADF)
		return (2);
	if (close(fd) != -1 || errno != EBADF)
		return (3);
	return (0);
}

static int
expect_pipe_data(int fd)
{
	char buf[8];

	return (read(fd, buf, sizeof(buf)) == 3 && memcmp(buf, "abc", 3) == 0 ? 0 : 1);
}

/*
 * One pipe: bytes in and out, errors, dup and dup2, the table filled,
 * between processes.
 */
static int
one_pipe(void)
{
	int fds[2], status = -1, n, fd, fd2, saved[NOFILE], nsaved;
	char buf[1024];
	size_t got;
	pid_t pid, pid2;
	bool same;

	ok(pipe(p) == 0 && p[0] >= 3 && p[1] >= 3 && p[0] != p[1],
	    "pipe returns two new descriptors (%d, %d)", p[0], p[1]);
	ok(write(p[1], "abc", 3) == 3 && read(p[0], buf, sizeof(buf)) == 3 &&
	    memcmp(buf, "abc", 3) == 0, "bytes written come out of the read end");
	errno = 0;
	ok(write(p[0], "x", 1) == -1 && errno == EBADF, "writing the read end is EBADF");
	errno = 0;
	ok(read(p[1], buf, 1) == -1 && errno == EBADF, "reading the write end is EBADF");
	errno = 0;
	ok(read(p[0], buf, (size_t)-1) == -1 && errno == EINVAL,
	    "a negative length is EINVAL");
	write(p[1], "abc", 3);
	errno = 0;
	ok(read(p[0], (void *)0x10, 3) == -1 && errno == EFAULT,
	    "reading into a bad buffer is EFAULT");
	ok(read(p[0], buf, sizeof(buf)) == 3, "and the bytes stay in the pipe");
	errno = 0;
	ok(write(p[1], (void *)0xffffffff80000000ul, 8) == -1 && errno == EFAULT,
	    "writing from a kernel address is EFAULT");


	/* Descriptor calls. */
	fd = dup(p[1]);
	ok(fd == p[1] + 1, "dup takes the lowest free descriptor (%d)", fd);
	ok(write(fd, "d", 1) == 1 && read(p[0], buf, 1) == 1 && buf[0] == 'd',
	    "a dup writes into the same pipe");
	ok(close(fd) == 0, "close of an open descriptor");
	errno = 0;
	ok(close(fd) == -1 && errno == EBADF, "a second close is EBADF");
	errno = 0;
	ok(close(-1) == -1 && errno == EBADF, "close(-1) is EBADF");
	errno = 0;
	ok(dup(NOFILE + 5) == -1 && errno == EBADF, "dup of a number past the table is EBADF");
	errno = 0;
	ok(dup(fd) == -1 && errno == EBADF, "dup of a closed descriptor is EBADF");
	ok(dup2(p[0], p[0]) == p[0], "dup2 onto itself returns it");
	errno = 0;
	ok(dup2(fd, 20) == -1 && errno == EBADF, "dup2 from a closed descriptor is EBADF");
	errno = 0;
	ok(dup2(p[0], -1) == -1 && errno == EBADF, "dup2 to a negative number is EBADF");
	errno = 0;
	ok(dup2(p[0], NOFILE) == -1 && errno == EBADF, "dup2 to NOFILE is EBADF");
	fd2 = dup(p[1]);
	ok(dup2(p[0], fd2) == fd2 && read(fd2, buf, 0) == 0 &&
	    write(p[1], "q", 1) == 1 && read(fd2, buf, 1) == 1 && buf[0] == 'q',
	    "dup2 closes the target and makes it the source");
	errno = 0;
	ok(write(fd2, "x", 1) == -1 && errno == EBADF, "so the old write end is gone from it");
	close(fd2);

	nsaved = 0;
	while ((fd = dup(0)) != -1)
		saved[nsaved++] = fd;
	ok(errno == EMFILE && nsaved == NOFILE - 5, "dup fails with EMFILE at %d (%d made)",
	    NOFILE, nsaved);
	errno = 0;
	ok(pipe(fds) == -1 && errno == EMFILE, "so does pipe");
	close(saved[--nsaved]);
	errno = 0;
	ok(pipe(fds) == -1 && errno == EMFILE && dup(0) == saved[nsaved],
	    "a pipe needing two slots when one is free fails and leaks nothing");
	nsaved++;
	for (int i = 0; i < nsaved; i++)
		close(saved[i]);
	fd = dup(0);
	close(fd);
	errno = 0;
	ok(pipe(NULL) == -1 && errno == EFAULT, "pipe into NULL is EFAULT");
	ok(dup(0) == fd, "and leaves no descriptor behind");
	close(fd);

	ok(close(p[1]) == 0 && read(p[0], buf, sizeof(buf)) == 0,
	    "reading a pipe whose writer closed is end-of-file");
	close(p[0]);


	/* Between processes. */
	pipe(p);
	status = child_status(write_hello, p[1], NULL);
	ok(status == 0 && read(p[0], buf, sizeof(buf)) == 5 && memcmp(buf, "hello", 5) == 0,
	    "data goes through a pipe from child to parent");

	child_status(yield_then_write, p[1], &pid);
	n = (int)read(p[0], buf, sizeof(buf));
	ok(n == 4 && memcmp(buf, "late", 4) == 0,
	    "a read on an empty pipe sleeps until the child writes");
	reap(pid);

	child_status(yield_then_write, p[1], &pid);
	close(p[1]);
	n = (int)read(p[0], buf, sizeof(buf));
	ok(n == 4 && read(p[0], buf, sizeof(buf)) == 0,
	    "end-of-file comes only when the child's inherited writer goes too");
	reap(pid);
	close(p[0]);

	pipe(p);
	child_status(write_big, p[1], &pid);
	close(p[1]);
	for (int i = 0; i < BIG; i++)
		big[i] = (char)(i * 7 + i / 251);
	got = 0;
	same = true;
	while ((n = (int)read(p[0], buf, 1000)) > 0) {
		if (got + (size_t)n > BIG || memcmp(buf, big + got, (size_t)n) != 0)
			same = false;
		got += (size_t)n;
	}
	status = reap(pid);
	ok(got == BIG && same && status == 0,
	    "a 64 KiB write arrives whole and in order through reads of 1000 (%d bytes)",
	    (int)got);
	close(p[0]);

	pipe(p);
	child_status(write_blocks, 'a', &pid);
	child_status(write_blocks, 'b', &pid2);
	close(p[1]);
	got = 0;
	same = true;
	for (;;) {
		size_t have = 0;

		while (have < PIPE_BUF && (n = (int)read(p[0], buf + have,
		    PIPE_BUF - have)) > 0)
			have += (size_t)n;
		if (have == 0)
			break;
		for (size_t i = 1; i < have; i++)
			if (buf[i] != buf[0])
				same = false;
		got += have;
	}
	ok(got == 2 * 24 * 512 && same && reap(pid) == 0 && reap(pid2) == 0,
	    "writes of PIPE_BUF bytes from two writers never interleave");
	close(p[0]);

	pipe(p);
	close(p[0]);
	status = child_status(write_no_reader, p[1], NULL);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
	    "a write with no reader is killed by SIGPIPE (status %#x)", status);
	close(p[1]);
	return (0);
}

/* fork and rfork share or copy the descriptor table. */
static int
fork_and_table(void)
{
	int fds[2], status = -1, n, fd;
	char buf[1024];
	pid_t pid;

	/* fork and rfork and the table. */
	pipe(p);
	status = child_status(close_fd, p[1], NULL);
	ok(status == 0 && write(p[1], "k", 1) == 1 && read(p[0], buf, 1) == 1,
	    "a descriptor the child closes stays open in the parent");

	fflush(stdout);
	if ((pid = rfork(RFPROC | RFCFDG)) == 0) {
		errno = 0;
		_exit(write(1, "x", 1) == -1 && errno == EBADF &&
		    read(p[0], buf, 1) == -1 && errno == EBADF ? 0 : 1);
	}
	ok(pid > 0 && reap(pid) == 0, "an rfork(RFPROC|RFCFDG) child has no descriptors");

	fflush(stdout);
	if ((pid = rfork(RFPROC)) == 0) {
		if (pipe(fds) != 0 || write(fds[1], "abc", 3) != 3)
			_exit(255);
		_exit(fds[0]);
	}
	status = reap(pid);
	fd = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	ok(fd > 0 && fd < NOFILE && expect_pipe_data(fd) == 0,
	    "rfork(RFPROC) shares the table: the child's new pipe is the parent's (fd %d)", fd);
	if (fd > 0 && fd < NOFILE) {
		close(fd);
		close(fd + 1);
	}

	fflush(stdout);
	if ((pid = rfork(RFPROC | RFTHREAD)) == 0)
		_exit(dup(p[0]));
	status = reap(pid);
	fd = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	ok(fd > 0 && fd < NOFILE && close(fd) == 0,
	    "so does rfork(RFPROC|RFTHREAD) (fd %d)", fd);

	fflush(stdout);
	if ((pid = rfork(RFPROC)) == 0) {
		if (rfork(RFFDG) != 0)
			_exit(255);
		_exit(dup(p[0]));
	}
	status = reap(pid);
	fd = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	errno = 0;
	ok(fd > 0 && fd < NOFILE && close(fd) == -1 && errno == EBADF,
	    "rfork(RFFDG) without RFPROC unshares a shared table (fd %d)", fd);

	status = child_status(rfork_cfdg_self, p[0], NULL);
	ok(status == 0, "rfork(RFCFDG) without RFPROC closes every descriptor (status %#x)",
	    status);
	ok(write(p[1], "z", 1) == 1 && read(p[0], buf, 1) == 1 && buf[0] == 'z',
	    "and the parent's table is untouched");
	close(p[0]);
	close(p[1]);

	pipe_churn();
	n = unleaked_pages();
	pipe_churn();
	ok(unleaked_pages() == n, "200 pipes opened and closed give back every page (%d, %d)",
	    n, unleaked_pages());
	n = unleaked_pages();
	pipe(p);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		close(p[0]);
		for (int i = 0; i < 4; i++)
			write(p[1], big, sizeof(big));
		_exit(0);
	}
	close(p[1]);
	read(p[0], buf, 10);
	close(p[0]);	/* the child sleeps on a full pipe: SIGPIPE wakes and ends it */
	status = reap(pid);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
	    "a writer asleep on a full pipe gets SIGPIPE when the reader closes (%#x)",
	    status);
	ok(unleaked_pages() == n, "and every page comes back (%d, %d)", n, unleaked_pages());

	pipe_fail_point();
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(one_pipe, "one pipe: bytes in and out, errors, dup and dup2, the table filled, between processes"),
	TAP_CASE(fork_and_table, "fork and rfork share or copy the descriptor table"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
