/*
 * Bookkeeping both pmaps keep so that range walks and pmap_destroy look
 * only where leaf tables are: for each gigabyte of the user range (one
 * table of leaf-table pointers on both platforms), the lowest and highest
 * slot that has ever held a leaf table.  The bounds only widen, until the
 * pmap is destroyed: a slot inside them may be empty, one outside them
 * always is.  A fork-heavy process has a few tables in a few gigabytes,
 * and each of those gigabytes' 512 slots would otherwise be read on every
 * fork and exit.
 */
#ifndef _PMAP_BOUNDS_H_
#define _PMAP_BOUNDS_H_

#include "types.h"

#define PTB_GIGS	(VM_MAX_USER >> 30)
#define PTB_SLOTS	512

struct pt_bounds {
	uint16_t	lo[PTB_GIGS];	/* PTB_SLOTS: none yet */
	uint16_t	hi[PTB_GIGS];
};

static inline void
ptb_init(struct pt_bounds *b)
{
	for (size_t g = 0; g < PTB_GIGS; g++) {
		b->lo[g] = PTB_SLOTS;
		b->hi[g] = 0;
	}
}

/* A leaf table now maps the 2 MiB at va. */
static inline void
ptb_note(struct pt_bounds *b, vaddr_t va)
{
	size_t g = va >> 30;
	uint16_t s = (uint16_t)((va >> 21) & (PTB_SLOTS - 1));

	if (s < b->lo[g])
		b->lo[g] = s;
	if (s > b->hi[g])
		b->hi[g] = s;
}

/*
 * The first address at or after va, in va's gigabyte, that may have a
 * leaf table, or the start of the next gigabyte if none may.
 */
static inline vaddr_t
ptb_skip(const struct pt_bounds *b, vaddr_t va)
{
	size_t g = va >> 30;
	vaddr_t gig = va & ~((1ul << 30) - 1);
	uint16_t s = (uint16_t)((va >> 21) & (PTB_SLOTS - 1));

	if (b->lo[g] > b->hi[g] || s > b->hi[g])
		return (gig + (1ul << 30));
	if (s < b->lo[g])
		return (gig + ((vaddr_t)b->lo[g] << 21));
	return (va);
}

/* Past the last slot of va's gigabyte that may have a leaf table? */
static inline bool
ptb_past(const struct pt_bounds *b, vaddr_t va)
{
	return (((va >> 21) & (PTB_SLOTS - 1)) > b->hi[va >> 30] ||
	    (va & ((1ul << 30) - 1)) == 0);
}

#endif /* !_PMAP_BOUNDS_H_ */
