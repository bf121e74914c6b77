/*
 * <fcntl.h>: descriptor control.  F_*, O_* and FD_CLOEXEC are in
 * <forkrt/abi.h>; there is no file system, so no open or creat.
 */
#ifndef _FCNTL_H_
#define _FCNTL_H_

#include <sys/types.h>

int	fcntl(int fd, int cmd, ...);

#endif /* !_FCNTL_H_ */
