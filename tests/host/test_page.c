/*
 * The buddy page allocator and the kernel heap against a fake memory map.
 */

#include "fake_hal.h"
#include "host_libc.h"
#include "hal.h"
#include "kernel.h"
#include "page.h"
#include "tap.h"

#define MIB		(1ul << 20)
#define ARENA		(16 * MIB)

static int
cmp_pa(const void *a, const void *b)
{
	paddr_t x = *(const paddr_t *)a, y = *(const paddr_t *)b;

	return (x < y ? -1 : x > y);
}

static bool
in_ranges(paddr_t pa, const struct fake_range *r, int n)
{
	for (int i = 0; i < n; i++)
		if (pa >= r[i].base && pa + PAGE_SIZE <= r[i].base + r[i].len)
			return (true);
	return (false);
}

int
main(void)
{
	/* Two ranges with a hole, neither aligned to a large block. */
	const struct fake_range ranges[] = {
		{ FAKE_PHYS_BASE + 3 * PAGE_SIZE, 5 * MIB + 7 * PAGE_SIZE },
		{ FAKE_PHYS_BASE + 8 * MIB + PAGE_SIZE, 8 * MIB - PAGE_SIZE },
	};
	uint64_t total, n = 0;
	paddr_t *all, pa, big;
	bool distinct = true, inside = true, aligned = true;
	void *objs[1000];

	fake_mem_setup(ARENA, ranges, 2);
	page_init();
	kmem_init();
	total = v_free_count;
	ok(total > 0 && total == v_page_count, "every reported page is free after init (%lu)",
	    (unsigned long)total);
	{
		/* One 16-byte struct vm_page per frame from the lowest to the highest page. */
		uint64_t frames = (ranges[1].base + ranges[1].len - ranges[0].base) / PAGE_SIZE;
		uint64_t array_pages = (frames * 16 + PAGE_SIZE - 1) / PAGE_SIZE;

		ok(total == (ranges[0].len + ranges[1].len) / PAGE_SIZE - array_pages,
		    "only the page array's own %lu pages are held back",
		    (unsigned long)array_pages);
	}

	all = calloc(total + 1, sizeof(paddr_t));
	while (page_alloc(&pa, 0) == 0)
		all[n++] = pa;
	ok(n == total && v_free_count == 0, "all %lu pages can be allocated one by one",
	    (unsigned long)n);
	ok(page_alloc(&pa, 0) == ENOMEM, "an empty allocator answers ENOMEM");
	qsort(all, n, sizeof(paddr_t), cmp_pa);
	for (uint64_t i = 0; i < n; i++) {
		if (i > 0 && all[i] == all[i - 1])
			distinct = false;
		if (!in_ranges(all[i], ranges, 2))
			inside = false;
	}
	ok(distinct, "no page is handed out twice");
	ok(inside, "every page lies inside a reported range");
	for (uint64_t i = 0; i < n; i += 2)
		page_free(all[i]);
	for (uint64_t i = 1; i < n; i += 2)
		page_free(all[i]);
	ok(v_free_count == total, "freeing every page restores the free count");
	if (ok(page_alloc_order(&big, 10, 0) == 0 && (big & ((PAGE_SIZE << 10) - 1)) == 0,
	    "freed pages coalesce back into an aligned 4 MiB block"))
		page_free(big);

	for (unsigned order = 0; order <= 6; order++) {
		if (page_alloc_order(&pa, order, 0) != 0 ||
		    (pa & ((PAGE_SIZE << order) - 1)) != 0)
			aligned = false;
		else
			page_free(pa);
	}
	ok(aligned && v_free_count == total, "blocks of every order are naturally aligned");
	ok(page_alloc_order(&pa, 11, 0) == ENOMEM, "an order past the largest is ENOMEM");

	memset(phys_to_kva(all[0]), 0xff, PAGE_SIZE);
	ok(page_alloc(&pa, PG_ZERO) == 0, "PG_ZERO allocation succeeds");
	{
		const unsigned char *p = phys_to_kva(pa);
		bool zero = true;

		for (size_t i = 0; i < PAGE_SIZE; i++)
			zero &= p[i] == 0;
		ok(zero, "PG_ZERO pages are zeroed");
	}
	page_hold(pa);
	ok(page_refcount(pa) == 2, "page_hold adds a reference");
	page_free(pa);
	ok(page_refcount(pa) == 1 && v_free_count == total - 1,
	    "the first free only drops a reference");
	page_free(pa);
	ok(v_free_count == total, "the last free returns the page");

	for (int i = 0; i < 1000; i++)
		objs[i] = kmalloc((size_t)(i % 300) * 7 + 1);
	{
		bool all_ok = true;

		for (int i = 0; i < 1000; i++) {
			if (objs[i] == NULL)
				all_ok = false;
			else
				memset(objs[i], i, (size_t)(i % 300) * 7 + 1);
		}
		ok(all_ok && v_free_count < total, "kmalloc serves 1000 objects of mixed sizes");
	}
	for (int i = 0; i < 1000; i += 3)
		kfree(objs[i]);
	for (int i = 0; i < 1000; i++)
		if (i % 3 != 0)
			kfree(objs[i]);
	ok(v_free_count == total, "freeing every object gives every slab page back");
	objs[0] = kmalloc(3 * PAGE_SIZE);
	ok(objs[0] != NULL && v_free_count == total - 4, "a large kmalloc takes a page run");
	kfree(objs[0]);
	ok(v_free_count == total, "and gives it back");
	free(all);
	return (done());
}
