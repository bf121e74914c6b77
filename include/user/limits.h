/*
 * <limits.h>: the compiler's (integer widths: CHAR_BIT, INT_MAX, ...),
 * plus the POSIX limits forkrt's kernel sets.
 */
#ifndef _LIMITS_H_
#define _LIMITS_H_

#include_next <limits.h>

/* The kernel's PIPE_BUF and NOFILE (core/file.h); the posix suite checks both. */
#define PIPE_BUF	512	/* a pipe write of at most this many bytes is atomic */
#define OPEN_MAX	64	/* descriptors per process: EMFILE past it */

#endif /* !_LIMITS_H_ */
