/*
 * Host tests' way to watch code that panics or must not: run it in a
 * child whose standard output (the fake HAL's panic prints there) comes
 * back in a buffer.  The C library calls it needs are declared here, not
 * through the system headers (host_libc.h says why).
 */
#ifndef _CHILD_OUTPUT_H_
#define _CHILD_OUTPUT_H_

#include "host_libc.h"
#include "kernel.h"

int	fork(void);
int	pipe(int[2]);
int	dup2(int, int);
int	close(int);
long	read(int, void *, size_t);
int	waitpid(int, int *, int);
int	fflush(void *);
char	*strstr(const char *, const char *);

/*
 * Run fn in a child, its stdout into out[0, size) (NUL-terminated); the
 * child exits 0 if fn returns true, 1 if false.  The child's wait
 * status, or -1 if there was no child.
 */
static __attribute__((unused)) int
child_output(bool (*fn)(void), char *out, size_t size)
{
	int fds[2], status = -1, pid;
	long n, got = 0;
	bool pass;

	fflush(NULL);
	if (pipe(fds) != 0)
		return (-1);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return (-1);
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		pass = fn();
		fflush(NULL);
		exit(pass ? 0 : 1);
	}
	close(fds[1]);
	while (got < (long)size - 1 && (n = read(fds[0], out + got, size - 1 - (size_t)got)) > 0)
		got += n;
	out[got] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	return (status);
}

#endif
