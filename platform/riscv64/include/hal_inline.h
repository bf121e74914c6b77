/*
 * The HAL's one-instruction services, inline because the core calls them
 * on every spinlock: the running CPU, interrupt masking, and the
 * spin-wait hint.  Each platform has this file; the build puts its folder
 * on the include path (hal.h and smp.h describe the contracts).
 */
#ifndef _HAL_INLINE_H_
#define _HAL_INLINE_H_

#include "types.h"

struct cpu;

/* In the kernel, tp is this CPU's struct cpu (trap.S swaps it with the user's). */
static inline struct cpu *
hal_curcpu(void)
{
	struct cpu *ci;

	__asm__ volatile("mv %0, tp" : "=r"(ci));
	return (ci);
}

#define HAL_SSTATUS_SIE	0x2

static inline uint64_t
hal_intr_disable(void)
{
	uint64_t s;

	__asm__ volatile("csrrci %0, sstatus, %1" : "=r"(s) : "i"(HAL_SSTATUS_SIE) :
	    "memory");
	return (s & HAL_SSTATUS_SIE);
}

static inline void
hal_intr_restore(uint64_t state)
{
	if (state & HAL_SSTATUS_SIE)
		__asm__ volatile("csrsi sstatus, %0" : : "i"(HAL_SSTATUS_SIE) : "memory");
}

/*
 * The time CSR: the same on every hart, at the device tree's timebase
 * frequency (hal_timecount_ns converts).
 */
static inline uint64_t
hal_timecount(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return (t);
}

/*
 * Where a frame's record (the caller's s0, then ra) is for the backtrace:
 * the two words under the address s0 holds, the top of the frame.
 */
#define HAL_FRAME_RECORD	(-16)

/* Zihintpause's pause (a fence encoding, harmless where it is not implemented). */
static inline void
hal_pause(void)
{
	__asm__ volatile(".4byte 0x0100000f" : : : "memory");
}

#endif /* !_HAL_INLINE_H_ */
