/*
 * The user address space, [VM_MIN_USER, VM_MAX_USER), as the platform
 * lays it out (pmap.h's contract names it).  The first 64 KiB stay
 * unmapped so that a NULL dereference faults.  The top is 256 GiB, in
 * TTBR0's first level-0 slot (48-bit VAs leave room for 256 TiB; the
 * other platforms' 256 GiB keep the same layout everywhere).  The kernel
 * lives in TTBR1's half, never visible to user mode.
 */
#ifndef _VMPARAM_H_
#define _VMPARAM_H_

#define VM_MIN_USER	0x10000ul
#define VM_MAX_USER	0x4000000000ul	/* 256 GiB */
#define USRSTACK	VM_MAX_USER

#endif /* !_VMPARAM_H_ */
