/*
 * <sys/cpuset.h>: FreeBSD's CPU sets (one 64-bit word: forkrt has at
 * most 64 CPUs) and affinity calls.  cpuset_setaffinity(CPU_LEVEL_WHICH,
 * CPU_WHICH_TID, -1, sizeof(cpuset_t), &set) pins the calling lwp.
 */
#ifndef _SYS_CPUSET_H_
#define _SYS_CPUSET_H_

#include <sys/types.h>

typedef struct cpuset cpuset_t;
typedef int cpulevel_t;
typedef int cpuwhich_t;

#define CPU_ZERO(s)	((s)->__bits[0] = 0)
#define CPU_FILL(s)	((s)->__bits[0] = ~(uint64_t)0)
#define CPU_SET(n, s)	((s)->__bits[0] |= (uint64_t)1 << (n))
#define CPU_CLR(n, s)	((s)->__bits[0] &= ~((uint64_t)1 << (n)))
#define CPU_ISSET(n, s)	(((s)->__bits[0] >> (n)) & 1)
#define CPU_COUNT(s)	__builtin_popcountll((s)->__bits[0])

int	cpuset_setaffinity(cpulevel_t level, cpuwhich_t which, id_t id,
	    size_t setsize, const cpuset_t *mask);
int	cpuset_getaffinity(cpulevel_t level, cpuwhich_t which, id_t id,
	    size_t setsize, cpuset_t *mask);

#endif /* !_SYS_CPUSET_H_ */
