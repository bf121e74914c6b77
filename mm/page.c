/*
 * The physical page allocator: a binary buddy system over the free ranges
 * physmem.c hands over, with a reference count per page.
 *
 * Every page frame between the lowest and highest usable address has a
 * struct vm_page in one array, itself carved out of the first range large
 * enough to hold it.  Free blocks of 2^order pages sit on per-order lists
 * linked through the array by index; a block's buddy is found by flipping
 * bit `order` of its frame number, so freeing coalesces in O(MAX_ORDER).
 * Frame 0 is never handed out: 0 is the VM's "no page".
 */
#include "hal.h"
#include "kernel.h"
#include "page.h"
#include "physmem.h"
#include "sysctl.h"

#define MAX_ORDER	11		/* blocks up to 2^10 pages (4 MiB) */
#define NIL		UINT32_MAX

#define VPF_FREE	0x1		/* head of a free block */
#define VPF_USABLE	0x2		/* the frame is RAM the allocator owns */

/* Every field, the free lists and v_free_count: page_lock. */
struct vm_page {
	uint32_t	ref;
	uint8_t		order;
	uint8_t		flags;
	uint16_t	_pad;
	uint32_t	next, prev;	/* free-list links (indices) */
};

static struct vm_page *pages;
static uint64_t base_pfn, npages;
static uint32_t free_head[MAX_ORDER];
static struct spinlock page_lock = SPINLOCK_INIT("page");

volatile uint64_t v_free_count;
uint64_t v_page_count;
SYSCTL_INT("vm.stats.vm.v_free_count", v_free_count);
SYSCTL_INT("vm.stats.vm.v_page_count", v_page_count);

static paddr_t range_lo = UINT64_MAX, range_hi;

static inline uint32_t
pfn_index(uint64_t pfn)
{
	return ((uint32_t)(pfn - base_pfn));
}

static void
list_push(unsigned order, uint32_t i)
{
	pages[i].next = free_head[order];
	pages[i].prev = NIL;
	if (free_head[order] != NIL)
		pages[free_head[order]].prev = i;
	free_head[order] = i;
	pages[i].order = (uint8_t)order;
	pages[i].flags |= VPF_FREE;
}

static void
list_unlink(unsigned order, uint32_t i)
{
	if (pages[i].prev != NIL)
		pages[pages[i].prev].next = pages[i].next;
	else
		free_head[order] = pages[i].next;
	if (pages[i].next != NIL)
		pages[pages[i].next].prev = pages[i].prev;
	pages[i].flags &= ~VPF_FREE;
}

/* Put the block at index i of the given order back, merging with free buddies. */
static void
block_free(uint32_t i, unsigned order)
{
	v_free_count += 1ul << order;
	while (order + 1 < MAX_ORDER) {
		uint64_t bpfn = (base_pfn + i) ^ (1ul << order);
		uint32_t b;

		if (bpfn < base_pfn || bpfn >= base_pfn + npages)
			break;
		b = pfn_index(bpfn);
		if ((pages[b].flags & (VPF_FREE | VPF_USABLE)) !=
		    (VPF_FREE | VPF_USABLE) || pages[b].order != order)
			break;
		list_unlink(order, b);
		if (b < i)
			i = b;
		order++;
	}
	list_push(order, i);
}

static void
range_bounds(paddr_t base, size_t len)
{
	if (base < range_lo)
		range_lo = base;
	if (base + len > range_hi)
		range_hi = base + len;
}

static paddr_t array_pa;
static size_t array_len;

static void
range_pick_array(paddr_t base, size_t len)
{
	if (array_pa == 0 && len >= array_len && base != 0) {
		array_pa = base;
	}
}

static void
range_release(paddr_t base, size_t len)
{
	paddr_t end = base + len;

	/* The array itself lives at the start of one range. */
	if (base == array_pa)
		base += round_page(array_len);
	if (base == 0)
		base = PAGE_SIZE;
	for (paddr_t pa = base; pa < end; pa += PAGE_SIZE)
		pages[pfn_index(pa >> PAGE_SHIFT)].flags |= VPF_USABLE;
	while (base < end) {
		uint64_t pfn = base >> PAGE_SHIFT;
		unsigned order = 0;

		/* The largest aligned block that starts here and fits. */
		while (order + 1 < MAX_ORDER &&
		    (pfn & ((2ul << order) - 1)) == 0 &&
		    base + (PAGE_SIZE << (order + 1)) <= end)
			order++;
		v_page_count += 1ul << order;
		block_free(pfn_index(pfn), order);
		base += PAGE_SIZE << order;
	}
}

void
page_init(void)
{
	physmem_foreach(range_bounds);
	if (range_hi <= range_lo)
		panic("page_init: the platform reported no memory");
	base_pfn = range_lo >> PAGE_SHIFT;
	npages = (range_hi >> PAGE_SHIFT) - base_pfn;
	array_len = npages * sizeof(struct vm_page);
	physmem_foreach(range_pick_array);
	if (array_pa == 0)
		panic("page_init: no range holds the %zu-byte page array", array_len);
	pages = phys_to_kva(array_pa);
	memset(pages, 0, array_len);
	for (unsigned o = 0; o < MAX_ORDER; o++)
		free_head[o] = NIL;
	physmem_foreach(range_release);
}

int
page_alloc_order(paddr_t *pap, unsigned order, int flags)
{
	unsigned o;
	uint32_t i;

	if (order >= MAX_ORDER)
		return (ENOMEM);
	spin_lock(&page_lock);
	for (o = order; o < MAX_ORDER && free_head[o] == NIL; o++)
		;
	if (o == MAX_ORDER) {
		spin_unlock(&page_lock);
		return (ENOMEM);
	}
	i = free_head[o];
	list_unlink(o, i);
	/* Split: hand the upper halves back until the block is the size asked. */
	while (o > order) {
		o--;
		list_push(o, i + (1u << o));
	}
	pages[i].order = (uint8_t)order;
	pages[i].ref = 1;
	v_free_count -= 1ul << order;
	spin_unlock(&page_lock);

	*pap = (paddr_t)(base_pfn + i) << PAGE_SHIFT;
	if (flags & PG_ZERO)
		memset(phys_to_kva(*pap), 0, PAGE_SIZE << order);
	return (0);
}

int
page_alloc(paddr_t *pap, int flags)
{
	return (page_alloc_order(pap, 0, flags));
}

static struct vm_page *
pa_to_page(paddr_t pa)
{
	uint64_t pfn = pa >> PAGE_SHIFT;

	KASSERT(pfn >= base_pfn && pfn < base_pfn + npages &&
	    (pages[pfn - base_pfn].flags & VPF_USABLE), "not a managed page");
	return (&pages[pfn - base_pfn]);
}

void
page_hold(paddr_t pa)
{
	struct vm_page *pg = pa_to_page(pa);

	spin_lock(&page_lock);
	KASSERT(pg->ref > 0 && !(pg->flags & VPF_FREE), "hold of a free page");
	pg->ref++;
	spin_unlock(&page_lock);
}


/*
 * The loops over a chunk of the VM's page tree: 512 entries at a time,
 * so each entry gets a bounds check and nothing more (pa_to_page's checks
 * are for single pages).
 */
static inline struct vm_page *
array_page(paddr_t pa)
{
	uint64_t i = (pa >> PAGE_SHIFT) - base_pfn;

	KASSERT(i < npages, "not a managed page");
	return (&pages[i]);
}

/*
 * dst[i] = src[i] for i < n, with a reference more on each non-zero page,
 * in one pass.  The entries are the kernel's own (a chunk being copied),
 * so this hottest loop of a first write after fork checks none of them.
 */
void
page_copy_held(paddr_t *restrict dst, const paddr_t *restrict src, size_t n)
{
	struct vm_page *pg = pages - base_pfn;	/* indexed by frame number */
	size_t i = 0;

#define COPY_HELD(k) do {						\
	paddr_t pa = src[k];						\
									\
	dst[k] = pa;							\
	if (pa != 0)							\
		pg[pa >> PAGE_SHIFT].ref++;				\
} while (0)
	spin_lock(&page_lock);
	/* Four at a time: the loop's own instructions were a third of it. */
	for (; i + 4 <= n; i += 4) {
		COPY_HELD(i);
		COPY_HELD(i + 1);
		COPY_HELD(i + 2);
		COPY_HELD(i + 3);
	}
	for (; i < n; i++)
		COPY_HELD(i);
	spin_unlock(&page_lock);
#undef COPY_HELD
}

/*
 * A reference more on each non-zero entry of pas[0, n), under one lock:
 * the pages are already held (the caller's pmap or object has them), so
 * array_page's bounds check is all an entry gets.
 */
void
page_hold_array(const paddr_t *pas, size_t n)
{
	spin_lock(&page_lock);
	for (size_t i = 0; i < n; i++)
		if (pas[i] != 0)
			array_page(pas[i])->ref++;
	spin_unlock(&page_lock);
}

/* page_free() of each non-zero entry of pas[0, n), under one lock. */
void
page_free_array(const paddr_t *pas, size_t n)
{
	spin_lock(&page_lock);
	for (size_t i = 0; i < n; i++) {
		if (pas[i] != 0) {
			struct vm_page *pg = array_page(pas[i]);

			KASSERT(pg->ref > 0, "free of a free page");
			if (--pg->ref == 0)
				block_free((uint32_t)(pg - pages), pg->order);
		}
	}
	spin_unlock(&page_lock);
}

void
page_free(paddr_t pa)
{
	struct vm_page *pg = pa_to_page(pa);

	spin_lock(&page_lock);
	KASSERT(pg->ref > 0 && !(pg->flags & VPF_FREE), "free of a free page");
	if (--pg->ref == 0)
		block_free((uint32_t)(pg - pages), pg->order);
	spin_unlock(&page_lock);
}

/*
 * For pages that hold references of their own (the VM's chunks): the
 * caller's reference goes unless it is the last, and then true says the
 * page is the caller's alone to empty and page_free().  Under page_lock,
 * so that of two holders dropping at once exactly one is last, and the
 * last sees everything the others wrote before they dropped.
 */
bool
page_unref(paddr_t pa)
{
	struct vm_page *pg = pa_to_page(pa);
	bool last;

	spin_lock(&page_lock);
	KASSERT(pg->ref > 0 && !(pg->flags & VPF_FREE), "unref of a free page");
	if (!(last = pg->ref == 1))
		pg->ref--;
	spin_unlock(&page_lock);
	return (last);
}

/*
 * page_unref() of each non-zero entry of pas[0, n), under one lock: the
 * entries whose reference went are cleared, those that were the last are
 * left for the caller to empty and free; how many were.
 */
size_t
page_unref_array(paddr_t *pas, size_t n)
{
	size_t last = 0;

	spin_lock(&page_lock);
	for (size_t i = 0; i < n; i++) {
		if (pas[i] == 0)
			continue;
		struct vm_page *pg = array_page(pas[i]);

		KASSERT(pg->ref > 0, "unref of a free page");
		if (pg->ref == 1)
			last++;
		else {
			pg->ref--;
			pas[i] = 0;
		}
	}
	spin_unlock(&page_lock);
	return (last);
}

/*
 * Without page_lock: the caller's own reference (through a locked object)
 * keeps the page alive; the count of the others is a snapshot.
 */
unsigned
page_refcount(paddr_t pa)
{
	return (__atomic_load_n(&pa_to_page(pa)->ref, __ATOMIC_ACQUIRE));
}
