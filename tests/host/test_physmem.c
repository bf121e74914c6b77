/*
 * mm/physmem.c: the free list a platform's RAM and exclusions make
 * (sorted, merged, page-aligned, whatever the order they come in),
 * boot-time steals, the RAM queries, and the panics of a misuse.  The
 * module's tables are boot-time globals with no reset, so each case runs
 * in a child of its own, its output caught through a pipe.
 */
#include "fake_hal.h"
#include "host_libc.h"
#include "kernel.h"
#include "physmem.h"
#include "tap.h"

#include "child_output.h"
#include "free_list.h"

#define KIB	(1ul << 10)
#define MIB	(1ul << 20)

static bool
unordered(void)
{
	static const struct want want[] = {
		{ 1 * MIB, 4 * MIB }, { 5 * MIB, 8 * MIB },
		{ 16 * MIB, 20 * MIB }, { 21 * MIB, 32 * MIB },
	};

	physmem_add_ram(16 * MIB, 16 * MIB);
	physmem_exclude(20 * MIB, 1 * MIB);
	physmem_add_ram(0, 8 * MIB);
	physmem_exclude(4 * MIB, 1 * MIB);
	physmem_exclude(0, 1 * MIB);
	return (free_is(want, nitems(want)));
}

static bool
ram_merges(void)
{
	static const struct want want[] = {
		{ 0, 8 * MIB }, { 10 * MIB, 12 * MIB },
	};

	physmem_add_ram(10 * MIB, 2 * MIB);
	physmem_add_ram(0, 4 * MIB);
	physmem_add_ram(4 * MIB, 4 * MIB);
	physmem_add_ram(2 * MIB, 4 * MIB);
	return (free_is(want, nitems(want)));
}

static bool
page_rounding(void)
{
	static const struct want want[] = {
		{ 0x2000, 0x5000 }, { 0x6000, 0x10000 }, { 0x20000, 0x30000 },
	};

	physmem_add_ram(0x1800, 0x10000 + 0x800 - 0x1800);
	physmem_exclude(0x5100, 0x100);
	/* Two halves meeting inside a page are one range, that page included. */
	physmem_add_ram(0x20000, 0x8800);
	physmem_add_ram(0x28800, 0x7800);
	return (free_is(want, nitems(want)));
}

static bool
spanning(void)
{
	static const struct want want[] = {
		{ 0, 0xff000 }, { 0x201000, 3 * MIB },
	};

	physmem_add_ram(0, 1 * MIB);
	physmem_add_ram(2 * MIB, 1 * MIB);
	physmem_exclude(0xff000, 0x201000 - 0xff000);
	physmem_exclude(5 * MIB, 1 * MIB);
	return (free_is(want, nitems(want)));
}

static bool
whole_range(void)
{
	static const struct want want[] = {
		{ 0, 1 * MIB },
	};

	physmem_add_ram(0, 1 * MIB);
	physmem_add_ram(2 * MIB, 1 * MIB);
	physmem_exclude(2 * MIB - 4 * KIB, 1 * MIB + 8 * KIB);
	return (free_is(want, nitems(want)));
}

static bool
to_the_top(void)
{
	static const struct want want[] = {
		{ 0, 512 * KIB },
	};

	physmem_add_ram(0, 1 * MIB);
	physmem_exclude(512 * KIB, ~(size_t)0);
	return (free_is(want, nitems(want)));
}

static bool
steal_lowest(void)
{
	static const struct want want[] = {
		{ 76 * KIB, 1 * MIB },
	};
	paddr_t a, b;

	physmem_add_ram(0, 1 * MIB);
	physmem_exclude(0, 64 * KIB);
	a = physmem_steal(PAGE_SIZE, ~(paddr_t)0);
	b = physmem_steal(2 * PAGE_SIZE, ~(paddr_t)0);
	if (a != 64 * KIB || b != 68 * KIB) {
		printf("stole %#lx and %#lx\n", (unsigned long)a, (unsigned long)b);
		return (false);
	}
	return (free_is(want, nitems(want)));
}

static bool
steal_fits(void)
{
	paddr_t a, b;

	physmem_add_ram(0, 8 * KIB);
	physmem_add_ram(1 * MIB, 1 * MIB);
	physmem_add_ram(4 * MIB, 4 * MIB);
	a = physmem_steal(16 * KIB, 8 * MIB);
	b = physmem_steal(1 * MIB, 8 * MIB);
	if (a != 1 * MIB || b != 4 * MIB) {
		printf("stole %#lx and %#lx\n", (unsigned long)a, (unsigned long)b);
		return (false);
	}
	return (true);
}

static bool
steal_none(void)
{
	physmem_add_ram(1 * MIB, 1 * MIB);
	(void)physmem_steal(16 * KIB, 1 * MIB + 8 * KIB);
	return (false);
}

static bool
steal_many(void)
{
	unsigned i;

	physmem_add_ram(0, 128 * MIB);
	for (i = 0; i < PHYSMEM_MAX_RANGES - 1; i++)
		physmem_exclude(100 * MIB + 2 * i * PAGE_SIZE, PAGE_SIZE);
	for (i = 0; i < 1000; i++)
		if (physmem_steal(PAGE_SIZE, ~(paddr_t)0) != i * PAGE_SIZE)
			return (false);
	ngot = 0;
	physmem_foreach(collect);
	return (ngot == PHYSMEM_MAX_RANGES && got[0].base == 1000 * PAGE_SIZE &&
	    got[0].end == 100 * MIB && got[ngot - 1].end == 128 * MIB);
}

static bool
too_many(void)
{
	unsigned i;

	physmem_add_ram(0, 1 * MIB);
	for (i = 0; i <= PHYSMEM_MAX_RANGES; i++)
		physmem_exclude(2 * i * PAGE_SIZE, PAGE_SIZE);
	return (false);
}

static bool
late_exclusion(void)
{
	ngot = 0;
	physmem_add_ram(0, 1 * MIB);
	physmem_foreach(collect);
	physmem_exclude(0, PAGE_SIZE);
	return (false);
}

static bool
ram_queries(void)
{
	physmem_add_ram(4 * MIB, 2 * MIB);
	physmem_add_ram(1 * MIB, 1 * MIB);
	physmem_exclude(4 * MIB, 2 * MIB);
	return (physmem_ram_end() == 6 * MIB &&
	    physmem_ram_overlaps(4 * MIB + 4 * KIB, 4 * KIB) &&
	    physmem_ram_overlaps(0, 1 * MIB + 1) &&
	    !physmem_ram_overlaps(0, 1 * MIB) &&
	    !physmem_ram_overlaps(2 * MIB, 2 * MIB) &&
	    !physmem_ram_overlaps(6 * MIB, ~(size_t)0));
}

/*
 * Run fn in a child: it passes when fn returns true, or, with `panics`
 * set, when it panics saying that.  The child's output is shown as
 * comments: its "Bail out!" is not this test's.
 */
static void
run_case(bool (*fn)(void), const char *panics, const char *name)
{
	char out[4096], *line, *nl;
	int status;
	bool pass;

	if ((status = child_output(fn, out, sizeof(out))) == -1) {
		ok(false, "%s (no child)", name);
		return;
	}
	if (panics != NULL)
		pass = strstr(out, "panic: ") != NULL && strstr(out, panics) != NULL;
	else
		pass = status == 0;
	if (!ok(pass, "%s", name) || panics == NULL)
		for (line = out; *line != '\0'; line = nl + 1) {
			if ((nl = strstr(line, "\n")) == NULL)
				break;
			*nl = '\0';
			printf("# %s\n", line);
		}
}

int
main(void)
{
	run_case(unordered, NULL,
	    "the free list is RAM less the exclusions, ascending, whatever the order they came in");
	run_case(ram_merges, NULL, "RAM ranges that overlap or touch make one free range");
	run_case(page_rounding, NULL,
	    "an exclusion is widened to whole pages and RAM shrunk to them, after merging");
	run_case(spanning, NULL,
	    "an exclusion across a hole cuts both neighbours; one outside RAM changes nothing");
	run_case(whole_range, NULL, "an exclusion covering a RAM range removes it");
	run_case(to_the_top, NULL, "an exclusion to the top of the address space does not wrap");
	run_case(steal_lowest, NULL,
	    "physmem_steal takes the lowest free pages and the free list no longer has them");
	run_case(steal_fits, NULL,
	    "physmem_steal skips a free range too small for the request");
	run_case(steal_none, "physmem: no 16384 free bytes below",
	    "physmem_steal panics when nothing free fits below its limit");
	run_case(steal_many, NULL,
	    "a thousand steals in a row with a nearly full table merge into one exclusion");
	run_case(too_many, "more than 32 excluded ranges",
	    "one separate exclusion past PHYSMEM_MAX_RANGES panics, naming the limit");
	run_case(late_exclusion, "after page_init took the free list",
	    "an exclusion after the free list was read panics");
	run_case(ram_queries, NULL,
	    "physmem_ram_end and physmem_ram_overlaps answer for RAM, free or not");
	return (done());
}
