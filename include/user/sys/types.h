/*
 * <sys/types.h>: the POSIX types.  The kernel's numbers and structures
 * come along (<forkrt/abi.h>): every POSIX header of forkrt includes them
 * whole rather than piecemeal, as FreeBSD's do under __BSD_VISIBLE.
 */
#ifndef _SYS_TYPES_H_
#define _SYS_TYPES_H_

#include <stddef.h>
#include <stdint.h>

#include <forkrt/abi.h>

typedef int32_t		pid_t;
typedef uint32_t	uid_t;
typedef uint32_t	gid_t;
typedef int64_t		id_t;		/* a pid, pgid, uid or tid: waitid, cpuset */
typedef int32_t		lwpid_t;
typedef int64_t		ssize_t;
typedef int64_t		off_t;
typedef uint16_t	mode_t;
typedef int		clockid_t;
typedef uint32_t	useconds_t;

/* FreeBSD's and libthread_xu's; <pthread.h> defines the structure. */
typedef struct pthread	*pthread_t;

#endif /* !_SYS_TYPES_H_ */
