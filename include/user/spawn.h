/*
 * <spawn.h>: posix_spawn, over FreeBSD's rfork(RFSPAWN): the child shares
 * the parent's memory (the parent waits until it execs or exits), starts
 * with the parent's caught signals back at SIG_DFL, applies the
 * attributes and file actions, and execs; any failure reaches the caller
 * as posix_spawn's return value, and its child is reaped.
 *
 * forkrt has no file system and no environment: programs are the ones
 * built into the image, found by name (posix_spawnp is posix_spawn), envp
 * is not passed on, addopen's action fails the spawn with ENOENT (there
 * is no path to open: use pipes and adddup2), and there is no addchdir.
 * There is one scheduling policy, so POSIX_SPAWN_SETSCHEDULER and
 * POSIX_SPAWN_SETSCHEDPARAM are refused (EINVAL from setflags).
 */
#ifndef _SPAWN_H_
#define _SPAWN_H_

#include <signal.h>
#include <sys/types.h>

typedef struct __posix_spawnattr		*posix_spawnattr_t;
typedef struct __posix_spawn_file_actions	*posix_spawn_file_actions_t;

/* FreeBSD's values */
#define POSIX_SPAWN_RESETIDS		0x01
#define POSIX_SPAWN_SETPGROUP		0x02
#define POSIX_SPAWN_SETSCHEDPARAM	0x04
#define POSIX_SPAWN_SETSCHEDULER	0x08
#define POSIX_SPAWN_SETSIGDEF		0x10
#define POSIX_SPAWN_SETSIGMASK		0x20
#define POSIX_SPAWN_SETSID		0x80

int	posix_spawn(pid_t *restrict pid, const char *restrict path,
	    const posix_spawn_file_actions_t *file_actions,
	    const posix_spawnattr_t *restrict attrp, char *const argv[restrict],
	    char *const envp[restrict]);
int	posix_spawnp(pid_t *restrict pid, const char *restrict file,
	    const posix_spawn_file_actions_t *file_actions,
	    const posix_spawnattr_t *restrict attrp, char *const argv[restrict],
	    char *const envp[restrict]);

int	posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa);
int	posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa);
int	posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *restrict fa,
	    int fd, const char *restrict path, int oflag, mode_t mode);
int	posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd,
	    int newfd);
int	posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd);

int	posix_spawnattr_init(posix_spawnattr_t *attr);
int	posix_spawnattr_destroy(posix_spawnattr_t *attr);
int	posix_spawnattr_getflags(const posix_spawnattr_t *restrict attr,
	    short *restrict flags);
int	posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags);
int	posix_spawnattr_getpgroup(const posix_spawnattr_t *restrict attr,
	    pid_t *restrict pgroup);
int	posix_spawnattr_setpgroup(posix_spawnattr_t *attr, pid_t pgroup);
int	posix_spawnattr_getsigmask(const posix_spawnattr_t *restrict attr,
	    sigset_t *restrict mask);
int	posix_spawnattr_setsigmask(posix_spawnattr_t *restrict attr,
	    const sigset_t *restrict mask);
int	posix_spawnattr_getsigdefault(const posix_spawnattr_t *restrict attr,
	    sigset_t *restrict sigdefault);
int	posix_spawnattr_setsigdefault(posix_spawnattr_t *restrict attr,
	    const sigset_t *restrict sigdefault);

#endif /* !_SPAWN_H_ */
