/*
 * The user address space, [VM_MIN_USER, VM_MAX_USER), as the platform
 * lays it out (pmap.h's contract names it).  The first 64 KiB stay
 * unmapped so that a NULL dereference faults.  Host tests use the
 * real platforms' layout (both put the top at 256 GiB).
 */
#ifndef _VMPARAM_H_
#define _VMPARAM_H_

#define VM_MIN_USER	0x10000ul
#define VM_MAX_USER	0x4000000000ul	/* 256 GiB */
#define USRSTACK	VM_MAX_USER

#endif /* !_VMPARAM_H_ */
