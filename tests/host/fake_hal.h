/*
 * The fake HAL for host tests: "physical memory" is a malloc'd arena
 * placed at a fake physical address, its RAM the ranges a test sets
 * (registered with mm/physmem.c, as a platform does).
 */
#ifndef _FAKE_HAL_H_
#define _FAKE_HAL_H_

#include "types.h"

#define FAKE_PHYS_BASE	0x40000000ul

struct fake_range {
	paddr_t	base;
	size_t	len;
};

/* What hal_cycles() and hal_time_ns() last returned; each reading adds a step. */
extern uint64_t fake_clock;

/* What hal_entropy() hands out (none unless a test sets it). */
extern const void *fake_entropy;
extern size_t fake_entropy_len;

/* Give the fake machine an arena of `size` bytes and these RAM ranges inside it. */
void	fake_mem_setup(size_t size, const struct fake_range *ranges, int n);

#endif
