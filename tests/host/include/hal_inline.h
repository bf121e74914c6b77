/*
 * The inline HAL services for host tests: one CPU (fake_hal.c's), no
 * interrupts to mask.
 */
#ifndef _HAL_INLINE_H_
#define _HAL_INLINE_H_

#include "types.h"

struct cpu;

struct cpu *fake_curcpu(void);

static inline struct cpu *
hal_curcpu(void)
{
	return (fake_curcpu());
}

static inline uint64_t
hal_intr_disable(void)
{
	return (0);
}

static inline void
hal_intr_restore(uint64_t state __attribute__((unused)))
{
}

static inline uint64_t
hal_timecount(void)
{
	return (0);
}

/* Frame records as on riscv64, an offset away from the frame pointer. */
#define HAL_FRAME_RECORD	(-16)

static inline void
hal_pause(void)
{
}

#endif /* !_HAL_INLINE_H_ */
