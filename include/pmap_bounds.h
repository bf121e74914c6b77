/*
 * Bookkeeping both pmaps keep so that range walks and pmap_destroy look
 * only where leaf tables are: for each gigabyte of the user range (one
 * table of leaf-table pointers on both platforms), the lowest and highest
 * slot that has ever held a leaf table.  The bounds only widen, until the
 * pmap is destroyed: a slot inside them may be empty, one outside them
 * always is.  A fork-heavy process has a few tables in a few gigabytes,
 * and each of those gigabytes' 512 slots would otherwise be read on every
 * fork and exit.  And which gigabytes have a table of leaf-table pointers
 * at all (gigs), so that pmap_destroy visits those few instead of all
 * PTB_GIGS of them (the stack's is the last, so no range would do).
 */
#ifndef _PMAP_BOUNDS_H_
#define _PMAP_BOUNDS_H_

#include "types.h"

#define PTB_GIGS	(VM_MAX_USER >> 30)
#define PTB_SLOTS	512

struct pt_bounds {
	uint64_t	gigs[(PTB_GIGS + 63) / 64];	/* bit g: gigabyte g has its table */
	uint16_t	lo[PTB_GIGS];	/* only where gigs says: PTB_SLOTS, none yet */
	uint16_t	hi[PTB_GIGS];
};

/* Only the bitmap: a gigabyte's bounds are set when its table is made. */
static inline void
ptb_init(struct pt_bounds *b)
{
	for (size_t w = 0; w < (PTB_GIGS + 63) / 64; w++)
		b->gigs[w] = 0;
}

static inline bool
ptb_has_gig(const struct pt_bounds *b, size_t g)
{
	return ((b->gigs[g / 64] >> (g % 64)) & 1);
}

/* The table of leaf-table pointers for va's gigabyte exists (now). */
static inline void
ptb_note_gig(struct pt_bounds *b, vaddr_t va)
{
	size_t g = va >> 30;

	if (ptb_has_gig(b, g))
		return;
	b->gigs[g / 64] |= 1ul << (g % 64);
	b->lo[g] = PTB_SLOTS;
	b->hi[g] = 0;
}

/* The first gigabyte at or after g that has its table, or PTB_GIGS. */
static inline size_t
ptb_next_gig(const struct pt_bounds *b, size_t g)
{
	uint64_t w;

	for (; g < PTB_GIGS; g = (g | 63) + 1)
		if ((w = b->gigs[g / 64] >> (g % 64)) != 0)
			return (g + (size_t)__builtin_ctzll(w));
	return (PTB_GIGS);
}

/* A leaf table now maps the 2 MiB at va. */
static inline void
ptb_note(struct pt_bounds *b, vaddr_t va)
{
	size_t g = va >> 30;
	uint16_t s = (uint16_t)((va >> 21) & (PTB_SLOTS - 1));

	ptb_note_gig(b, va);
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

	if (!ptb_has_gig(b, g) || b->lo[g] > b->hi[g] || s > b->hi[g])
		return (gig + (1ul << 30));
	if (s < b->lo[g])
		return (gig + ((vaddr_t)b->lo[g] << 21));
	return (va);
}

/* Past the last slot of va's gigabyte that may have a leaf table? */
static inline bool
ptb_past(const struct pt_bounds *b, vaddr_t va)
{
	return ((va & ((1ul << 30) - 1)) == 0 || !ptb_has_gig(b, va >> 30) ||
	    ((va >> 21) & (PTB_SLOTS - 1)) > b->hi[va >> 30]);
}

#endif /* !_PMAP_BOUNDS_H_ */
