/*
 * Running tests/guest/hardprobe and reading what it reports: for the ssp
 * and aslr suites.
 */
#ifndef _HARDPROBE_H_
#define _HARDPROBE_H_

#include "tap.h"

struct probe {
	unsigned long	stack, mmap, brk, guard;
};

/*
 * Exec hardprobe with arg (or none) in a child, its fd `fd` (1 or 2) on a
 * pipe; the output in out (NUL-terminated), the wait status returned, or
 * -1 when something failed before the child ran.
 */
static __attribute__((unused)) int
probe_run(const char *arg, int fd, char *out, size_t len)
{
	char *argv[] = { "hardprobe", (char *)arg, NULL };
	int p[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(p) != 0)
		return (-1);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		dup2(p[1], fd);
		close(p[0]);
		close(p[1]);
		execv("hardprobe", argv);
		_exit(127);
	}
	close(p[1]);
	while (got < len - 1 && (n = read(p[0], out + got, len - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(p[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return (-1);
	return (status);
}

/* A field "name=0x..." of hardprobe's line. */
static __attribute__((unused)) unsigned long
probe_field(const char *s, const char *name)
{
	const char *f = strstr(s, name);

	return (f == NULL ? 0 : strtoul(f + strlen(name), NULL, 16));
}

/* One exec of hardprobe: 0 with *pr filled, or -1. */
static __attribute__((unused)) int
probe(struct probe *pr)
{
	char out[256];

	if (probe_run(NULL, 1, out, sizeof(out)) != 0)
		return (-1);
	pr->stack = probe_field(out, "stack=");
	pr->mmap = probe_field(out, "mmap=");
	pr->brk = probe_field(out, "brk=");
	pr->guard = probe_field(out, "guard=");
	return (pr->stack != 0 && pr->mmap != 0 && pr->brk != 0 ? 0 : -1);
}

#endif
