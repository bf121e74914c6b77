/*
 * <sys/resource.h>: resource usage and limits (RLIMIT_NPROC).
 */
#ifndef _SYS_RESOURCE_H_
#define _SYS_RESOURCE_H_

#include <sys/time.h>

int	getrusage(int who, struct rusage *usage);
int	getrlimit(int resource, struct rlimit *rl);
int	setrlimit(int resource, const struct rlimit *rl);

#endif /* !_SYS_RESOURCE_H_ */
