/*
 * Process descriptor calls (<sys/procdesc.h>).  pdfork and pdrfork of a
 * new address space hold the library's locks across the call as rfork
 * does (no pthread_atfork handlers: FreeBSD's pdfork is not interposed
 * either); a child sharing our memory shares the locks themselves.
 */
#include <forkrt.h>
#include <sys/procdesc.h>

#include "sys.h"
#include "thr_private.h"

void	__libc_fork_lock(void);
void	__libc_fork_unlock(bool child);

pid_t
pdfork(int *fdp, int flags)
{
	long r;

	__libc_fork_lock();
	r = SYS2(SYS_pdfork, fdp, flags);
	__libc_fork_unlock(r == 0);
	return ((pid_t)r);
}

pid_t
pdrfork(int *fdp, int pdflags, int rfflags)
{
	long r;

	if ((unsigned)rfflags & RFSPAWN || (rfflags & RFMEM)) {
		__libc_threaded = 1;
		return ((pid_t)SYS3(SYS_pdrfork, fdp, pdflags, rfflags));
	}
	__libc_fork_lock();
	r = SYS3(SYS_pdrfork, fdp, pdflags, rfflags);
	__libc_fork_unlock(r == 0);
	return ((pid_t)r);
}

int
pdgetpid(int fd, pid_t *pidp)
{
	return ((int)SYS2(SYS_pdgetpid, fd, pidp));
}

int
pdkill(int fd, int signum)
{
	return ((int)SYS2(SYS_pdkill, fd, signum));
}

int
pdwait(int fd, int *status, int options, struct __wrusage *wrusage, siginfo_t *info)
{
	return ((int)SYS5(SYS_pdwait, fd, status, options, wrusage, info));
}
