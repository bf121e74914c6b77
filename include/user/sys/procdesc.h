/*
 * <sys/procdesc.h>: process descriptors, FreeBSD 15's interface.  A
 * descriptor names one child: pdkill signals it, pdwait waits for it
 * (wait6's options, statuses and siginfo), kqueue's EVFILT_PROCDESC
 * reports its NOTE_EXIT, and closing the last descriptor of a running
 * child kills it (SIGKILL) unless PD_DAEMON.  Its pid is not reused while
 * the descriptor is open.  PD_DAEMON, PD_CLOEXEC, RFPROCDESC and
 * EVFILT_PROCDESC are <forkrt/abi.h>'s.
 */
#ifndef _SYS_PROCDESC_H_
#define _SYS_PROCDESC_H_

#include <sys/types.h>

pid_t	pdfork(int *fdp, int flags);
pid_t	pdrfork(int *fdp, int pdflags, int rfflags);
int	pdgetpid(int fd, pid_t *pidp);
int	pdkill(int fd, int signum);
int	pdwait(int fd, int *status, int options, struct __wrusage *wrusage,
	    siginfo_t *info);

#endif /* !_SYS_PROCDESC_H_ */
