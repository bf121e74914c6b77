/*
 * The user address space, [VM_MIN_USER, VM_MAX_USER), as the platform
 * lays it out (pmap.h's contract names it).  The first 64 KiB stay
 * unmapped so that a NULL dereference faults.  The top is 256 GiB: the
 * lower half of a 4-level x86-64 space is 128 TiB, but one PML4 slot
 * (512 GiB) is plenty, and a small top keeps pmap_bounds' per-gigabyte
 * bounds small.  The kernel lives in the upper half, never visible to
 * user mode.
 */
#ifndef _VMPARAM_H_
#define _VMPARAM_H_

#define VM_MIN_USER	0x10000ul
#define VM_MAX_USER	0x4000000000ul	/* 256 GiB */
#define USRSTACK	VM_MAX_USER

#endif /* !_VMPARAM_H_ */
