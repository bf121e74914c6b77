/*
 * Not a suite: `memsize MIB`, run by the root meson.build under a larger
 * --mem than the default, checks that the kernel took all of the machine's
 * memory (x86_64: the PVH map's RAM above 4 GiB too) and that it works.
 * The page allocator hands out the highest free pages first, so the
 * memory touched here lies at the top of RAM.
 */
#include "tap.h"

#define MIB	(1024 * 1024)
#define TOUCH	(256 * MIB)

int
main(int argc, char **argv)
{
	long want = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	long pgsz = getpagesize();
	long free0 = free_pages(), free1, total = sget("vm.stats.vm.v_page_count");
	size_t bad = 0;
	volatile uint64_t *p;

	ok(want > 0, "the expected free memory is given (%ld MiB)", want);
	ok(free0 * (pgsz / 1024) >= want * 1024,
	    "at least %ld MiB free at boot (%ld MiB)", want, free0 * pgsz / MIB);
	ok(total >= free0, "v_page_count (%ld) counts every free page", total);

	p = mmap(NULL, TOUCH, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0);
	ok(p != MAP_FAILED, "mmap of %d MiB", TOUCH / MIB);
	if (p == MAP_FAILED)
		return (done());
	for (size_t i = 0; i < TOUCH / sizeof(*p); i += pgsz / sizeof(*p))
		p[i] = i * 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < TOUCH / sizeof(*p); i += pgsz / sizeof(*p))
		bad += p[i] != i * 0x9e3779b97f4a7c15ull;
	free1 = free_pages();
	ok(bad == 0, "every page of it keeps what was written (%zu bad)", bad);
	ok(free0 - free1 >= TOUCH / pgsz,
	    "touching it took its pages from the free list (%ld)", free0 - free1);
	munmap((void *)p, TOUCH);
	ok(free_pages() >= free1 + TOUCH / pgsz, "munmap gives them back");
	return (done());
}
