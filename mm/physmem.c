/*
 * Physical memory at boot: the RAM the platform registered less what it
 * excluded, as the page allocator's free list (physmem.h).
 *
 * Both tables stay sorted and merged as ranges come in, whatever order
 * the platform finds them in, so that a run of boot-time steals, each
 * next to the last, costs one exclusion and not one per page; the free
 * list is then one sweep over the two.  Exclusions are widened to whole
 * pages as they are added; RAM is shrunk to whole pages only in the
 * sweep, so that two registrations meeting inside a page still make one
 * range.
 */
#include "kernel.h"
#include "physmem.h"

struct range {
	paddr_t	base, end;
};

/* (b) boot CPU only; constant once sealed. */
static struct range ram[PHYSMEM_MAX_RANGES];	/* (b) */
static struct range excl[PHYSMEM_MAX_RANGES];	/* (b) */
static unsigned nram, nexcl;			/* (b) */
static bool sealed;				/* (b) the page allocator has read it */

/* Free ranges: each RAM range is cut at most once per exclusion. */
static struct range avail[2 * PHYSMEM_MAX_RANGES];

/* [base, base + len), its end clamped where the sum would wrap. */
static paddr_t
range_end(paddr_t base, size_t len)
{
	return (base + len < base ? ~(paddr_t)0 : base + len);
}

/*
 * Put [base, end) into the table r of *n ranges, merged with every range
 * it overlaps or touches.
 */
static void
range_add(struct range *r, unsigned *n, paddr_t base, paddr_t end,
    const char *what)
{
	unsigned i, j;

	KASSERT(!sealed, "physmem: a range added after page_init took the free list");
	if (base >= end)
		return;
	for (i = 0; i < *n && r[i].end < base; i++)
		;
	for (j = i; j < *n && r[j].base <= end; j++) {
		base = MIN(base, r[j].base);
		end = MAX(end, r[j].end);
	}
	if (i == j) {
		if (*n == PHYSMEM_MAX_RANGES)
			panic("physmem: more than %d %s ranges (%#lx-%#lx)",
			    PHYSMEM_MAX_RANGES, what, (unsigned long)base,
			    (unsigned long)end);
		memmove(&r[i + 1], &r[i], (*n - i) * sizeof(*r));
		(*n)++;
	} else if (j > i + 1) {
		memmove(&r[i + 1], &r[j], (*n - j) * sizeof(*r));
		*n -= j - i - 1;
	}
	r[i].base = base;
	r[i].end = end;
}

void
physmem_add_ram(paddr_t base, size_t len)
{
	range_add(ram, &nram, base, range_end(base, len), "RAM");
}

void
physmem_exclude(paddr_t base, size_t len)
{
	paddr_t end = range_end(base, len);

	if (len == 0)
		return;
	range_add(excl, &nexcl, trunc_page(base),
	    end > ~(paddr_t)PAGE_MASK ? ~(paddr_t)0 : round_page(end),
	    "excluded");
}

/* Fill avail[] with the free ranges, ascending; their number. */
static unsigned
avail_make(void)
{
	unsigned i, j = 0, n = 0;
	paddr_t b, e;

	for (i = 0; i < nram; i++) {
		b = round_page(ram[i].base);
		e = trunc_page(ram[i].end);
		/* Exclusions wholly below this RAM range are behind us for good. */
		for (; j < nexcl && excl[j].end <= b; j++)
			;
		for (unsigned k = j; k < nexcl && excl[k].base < e && b < e; k++) {
			if (excl[k].base > b) {
				avail[n].base = b;
				avail[n++].end = excl[k].base;
			}
			b = MAX(b, excl[k].end);
		}
		if (b < e) {
			avail[n].base = b;
			avail[n++].end = e;
		}
	}
	return (n);
}

paddr_t
physmem_steal(size_t len, paddr_t limit)
{
	unsigned i, n;

	KASSERT(len != 0 && (len & PAGE_MASK) == 0, "physmem_steal: not whole pages");
	n = avail_make();
	for (i = 0; i < n && avail[i].base < limit; i++) {
		if (avail[i].end - avail[i].base >= len &&
		    avail[i].base + len <= limit) {
			physmem_exclude(avail[i].base, len);
			return (avail[i].base);
		}
	}
	panic("physmem: no %zu free bytes below %#lx", len,
	    (unsigned long)limit);
}

void
physmem_foreach(void (*fn)(paddr_t base, size_t len))
{
	unsigned i, n;

	sealed = true;
	n = avail_make();
	for (i = 0; i < n; i++)
		fn(avail[i].base, avail[i].end - avail[i].base);
}

paddr_t
physmem_ram_end(void)
{
	return (nram == 0 ? 0 : ram[nram - 1].end);
}

bool
physmem_ram_overlaps(paddr_t base, size_t len)
{
	paddr_t end = range_end(base, len);
	unsigned i;

	for (i = 0; i < nram; i++)
		if (ram[i].base < end && base < ram[i].end)
			return (true);
	return (false);
}
