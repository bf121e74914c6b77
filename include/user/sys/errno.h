/*
 * <sys/errno.h>: the error numbers, FreeBSD's.  Only values: the kernel
 * includes this too (through <forkrt/abi.h>); <errno.h> adds errno.
 */
#ifndef _SYS_ERRNO_H_
#define _SYS_ERRNO_H_

#define EPERM		1
#define ENOENT		2
#define ESRCH		3
#define EINTR		4
#define EIO		5
#define E2BIG		7
#define ENOEXEC		8
#define EBADF		9
#define ECHILD		10
#define EDEADLK		11
#define ENOMEM		12
#define EACCES		13
#define EFAULT		14
#define EBUSY		16
#define EEXIST		17
#define EINVAL		22
#define EMFILE		24
#define ENOSPC		28
#define ESPIPE		29
#define EPIPE		32
#define EDOM		33	/* ISO C asks for it */
#define ERANGE		34
#define EAGAIN		35
#define EWOULDBLOCK	EAGAIN
#define ENOTSUP		45
#define EOPNOTSUPP	ENOTSUP
#define ETIMEDOUT	60
#define ENAMETOOLONG	63
#define ENOSYS		78
#define EILSEQ		86	/* ISO C asks for it */

#endif /* !_SYS_ERRNO_H_ */
