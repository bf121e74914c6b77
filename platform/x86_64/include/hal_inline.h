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

/* The kernel's %gs base is this CPU's struct cpu, whose first word points at itself. */
static inline struct cpu *
hal_curcpu(void)
{
	struct cpu *ci;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(ci));
	return (ci);
}

#define HAL_PSL_I	0x200	/* rflags.IF */

static inline uint64_t
hal_intr_disable(void)
{
	uint64_t rflags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(rflags) : : "memory");
	return (rflags & HAL_PSL_I);
}

static inline void
hal_intr_restore(uint64_t state)
{
	if (state & HAL_PSL_I)
		__asm__ volatile("sti" : : : "memory");
}

/* The TSC, which QEMU keeps in step across CPUs (hal_timecount_ns converts). */
static inline uint64_t
hal_timecount(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (((uint64_t)hi << 32) | lo);
}

/*
 * Where a frame's record (the caller's rbp, then the return address) is
 * for the backtrace: at the address rbp holds.
 */
#define HAL_FRAME_RECORD	0

/*
 * pause: a hint to the core, and under TCG the end of this vCPU's turn,
 * so that the CPU being waited for gets to run (under -icount, CPUs take
 * turns on one host thread).
 */
static inline void
hal_pause(void)
{
	__asm__ volatile("pause" : : : "memory");
}

#endif /* !_HAL_INLINE_H_ */
