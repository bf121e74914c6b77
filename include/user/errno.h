/*
 * <errno.h>: the error numbers (<sys/errno.h>) and errno, which the
 * system call wrappers set on failure.
 */
#ifndef _ERRNO_H_
#define _ERRNO_H_

#include <sys/errno.h>

extern int errno;

#endif /* !_ERRNO_H_ */
