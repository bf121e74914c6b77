/*
 * Kernel stacks with guard pages (include/kstack.h).
 *
 * The platform sets aside [kstack_region_base, +kstack_region_size) at
 * boot; we cut it into slots of a guard page and KSTACK_PAGES stack pages
 * and hand the slots out from a bitmap.  Allocation takes the lowest free
 * slot: stacks stay packed at the bottom of the region, so the leaf tables
 * pmap_kenter builds there stay few and warm, and the search starts at a
 * hint below which every slot is known taken, so it is a word or two of
 * bitmap, not a walk of tens of thousands of slots.
 *
 * Each stack page is a page of its own from page_alloc, so a stack never
 * needs physically contiguous memory.  pmap_kextract tells rights, not
 * frames, so what each slot maps is recorded here (slot_pfn) for the
 * free; that costs 16 bytes a slot, taken from the heap at boot for the
 * slots physical memory could ever fill.
 *
 * Pages and mappings are taken and given back outside kstack_lock, which
 * only covers the bitmap: pmap_kenter may take the page lock, and
 * pmap_kremove waits for other CPUs to flush.  A slot's pages and its
 * slot_pfn entries belong to whoever holds the slot.
 *
 * A stack given back keeps its pages and mappings in a small cache, up to
 * kstack_cache_max of them, and the next kstack_alloc takes it from there
 * (FreeBSD's kstack cache): so an lwp's life costs no page allocation,
 * no pmap_kenter and no shootdown round (pmap_kremove is one per page on
 * every CPU) while lwps come and go.  The cache's pages are in use but
 * nobody's: vm.kstack.cached_pages says how many, so that leak checks
 * count them back.
 *
 * A stack the region does not hold (the boot stack, which the boot CPU
 * runs on before there is a region and keeps as lwp0's) can still have a
 * guard: the platform leaves the page under it unmapped and registers it
 * (kstack_guard_register), so that its overflow is reported as one.  The
 * table is filled on the boot CPU before any other CPU runs and never
 * changes afterwards; the trap path reads it without a lock.
 *
 * A platform that sets aside no region (kstack_region_size 0) gets
 * stacks from the direct map, one block of KSTACK_PAGES, and no guard:
 * what every stack was before the region existed.  kstack_is_guard() is
 * then never true and debug.kstack_overflow refuses to run.
 */
#include "hal.h"
#include "kernel.h"
#include "kstack.h"
#include "page.h"
#include "pmap.h"
#include "proc.h"
#include "sysctl.h"

#define BITS	64
#define KSTACK_ORDER	2
_Static_assert(KSTACK_PAGES == 1 << KSTACK_ORDER, "a direct-map stack is one block");

static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");
unsigned kstack_cache_max = KSTACK_CACHE;	/* (b) */
static unsigned slot_cache[KSTACK_CACHE];	/* (k) mapped stacks nobody uses, LIFO */
static unsigned slot_ncache;			/* (k) */
volatile unsigned kstack_cached_pages;		/* (a) their pages, for leak checks */
volatile unsigned pmap_ktable_pages;		/* (a) pmap.h: the region's leaf tables */
static uint64_t slot_used[KSTACK_SLOTS_MAX / BITS];	/* (k) bit set: slot taken */
static unsigned slot_hint;	/* (k) every word below it is full */
unsigned kstack_nslots;		/* (b) */
volatile unsigned kstack_inuse;	/* (a) */
SYSCTL_INT("vm.kstack.inuse", kstack_inuse);
SYSCTL_INT("vm.kstack.slots", kstack_nslots);
SYSCTL_INT("vm.kstack.cached_pages", kstack_cached_pages);
/* The kernel leaf tables the platform made for the stack region (pmap_kenter). */
SYSCTL_INT("vm.kstack.table_pages", pmap_ktable_pages);
/* (o) the frames of slot i's pages, by page; only the slot's holder touches them. */
static uint32_t (*slot_pfn)[KSTACK_PAGES];

/* (b) Guards outside the region, and whose stack each is under. */
static struct {
	vaddr_t		 va;
	struct lwp	*owner;
} extra_guard[KSTACK_GUARDS_EXTRA];
static unsigned extra_nguards;	/* (b) published after its entry */

static vaddr_t
slot_va(unsigned slot)
{
	return (kstack_region_base + (vaddr_t)slot * KSTACK_SLOT_SIZE);
}

void
kstack_init(void)
{
	size_t n;

	if (kstack_region_size == 0)
		return;
	KASSERT((kstack_region_base & PAGE_MASK) == 0, "kstack region unaligned");
	n = kstack_region_size / KSTACK_SLOT_SIZE;
	n = MIN(n, KSTACK_SLOTS_MAX);
	/* More slots than memory could back would only cost their records. */
	n = MIN(n, v_page_count / KSTACK_PAGES);
	if (n == 0 || (slot_pfn = kzalloc(n * sizeof(*slot_pfn))) == NULL)
		panic("kstack_init: no memory for %lu kernel stack slots",
		    (unsigned long)n);
	kstack_nslots = (unsigned)n;
}

/* The lowest free slot, taken; or -1 when every slot is. */
static int
slot_take(void)
{
	unsigned w, nwords = (kstack_nslots + BITS - 1) / BITS;
	int slot = -1;

	spin_lock(&kstack_lock);
	for (w = slot_hint; w < nwords; w++) {
		uint64_t free = ~slot_used[w];
		unsigned s;

		if (free == 0)
			continue;
		s = w * BITS + (unsigned)__builtin_ctzll(free);
		if (s >= kstack_nslots)
			break;
		slot_used[w] |= 1ull << (s % BITS);
		slot = (int)s;
		break;
	}
	slot_hint = w;
	spin_unlock(&kstack_lock);
	if (slot >= 0)
		__atomic_add_fetch(&kstack_inuse, 1, __ATOMIC_RELAXED);
	return (slot);
}

static void
slot_put(unsigned slot)
{
	uint64_t bit = 1ull << (slot % BITS);

	spin_lock(&kstack_lock);
	KASSERT(slot_used[slot / BITS] & bit, "kstack_free of a free slot");
	slot_used[slot / BITS] &= ~bit;
	if (slot / BITS < slot_hint)
		slot_hint = slot / BITS;
	spin_unlock(&kstack_lock);
	__atomic_sub_fetch(&kstack_inuse, 1, __ATOMIC_RELAXED);
}

/* A cached stack's slot, still mapped, now in use; or -1 when the cache is empty. */
static int
cache_take(void)
{
	int slot = -1;

	spin_lock(&kstack_lock);
	if (slot_ncache > 0)
		slot = (int)slot_cache[--slot_ncache];
	spin_unlock(&kstack_lock);
	if (slot >= 0) {
		__atomic_sub_fetch(&kstack_cached_pages, KSTACK_PAGES, __ATOMIC_RELAXED);
		__atomic_add_fetch(&kstack_inuse, 1, __ATOMIC_RELAXED);
	}
	return (slot);
}

/* Keep slot's stack, mapped, for the next kstack_alloc: false when the cache is full. */
static bool
cache_put(unsigned slot)
{
	bool kept = false;

	/* The leak-check count rises first: a reader never sees the pages missing. */
	__atomic_add_fetch(&kstack_cached_pages, KSTACK_PAGES, __ATOMIC_RELAXED);
	spin_lock(&kstack_lock);
	if (slot_ncache < MIN(kstack_cache_max, KSTACK_CACHE)) {
		slot_cache[slot_ncache++] = slot;
		kept = true;
	}
	spin_unlock(&kstack_lock);
	if (kept)
		__atomic_sub_fetch(&kstack_inuse, 1, __ATOMIC_RELAXED);
	else
		__atomic_sub_fetch(&kstack_cached_pages, KSTACK_PAGES, __ATOMIC_RELAXED);
	return (kept);
}

/*
 * Unmap and free the first n pages of slot's stack: every CPU has dropped
 * the mappings (pmap_kremove) before the pages can be reused, and the
 * pages go back under one hold of the page lock.
 */
static void
slot_unmap(unsigned slot, unsigned n)
{
	vaddr_t va = slot_va(slot) + KSTACK_GUARD_SIZE;
	paddr_t pas[KSTACK_PAGES];

	for (unsigned i = 0; i < n; i++) {
		pmap_kremove(va + i * PAGE_SIZE);
		pas[i] = (paddr_t)slot_pfn[slot][i] << PAGE_SHIFT;
	}
	page_free_array(pas, n);
}

int
kstack_alloc(vaddr_t *base)
{
	vaddr_t va;
	paddr_t pa;
	unsigned i;
	int slot;

	KASSERT(curcpu()->ci_spin_depth == 0, "kstack_alloc holding a spinlock");
	if (kstack_region_size == 0) {
		if (page_alloc_order(&pa, KSTACK_ORDER, 0) != 0)
			return (ENOMEM);
		*base = (vaddr_t)phys_to_kva(pa);
		__atomic_add_fetch(&kstack_inuse, 1, __ATOMIC_RELAXED);
		return (0);
	}
	if ((slot = cache_take()) >= 0) {
		*base = slot_va((unsigned)slot) + KSTACK_GUARD_SIZE;
		return (0);
	}
	if ((slot = slot_take()) < 0)
		return (ENOMEM);
	va = slot_va((unsigned)slot) + KSTACK_GUARD_SIZE;
	for (i = 0; i < KSTACK_PAGES; i++) {
		if (page_alloc(&pa, 0) != 0)
			goto fail;
		KASSERT((pa >> PAGE_SHIFT) <= UINT32_MAX, "frame number fits 32 bits");
		if (pmap_kenter(va + i * PAGE_SIZE, pa) != 0) {
			page_free(pa);
			goto fail;
		}
		slot_pfn[slot][i] = (uint32_t)(pa >> PAGE_SHIFT);
	}
	*base = va;
	return (0);
fail:
	slot_unmap((unsigned)slot, i);
	slot_put((unsigned)slot);
	return (ENOMEM);
}

void
kstack_free(vaddr_t base)
{
	vaddr_t off;
	unsigned slot;

	KASSERT(curcpu()->ci_spin_depth == 0, "kstack_free holding a spinlock");
	if (kstack_region_size == 0) {
		page_free(kva_to_phys((void *)base));
		__atomic_sub_fetch(&kstack_inuse, 1, __ATOMIC_RELAXED);
		return;
	}
	off = base - kstack_region_base - KSTACK_GUARD_SIZE;
	slot = (unsigned)(off / KSTACK_SLOT_SIZE);
	KASSERT(base >= kstack_region_base + KSTACK_GUARD_SIZE &&
	    off % KSTACK_SLOT_SIZE == 0 && slot < kstack_nslots,
	    "kstack_free of an address that is no stack's base");
	if (cache_put(slot))
		return;
	slot_unmap(slot, KSTACK_PAGES);
	slot_put(slot);
}

void
kstack_guard_register(vaddr_t guard_va, struct lwp *owner)
{
	unsigned n = extra_nguards;

	KASSERT((guard_va & PAGE_MASK) == 0, "kstack_guard_register: unaligned guard");
	if (n == KSTACK_GUARDS_EXTRA)
		panic("kstack_guard_register: more than %d guards outside the region",
		    KSTACK_GUARDS_EXTRA);
	extra_guard[n].va = guard_va;
	extra_guard[n].owner = owner;
	/* A trap on this CPU may read the table at any point: the entry first. */
	__atomic_store_n(&extra_nguards, n + 1, __ATOMIC_RELEASE);
}

/* The registered guard va lies in, or -1. */
static int
extra_guard_of(vaddr_t va)
{
	unsigned i, n = __atomic_load_n(&extra_nguards, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++)
		if (va - extra_guard[i].va < KSTACK_GUARD_SIZE)
			return ((int)i);
	return (-1);
}

bool
kstack_is_guard(vaddr_t va)
{
	vaddr_t off = va - kstack_region_base;

	/* Below the base, off wraps around to a huge value. */
	if (off < (vaddr_t)kstack_nslots * KSTACK_SLOT_SIZE &&
	    off % KSTACK_SLOT_SIZE < KSTACK_GUARD_SIZE)
		return (true);
	return (extra_guard_of(va) >= 0);
}

__noreturn void
kstack_overflow(vaddr_t fault_va)
{
	int g = extra_guard_of(fault_va);
	vaddr_t stack = fault_va - (fault_va - kstack_region_base) %
	    KSTACK_SLOT_SIZE + KSTACK_GUARD_SIZE;
	struct lwp *l = curlwp;
	struct proc *p = l != NULL ? l->l_proc : NULL;
	bool its = l != NULL && stack == l->l_md.md_kstack;

	/* An lwp on a stack outside the region need not record it in md_kstack (lwp0). */
	if (g >= 0) {
		stack = extra_guard[g].va + KSTACK_GUARD_SIZE;
		its = l != NULL && l == extra_guard[g].owner;
	}

	if (p == NULL)
		panic("kernel stack overflow: no lwp, fault at %#lx, guard of the "
		    "stack at %#lx", (unsigned long)fault_va, (unsigned long)stack);
	/* Off the top of the stack above would be an underflow: say whose guard it is. */
	panic("kernel stack overflow: lwp %d of pid %d (%s), fault at %#lx, "
	    "guard of %s stack at %#lx", (int)l->l_tid, (int)p->p_pid, p->p_comm,
	    (unsigned long)fault_va, its ? "its" : "another", (unsigned long)stack);
}
