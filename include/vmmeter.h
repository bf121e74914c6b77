/*
 * Fork counters by kind, FreeBSD's struct vmmeter fields of the same names
 * (sysctl vm.stats.vm.v_*).  The page counts are the sizes, in pages, of
 * the writable (data, heap, stack, mmap) part of each forked address
 * space, as the seeds count vm_dsize + vm_ssize.
 */
#ifndef _VMMETER_H_
#define _VMMETER_H_

struct vmmeter {
	unsigned	v_forks;	/* fork() */
	unsigned	v_vforks;	/* vfork() */
	unsigned	v_rforks;	/* rfork() with any other flags */
	unsigned	v_kthreads;	/* kernel threads from proc0 */
	unsigned	v_forkpages;
	unsigned	v_vforkpages;
	unsigned	v_rforkpages;
	unsigned	v_kthreadpages;
};

extern struct vmmeter vmcnt;

#endif
