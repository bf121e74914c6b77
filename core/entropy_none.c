/*
 * TEMPORARY, for the entropy branch only: a hal_entropy() that has no
 * hardware source, until the platforms' own (issue 15's hx86 and hriscv
 * branches: rdseed/rdrand, the device tree's rng-seed) are merged.  Weak,
 * so that a platform's definition wins if both are linked; delete this
 * file (and its line in core/meson.build) at that merge.  With it the
 * random source seeds from timer and cycle-counter jitter alone, which is
 * the path a machine without a hardware source takes.
 */
#include "hal.h"

__attribute__((weak)) size_t
hal_entropy(void *buf __unused, size_t len __unused)
{
	return (0);
}
