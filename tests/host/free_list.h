/*
 * Host tests' look at mm/physmem.c's free list: what physmem_foreach
 * gives (got[], ngot) against the ranges a test wants.
 */
#ifndef _FREE_LIST_H_
#define _FREE_LIST_H_

#include "kernel.h"
#include "physmem.h"

struct want {
	paddr_t	base, end;
};

static __attribute__((unused)) struct want got[4 * PHYSMEM_MAX_RANGES];
static unsigned ngot;

static __attribute__((unused)) void
collect(paddr_t base, size_t len)
{
	if (ngot < nitems(got)) {
		got[ngot].base = base;
		got[ngot].end = base + len;
	}
	ngot++;
}

/* Whether the free list is exactly want[0..n); prints it (a TAP comment) when not. */
static __attribute__((unused)) bool
free_is(const struct want *want, unsigned n)
{
	bool same;
	unsigned i;

	ngot = 0;
	physmem_foreach(collect);
	same = ngot == n;
	for (i = 0; same && i < n; i++)
		same = got[i].base == want[i].base && got[i].end == want[i].end;
	if (!same) {
		printf("# free list:");
		for (i = 0; i < ngot && i < nitems(got); i++)
			printf(" %#lx-%#lx", (unsigned long)got[i].base,
			    (unsigned long)got[i].end);
		printf("\n");
	}
	return (same);
}

#endif
