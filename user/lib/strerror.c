/*
 * strerror: FreeBSD's messages for the error numbers forkrt has.
 */
#include <forkrt.h>

static const char *const errlist[] = {
	[0] = "No error: 0",
	[EPERM] = "Operation not permitted",
	[ENOENT] = "No such file or directory",
	[ESRCH] = "No such process",
	[EINTR] = "Interrupted system call",
	[EIO] = "Input/output error",
	[E2BIG] = "Argument list too long",
	[ENOEXEC] = "Exec format error",
	[EBADF] = "Bad file descriptor",
	[ECHILD] = "No child processes",
	[EDEADLK] = "Resource deadlock avoided",
	[ENOMEM] = "Cannot allocate memory",
	[EACCES] = "Permission denied",
	[EFAULT] = "Bad address",
	[EBUSY] = "Device busy",
	[EEXIST] = "File exists",
	[EINVAL] = "Invalid argument",
	[EMFILE] = "Too many open files",
	[ENOSPC] = "No space left on device",
	[ESPIPE] = "Illegal seek",
	[EPIPE] = "Broken pipe",
	[EDOM] = "Numerical argument out of domain",
	[ERANGE] = "Result too large",
	[EAGAIN] = "Resource temporarily unavailable",
	[ENOTSUP] = "Operation not supported",
	[ETIMEDOUT] = "Operation timed out",
	[ENAMETOOLONG] = "File name too long",
	[ENOSYS] = "Function not implemented",
	[EILSEQ] = "Illegal byte sequence",
};

/*
 * An unknown number gets "Unknown error: N" in a static buffer (POSIX
 * lets a later call overwrite it), like FreeBSD's.
 */
char *
strerror(int error)
{
	static char unknown[32];

	if (error >= 0 && error < (int)(sizeof(errlist) / sizeof(errlist[0])) &&
	    errlist[error] != NULL)
		return ((char *)errlist[error]);
	snprintf(unknown, sizeof(unknown), "Unknown error: %d", error);
	return (unknown);
}
