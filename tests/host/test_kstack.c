/*
 * core/kstack.c against the fake pmap: the slot allocator (lowest free
 * slot first, exhaustion, reuse), what each stack maps, that every failure
 * gives back its pages, mappings and slot, guard detection at both ends of
 * the region and in guards registered outside it (the boot stack's), what
 * the overflow panic says of each, and the direct-map stacks of a
 * platform with no region.
 */

#include "fake_hal.h"
#include "fake_pmap.h"
#include "host_libc.h"
#include "hal.h"
#include "kernel.h"
#include "kstack.h"
#include "page.h"
#include "pmap.h"
#include "proc.h"
#include "smp.h"
#include "tap.h"

#include "child_output.h"

#define MIB		(1ul << 20)
#define ARENA		(16 * MIB)
#define NSLOTS		150	/* three bitmap words: the hint crosses them */
/* Far from the fake direct map, as a platform's region is. */
#define REGION		0x7f0000000000ul
/* A stack outside the region, as the boot stack is in the image: its guard. */
#define BOOT_GUARD	0x7e0000003000ul

static vaddr_t stacks[NSLOTS + 1];

static vaddr_t
slot_base(unsigned i)
{
	return (REGION + i * KSTACK_SLOT_SIZE + KSTACK_GUARD_SIZE);
}

/* The stack at base is mapped page by page, read-write, its guard not at all. */
static bool
mapped_as_stack(vaddr_t base)
{
	vm_prot_t prot;

	if (pmap_kextract(base - 1, &prot))
		return (false);
	for (unsigned i = 0; i < KSTACK_PAGES; i++)
		if (!pmap_kextract(base + i * PAGE_SIZE, &prot) ||
		    prot != (VM_PROT_READ | VM_PROT_WRITE))
			return (false);
	return (true);
}

static void
no_region(void)
{
	uint64_t free0 = v_free_count;
	vaddr_t a, b;

	kstack_init();
	ok(kstack_nslots == 0, "with no region there are no slots");
	ok(kstack_alloc(&a) == 0 && kstack_alloc(&b) == 0 && a != b,
	    "with no region, stacks still come (from the direct map)");
	ok(kva_to_phys((void *)a) % (KSTACK_SIZE) == 0 && free0 - v_free_count ==
	    2 * KSTACK_PAGES && fake_pmap_kcount() == 0 && kstack_inuse == 2,
	    "each is one aligned block of %d pages, nothing mapped", KSTACK_PAGES);
	ok(!kstack_is_guard(a - 1) && !kstack_is_guard(0),
	    "and no address is a guard");
	kstack_free(a);
	kstack_free(b);
	ok(v_free_count == free0 && kstack_inuse == 0, "freeing them gives the pages back");
}

static void
alloc_and_exhaust(void)
{
	uint64_t free0 = v_free_count;
	bool lowest = true, shape = true, distinct = true;
	unsigned i;

	for (i = 0; i < NSLOTS; i++) {
		if (kstack_alloc(&stacks[i]) != 0)
			break;
		lowest &= stacks[i] == slot_base(i);
		shape &= mapped_as_stack(stacks[i]);
	}
	ok(i == NSLOTS && lowest, "%d stacks take slots 0..%d in order", NSLOTS, NSLOTS - 1);
	ok(shape, "each maps %d read-write pages over an unmapped guard page", KSTACK_PAGES);
	for (unsigned j = 1; j < NSLOTS; j++) {
		paddr_t p0, p1;

		/* Separate pages: no physically contiguous block is needed. */
		fake_pmap_kpa(stacks[j], &p0);
		fake_pmap_kpa(stacks[j - 1], &p1);
		distinct &= p0 != p1;
	}
	ok(distinct && free0 - v_free_count == NSLOTS * KSTACK_PAGES &&
	    fake_pmap_kcount() == NSLOTS * KSTACK_PAGES && kstack_inuse == NSLOTS,
	    "they hold %d pages and mappings, and vm.kstack.inuse says %d",
	    NSLOTS * KSTACK_PAGES, NSLOTS);
	free0 = v_free_count;
	ok(kstack_alloc(&stacks[NSLOTS]) == ENOMEM && v_free_count == free0 &&
	    kstack_inuse == NSLOTS, "with every slot taken: ENOMEM, nothing taken");
}

static void
reuse(void)
{
	vaddr_t a, b, c;

	kstack_free(stacks[17]);
	ok(kstack_inuse == NSLOTS - 1 && !mapped_as_stack(stacks[17]) &&
	    fake_pmap_kcount() == (NSLOTS - 1) * KSTACK_PAGES,
	    "a freed stack is unmapped and its slot free");
	ok(kstack_alloc(&a) == 0 && a == stacks[17] && mapped_as_stack(a),
	    "the next stack takes the freed slot");
	kstack_free(stacks[130]);
	kstack_free(stacks[3]);
	ok(kstack_alloc(&b) == 0 && kstack_alloc(&c) == 0 && b == stacks[3] &&
	    c == stacks[130], "freed slots are reused lowest first (3, then 130)");
}

static void
failures(void)
{
	uint64_t free0;
	size_t maps0;
	vaddr_t a;
	int n = 0;

	kstack_free(stacks[9]);
	free0 = v_free_count;
	maps0 = fake_pmap_kcount();
	for (int after = 0; after < KSTACK_PAGES; after++) {
		fake_pmap_fail_kenter(after);
		n += kstack_alloc(&a) == ENOMEM && v_free_count == free0 &&
		    fake_pmap_kcount() == maps0 && kstack_inuse == NSLOTS - 1;
	}
	fake_pmap_fail_kenter(-1);
	ok(n == KSTACK_PAGES, "pmap_kenter failing at page 1..%d: ENOMEM, every page, "
	    "mapping and the slot given back", KSTACK_PAGES);

	/* Leave fewer pages than a stack needs. */
	{
		uint64_t left = v_free_count;
		paddr_t *all = calloc(left, sizeof(*all));
		uint64_t got = 0;

		while (got + KSTACK_PAGES - 1 < left && page_alloc(&all[got], 0) == 0)
			got++;
		free0 = v_free_count;
		ok(free0 == KSTACK_PAGES - 1 && kstack_alloc(&a) == ENOMEM &&
		    v_free_count == free0 && fake_pmap_kcount() == maps0 &&
		    kstack_inuse == NSLOTS - 1,
		    "out of pages after %lu: ENOMEM, the %lu it took and the slot given back",
		    (unsigned long)free0, (unsigned long)free0);
		for (uint64_t i = 0; i < got; i++)
			page_free(all[i]);
		free(all);
	}
	ok(kstack_alloc(&a) == 0 && a == stacks[9] && mapped_as_stack(a),
	    "after the failures the slot is had again");
}

static void
guards(void)
{
	vaddr_t last = REGION + (NSLOTS - 1) * KSTACK_SLOT_SIZE;
	vaddr_t end = REGION + NSLOTS * KSTACK_SLOT_SIZE;

	ok(kstack_is_guard(REGION) && kstack_is_guard(REGION + PAGE_SIZE - 1),
	    "the first slot's guard (the region's first page) is a guard");
	ok(!kstack_is_guard(REGION - 1) && !kstack_is_guard(REGION + PAGE_SIZE) &&
	    !kstack_is_guard(REGION + KSTACK_SLOT_SIZE - 1),
	    "below the region, and the first stack's lowest and highest bytes, are not");
	ok(kstack_is_guard(last) && kstack_is_guard(last + PAGE_SIZE - 1) &&
	    !kstack_is_guard(last + PAGE_SIZE) && !kstack_is_guard(end - 1),
	    "the last slot's guard is, the last stack is not");
	ok(!kstack_is_guard(end) && !kstack_is_guard(REGION + kstack_region_size - 1) &&
	    !kstack_is_guard(0) && !kstack_is_guard(~(vaddr_t)0),
	    "the region's unused tail, and far addresses, are not");
	ok(kstack_is_guard(stacks[25] - 1) && !kstack_is_guard(stacks[25]),
	    "the byte under a stack is in its guard, its base is not");
}

static struct proc boot_proc = { .p_pid = 0, .p_comm = "kernel" };
static struct lwp boot_lwp = { .l_tid = 100000, .l_proc = &boot_proc };
static struct proc user_proc = { .p_pid = 42, .p_comm = "deep" };
static struct lwp user_lwp = { .l_tid = 100042, .l_proc = &user_proc };
static struct lwp *overflow_lwp;
static vaddr_t overflow_va;

static bool
overflow(void)
{
	curlwp = overflow_lwp;
	kstack_overflow(overflow_va);
	return (true);
}

/* Run kstack_overflow(va) as l in a child: did it panic saying `want`? */
static bool
overflow_says(struct lwp *l, vaddr_t va, const char *want)
{
	char out[1024];

	overflow_lwp = l;
	overflow_va = va;
	if (child_output(overflow, out, sizeof(out)) == -1)
		return (false);
	if (strstr(out, "kernel stack overflow") == NULL || strstr(out, want) == NULL) {
		char *msg = strstr(out, "panic: "), *nl;

		/* Not the child's "Bail out!": TAP would take it for ours. */
		if (msg != NULL && (nl = strstr(msg, "\n")) != NULL)
			*nl = '\0';
		printf("# wanted \"%s\", got: %s\n", want, msg != NULL ? msg : "no panic");
		return (false);
	}
	return (true);
}

/*
 * A guard registered outside the region (the boot stack's) is a guard
 * exactly over its page, as the region's are; the overflow panic names
 * the stack above it, "its" for the owner, whatever the owner's
 * md_kstack says (lwp0's is 0), "another" for anyone else.
 */
static void
extra_guards(void)
{
	vaddr_t stack = BOOT_GUARD + KSTACK_GUARD_SIZE;
	char want[160];

	ok(!kstack_is_guard(BOOT_GUARD) && !kstack_is_guard(BOOT_GUARD + PAGE_SIZE - 1),
	    "before it is registered, the boot stack's guard is no guard");
	kstack_guard_register(BOOT_GUARD, &boot_lwp);
	ok(kstack_is_guard(BOOT_GUARD) && kstack_is_guard(BOOT_GUARD + PAGE_SIZE - 1),
	    "once registered, its first and last bytes are a guard");
	ok(!kstack_is_guard(BOOT_GUARD - 1) && !kstack_is_guard(stack) &&
	    !kstack_is_guard(stack + KSTACK_SIZE - 1),
	    "the byte below it and the stack above it are not");
	ok(kstack_is_guard(REGION) && kstack_is_guard(stacks[25] - 1) &&
	    !kstack_is_guard(stacks[25]) && !kstack_is_guard(REGION - 1),
	    "the region's guards are still told as before");
	snprintf(want, sizeof(want), "lwp %d of pid 0 (kernel), fault at %#lx, "
	    "guard of its stack at %#lx", (int)boot_lwp.l_tid,
	    (unsigned long)(stack - 8), (unsigned long)stack);
	ok(overflow_says(&boot_lwp, stack - 8, want),
	    "an overflow into it, by its owner: \"guard of its stack\" above it");
	snprintf(want, sizeof(want), "lwp %d of pid 42 (deep), fault at %#lx, "
	    "guard of another stack at %#lx", (int)user_lwp.l_tid,
	    (unsigned long)BOOT_GUARD, (unsigned long)stack);
	ok(overflow_says(&user_lwp, BOOT_GUARD, want),
	    "by another lwp: \"guard of another stack\"");
	user_lwp.l_md.md_kstack = stacks[25];
	snprintf(want, sizeof(want), "fault at %#lx, guard of its stack at %#lx",
	    (unsigned long)(stacks[25] - 1), (unsigned long)stacks[25]);
	ok(overflow_says(&user_lwp, stacks[25] - 1, want),
	    "a region guard is still named from md_kstack: \"guard of its stack\"");
	snprintf(want, sizeof(want), "fault at %#lx, guard of another stack at %#lx",
	    (unsigned long)(stacks[24] - 1), (unsigned long)stacks[24]);
	ok(overflow_says(&user_lwp, stacks[24] - 1, want),
	    "and another's as another's");
	user_lwp.l_md.md_kstack = 0;
}

/*
 * The cache: a freed stack stays mapped and comes back to the next
 * alloc without a page or a mapping taken; past kstack_cache_max the
 * rest are freed; vm.kstack.cached_pages counts what the cache holds.
 */
static void
cache(void)
{
	vaddr_t s[KSTACK_CACHE + 4], a;
	uint64_t free0 = v_free_count;
	unsigned maps;
	bool same = true;

	kstack_cache_max = KSTACK_CACHE;
	for (unsigned i = 0; i < KSTACK_CACHE + 4; i++)
		kstack_alloc(&s[i]);
	maps = fake_pmap_kcount();
	for (unsigned i = 0; i < KSTACK_CACHE + 4; i++)
		kstack_free(s[i]);
	ok(kstack_cached_pages == KSTACK_CACHE * KSTACK_PAGES && kstack_inuse == 0 &&
	    free0 - v_free_count == KSTACK_CACHE * KSTACK_PAGES,
	    "%d freed stacks stay mapped in the cache, the other 4 go back (%u cached pages)",
	    KSTACK_CACHE, kstack_cached_pages);
	ok(fake_pmap_kcount() == KSTACK_CACHE * KSTACK_PAGES && maps > fake_pmap_kcount(),
	    "the cached ones keep their mappings, the others lose theirs");
	for (unsigned i = 0; i < KSTACK_CACHE; i++) {
		uint64_t before = v_free_count;

		if (kstack_alloc(&a) != 0 || v_free_count != before || !mapped_as_stack(a))
			same = false;
		s[i] = a;
	}
	ok(same && kstack_cached_pages == 0 && kstack_inuse == KSTACK_CACHE,
	    "allocs from the cache take no page and find the stack mapped");
	for (unsigned i = 0; i < KSTACK_CACHE; i++)
		kstack_free(s[i]);
	kstack_cache_max = 0;
	for (unsigned i = 0; i < KSTACK_CACHE; i++) {
		kstack_alloc(&s[i]);
	}
	for (unsigned i = 0; i < KSTACK_CACHE; i++)
		kstack_free(s[i]);
	ok(v_free_count == free0 && fake_pmap_kcount() == 0 && kstack_cached_pages == 0,
	    "with the cache emptied every page and mapping is back");
}

int
main(void)
{
	const struct fake_range ranges[] = { { FAKE_PHYS_BASE, ARENA } };
	uint64_t free0;

	fake_mem_setup(ARENA, ranges, 1);
	page_init();
	kmem_init();
	/* The slot allocator alone first: no stack kept for reuse. */
	kstack_cache_max = 0;
	no_region();

	/* NSLOTS slots and a tail too short for another. */
	kstack_region_base = REGION;
	kstack_region_size = NSLOTS * KSTACK_SLOT_SIZE + 3 * PAGE_SIZE;
	kstack_init();
	ok(kstack_nslots == NSLOTS, "a region of %d slots and a bit holds %d slots",
	    NSLOTS, kstack_nslots);
	free0 = v_free_count;
	alloc_and_exhaust();
	reuse();
	failures();
	guards();
	extra_guards();
	for (unsigned i = 0; i < NSLOTS; i++)
		kstack_free(slot_base(i));
	ok(v_free_count == free0 && fake_pmap_kcount() == 0 && kstack_inuse == 0,
	    "with every stack freed, every page and mapping is back");
	{
		vaddr_t a;

		ok(kstack_alloc(&a) == 0 && a == slot_base(0),
		    "and the lowest slot is the first again");
		kstack_free(a);
	}
	cache();
	return (done());
}
