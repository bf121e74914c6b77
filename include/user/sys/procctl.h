/*
 * <sys/procctl.h>: FreeBSD's procctl(2), with its reaper commands
 * (PROC_REAP_ACQUIRE, PROC_REAP_RELEASE, PROC_REAP_STATUS,
 * PROC_REAP_GETPIDS, PROC_REAP_KILL).  The numbers and structures are
 * <forkrt/abi.h>'s, shared with the kernel; idtype is P_PID.
 */
#ifndef _SYS_PROCCTL_H_
#define _SYS_PROCCTL_H_

#include <sys/types.h>
#include <sys/wait.h>

int	procctl(idtype_t idtype, id_t id, int cmd, void *data);

#endif /* !_SYS_PROCCTL_H_ */
