/*
 * exit, number parsing, error names.
 */
#include <forkrt.h>

__attribute__((noreturn)) void
exit(int status)
{
	fflush(stdout);
	_exit(status);
}

__attribute__((noreturn)) void
abort(void)
{
	fflush(stdout);
	kill(getpid(), SIGABRT);
	_exit(127);
}

long
strtol(const char *s, char **end, int base)
{
	long v = 0;
	int neg = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	} else if (base == 0)
		base = s[0] == '0' ? 8 : 10;
	for (;; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'z')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'Z')
			d = *s - 'A' + 10;
		else
			break;
		if (d >= base)
			break;
		v = v * base + d;
	}
	if (end != NULL)
		*end = (char *)s;
	return (neg ? -v : v);
}

int
atoi(const char *s)
{
	return ((int)strtol(s, NULL, 10));
}

const char *
strerror(int error)
{
	static const char *const names[] = {
		[EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH",
		[EINTR] = "EINTR", [E2BIG] = "E2BIG", [ENOEXEC] = "ENOEXEC",
		[EBADF] = "EBADF", [ECHILD] = "ECHILD", [ENOMEM] = "ENOMEM",
		[EACCES] = "EACCES", [EFAULT] = "EFAULT", [EINVAL] = "EINVAL",
		[EMFILE] = "EMFILE", [EPIPE] = "EPIPE", [EAGAIN] = "EAGAIN",
		[ENAMETOOLONG] = "ENAMETOOLONG", [ENOSYS] = "ENOSYS",
	};

	if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) &&
	    names[error] != NULL)
		return (names[error]);
	return ("unknown error");
}
