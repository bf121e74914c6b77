/*
 * The HAL's one-instruction services (smp.h, hal.h): the running CPU,
 * interrupt masking, the counter, the spin-wait hint.
 */
#ifndef _HAL_INLINE_H_
#define _HAL_INLINE_H_

#include "types.h"

struct cpu;

/* TPIDR_EL1 is this CPU's struct cpu, set once at bring-up; user mode cannot see it. */
static inline struct cpu *
hal_curcpu(void)
{
	struct cpu *ci;

	__asm__ volatile("mrs %0, tpidr_el1" : "=r"(ci));
	return (ci);
}

#define HAL_DAIF_I	0x80	/* PSTATE.I as DAIF reads it */

/* Returns non-zero when IRQs were enabled. */
static inline uint64_t
hal_intr_disable(void)
{
	uint64_t daif;

	__asm__ volatile("mrs %0, daif; msr daifset, #2" : "=r"(daif) : : "memory");
	return (~daif & HAL_DAIF_I);
}

static inline void
hal_intr_restore(uint64_t state)
{
	if (state & HAL_DAIF_I)
		__asm__ volatile("msr daifclr, #2" : : : "memory");
}

/* The virtual count: the same on every CPU, at CNTFRQ_EL0 (hal_timecount_ns converts). */
static inline uint64_t
hal_timecount(void)
{
	uint64_t t;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t) : : "memory");
	return (t);
}

/*
 * Where a frame's record (the caller's x29, then x30) is for the
 * backtrace: at the address x29 holds (AAPCS64's frame record).
 */
#define HAL_FRAME_RECORD	0

static inline void
hal_pause(void)
{
	__asm__ volatile("yield" : : : "memory");
}

#endif /* !_HAL_INLINE_H_ */
