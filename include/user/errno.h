/*
 * <errno.h>: the error numbers (<sys/errno.h>) and errno, which the
 * system call wrappers set on failure.
 */
#ifndef _ERRNO_H_
#define _ERRNO_H_

#include <sys/errno.h>

/* Per thread (POSIX): the running thread's, user/lib/errno.c. */
int	*__error(void);
#define errno	(*__error())

#endif /* !_ERRNO_H_ */
