/*
 * <unistd.h>: processes, descriptors and the other POSIX calls forkrt
 * has.  execv runs a program built into the image, by name; there is no
 * file system, hence no open, lseek or execve.
 */
#ifndef _UNISTD_H_
#define _UNISTD_H_

#include <sys/types.h>

#define STDIN_FILENO	0
#define STDOUT_FILENO	1
#define STDERR_FILENO	2

/* sysconf */
#define _SC_CHILD_MAX		2
#define _SC_CLK_TCK		3
#define _SC_OPEN_MAX		5
#define _SC_PAGESIZE		47
#define _SC_PAGE_SIZE		_SC_PAGESIZE
#define _SC_NPROCESSORS_CONF	57
#define _SC_NPROCESSORS_ONLN	58

/* processes */
pid_t	fork(void);
pid_t	vfork(void);
pid_t	rfork(int flags);
_Noreturn void _exit(int status);
int	execv(const char *name, char *const argv[]);
pid_t	getpid(void);
pid_t	getppid(void);
pid_t	getpgrp(void);
pid_t	getpgid(pid_t pid);
int	setpgid(pid_t pid, pid_t pgid);
pid_t	setsid(void);
pid_t	getsid(pid_t pid);
uid_t	getuid(void);
uid_t	geteuid(void);
int	setuid(uid_t uid);
long	sysconf(int name);
int	getpagesize(void);

/* time */
unsigned	alarm(unsigned seconds);
int	pause(void);
unsigned	sleep(unsigned seconds);
int	usleep(useconds_t usec);

/* descriptors */
int	pipe(int fds[2]);
int	pipe2(int fds[2], int flags);
ssize_t	read(int fd, void *buf, size_t len);
ssize_t	write(int fd, const void *buf, size_t len);
int	close(int fd);
int	dup(int fd);
int	dup2(int from, int to);

/* memory */
void	*sbrk(intptr_t incr);

#endif /* !_UNISTD_H_ */
