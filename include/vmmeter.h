/*
 * Fork counters by kind, FreeBSD's struct vmmeter fields of the same names
 * (sysctl vm.stats.vm.v_*).  The page counts are the sizes, in pages, of
 * the writable (data, heap, stack, mmap) part of each forked address
 * space, as the seeds count vm_dsize + vm_ssize.
 *
 * The fault counters (FreeBSD's too) and the page-table ones say where
 * fork's deferred work went: v_vm_faults every vm_fault, v_cow_faults the
 * pages copied on write, v_zfod the pages zero-filled; v_pt_shared the
 * page-table pages fork shared instead of copying, v_pt_copied those a
 * pmap copied later because it had to change one still shared.  All
 * atomic (a).
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
	unsigned	v_vm_faults;
	unsigned	v_cow_faults;
	unsigned	v_zfod;
	unsigned	v_pt_shared;
	unsigned	v_pt_copied;
};

#define VMCNT_ADD(field, n)	__atomic_add_fetch(&vmcnt.field, (n), __ATOMIC_RELAXED)

extern struct vmmeter vmcnt;

#endif
