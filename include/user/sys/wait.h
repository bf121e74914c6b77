/*
 * <sys/wait.h>: waiting for children.  The status macros, WNOHANG and the
 * other options, idtype_t and struct rusage are <forkrt/abi.h>'s.
 */
#ifndef _SYS_WAIT_H_
#define _SYS_WAIT_H_

#include <sys/types.h>

pid_t	wait(int *status);
pid_t	waitpid(pid_t pid, int *status, int options);
pid_t	wait3(int *status, int options, struct rusage *rusage);
pid_t	wait4(pid_t pid, int *status, int options, struct rusage *rusage);
pid_t	wait6(idtype_t idtype, id_t id, int *status, int options,
	    struct __wrusage *wrusage, siginfo_t *infop);
int	waitid(idtype_t idtype, id_t id, siginfo_t *infop, int options);

#endif /* !_SYS_WAIT_H_ */
