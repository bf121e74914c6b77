/*
 * The pmap contract test (pmap.h), run inside the kernel against the
 * platform's real pmap, the same cases on every platform (littlekernel's
 * arch/test/mmu.cpp in spirit).  Compiled in only with the fail points
 * (meson option fail_points: test builds), behind root-only knobs that
 * core/sysctl.c registers:
 *
 *   debug.pmap_contract	write N (1 .. debug.pmap_contract_cases) to
 *				run case N on scratch pmaps; read the result
 *				of the last run: 0 when every check held,
 *				else the line in this file of the first that
 *				did not (also printed on the console)
 *   debug.pmap_contract_cases	read: how many cases there are
 *   debug.pmap_tlb_page	write the page number (va >> PAGE_SHIFT) of
 *				a 2 MiB-aligned window inside one PROT_NONE
 *				mapping of the caller's
 *   debug.pmap_tlb		write a PMAP_TLB_* step (<forkrt.h>): the
 *				TLB rule, on the caller's own pmap, active
 *				on the CPUs its threads run on
 *
 * The scratch cases need no CPU to use the pmap: they check what
 * pmap_extract and the page counts say after each call.  The TLB steps
 * change the caller's pmap in the window (two pages of this file's, held
 * here, never by the vmspace, which maps nothing there), and the caller's
 * threads, one on each CPU, read and write through it from user mode: a
 * missing flush shows there as an access that does not fault, or one that
 * sees the old page.
 *
 * Page counts: the "unleaked" figure is free pages plus the kernel heap's
 * pages minus its objects (a slab page coming or going moves neither),
 * as the guest suites count.  Another CPU may free a dead lwp's stack
 * meanwhile, so a case that fails only on a count runs again, up to
 * three times: a leak fails every time.
 */
#include "hal.h"
#include "kernel.h"
#include "page.h"
#include "pmap.h"
#include "proc.h"
#include "sysctl.h"
#include "vm.h"
#include "vmmeter.h"

#define GIG		(1ul << 30)
#define SPAN		PMAP_TABLE_SPAN
#define PG(n)		((vaddr_t)(n) * PAGE_SIZE)
#define NDATA		8
#define RW		(VM_PROT_READ | VM_PROT_WRITE)
#define RX		(VM_PROT_READ | VM_PROT_EXEC)
#define RWX		(VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC)
#define R		VM_PROT_READ

/* One run of a case: its scratch pmaps and data pages, and how it failed. */
struct pc {
	const char	*name;
	int		line;		/* the first check that failed, 0: none */
	bool		count;		/* that check was a page count */
	paddr_t		pg[NDATA];	/* pages to map: this file's, not the pmaps' */
	struct pmap	*pm[3];
};

static void
failed(struct pc *c, int line, const char *what, bool count)
{
	if (c->line != 0)
		return;
	c->line = line;
	c->count = count;
	printf("pmap_contract: %s: %s:%d: %s\n", c->name, __FILE__, line, what);
}

/* A check: on failure the case records it and goes to its `out` label. */
#define CHECK(c, cond) do {						\
	if (!(cond)) {							\
		failed((c), __LINE__, #cond, false);			\
		goto out;						\
	}								\
} while (0)
#define CHECK_COUNT(c, cond) do {					\
	if (!(cond)) {							\
		failed((c), __LINE__, #cond, true);			\
		goto out;						\
	}								\
} while (0)

static int64_t
unleaked(void)
{
	return ((int64_t)__atomic_load_n(&v_free_count, __ATOMIC_RELAXED) +
	    (int64_t)kmem_pages - (int64_t)kmem_objects);
}

static int64_t
nfree(void)
{
	return ((int64_t)__atomic_load_n(&v_free_count, __ATOMIC_RELAXED));
}

/* pm maps va to pa (va's offset in the page kept) with exactly prot. */
static bool
maps(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot)
{
	vm_prot_t p = 0;
	paddr_t got = 0;

	return (pmap_extract(pm, va + 0x123, &got, &p) &&
	    got == pa + 0x123 && p == prot);
}

/* pm maps va to pa, readable (whatever else). */
static bool
maps_pa(struct pmap *pm, vaddr_t va, paddr_t pa)
{
	vm_prot_t p = 0;
	paddr_t got = 0;

	return (pmap_extract(pm, va, &got, &p) && got == pa && (p & VM_PROT_READ));
}

/* pm maps va to pa readable, not writable (the rest of its rights kept). */
static bool
maps_ro(struct pmap *pm, vaddr_t va, paddr_t pa)
{
	vm_prot_t p = 0;
	paddr_t got = 0;

	return (pmap_extract(pm, va, &got, &p) && got == pa &&
	    (p & VM_PROT_READ) && !(p & VM_PROT_WRITE));
}

static bool
unmapped(struct pmap *pm, vaddr_t va)
{
	return (!pmap_extract(pm, va, NULL, NULL));
}

static int
pc_setup(struct pc *c)
{
	for (int i = 0; i < NDATA; i++) {
		if (page_alloc(&c->pg[i], PG_ZERO) != 0)
			return (ENOMEM);
	}
	return (0);
}

static void
pc_teardown(struct pc *c)
{
	for (int i = 0; i < 3; i++)
		if (c->pm[i] != NULL)
			pmap_destroy(c->pm[i]);
	for (int i = 0; i < NDATA; i++)
		if (c->pg[i] != 0)
			page_free(c->pg[i]);
}

/* Destroy c->pm[i] now (so that a later check sees its pages back). */
static void
pc_destroy(struct pc *c, int i)
{
	pmap_destroy(c->pm[i]);
	c->pm[i] = NULL;
}

/*
 * A new pmap maps nothing, inside or outside the user range (the kernel
 * half is in it but no user mapping); removing and protecting the whole
 * range of an empty pmap allocates nothing; destroy gives back all that
 * create took.
 */
static void
case_empty(struct pc *c)
{
	static int kobj;
	int64_t u0 = unleaked(), f;
	struct pmap *pm;

	CHECK(c, (pm = c->pm[0] = pmap_create()) != NULL);
	CHECK(c, unmapped(pm, VM_MIN_USER));
	CHECK(c, unmapped(pm, GIG));
	CHECK(c, unmapped(pm, VM_MAX_USER - PAGE_SIZE));
	CHECK(c, unmapped(pm, VM_MIN_USER - PAGE_SIZE));
	CHECK(c, unmapped(pm, VM_MAX_USER));
	CHECK(c, unmapped(pm, (vaddr_t)&kobj));
	CHECK(c, unmapped(pm, (vaddr_t)phys_to_kva(c->pg[0])));
	f = nfree();
	pmap_remove(pm, VM_MIN_USER, VM_MAX_USER);
	pmap_protect(pm, VM_MIN_USER, VM_MAX_USER, R);
	CHECK(c, unmapped(pm, VM_MIN_USER));
	CHECK_COUNT(c, nfree() == f);
	pc_destroy(c, 0);
	CHECK_COUNT(c, unleaked() == u0);
out:
	return;
}

/*
 * pmap_enter then pmap_extract: the page (offset kept) and exactly the
 * rights entered, for every combination with read; entering over a
 * mapping replaces it; VM_PROT_NONE removes it; a second page in a table
 * costs no page.
 */
static void
case_enter_extract(struct pc *c)
{
	static const vm_prot_t prots[] = { R, RW, RX, RWX };
	vaddr_t va = 3 * GIG + 5 * SPAN;
	struct pmap *pm;
	int64_t f;

	CHECK(c, (pm = c->pm[0] = pmap_create()) != NULL);
	CHECK(c, pmap_enter(pm, va, c->pg[0], R) == 0);
	f = nfree();
	for (int i = 0; i < 4; i++)
		CHECK(c, pmap_enter(pm, va + PG(i), c->pg[i], prots[i]) == 0);
	CHECK_COUNT(c, nfree() == f);
	for (int i = 0; i < 4; i++)
		CHECK(c, maps(pm, va + PG(i), c->pg[i], prots[i]));
	CHECK(c, unmapped(pm, va + PG(4)));
	CHECK(c, unmapped(pm, va - PAGE_SIZE));
	/* Replace: another page, other rights, each way. */
	CHECK(c, pmap_enter(pm, va, c->pg[5], RW) == 0);
	CHECK(c, maps(pm, va, c->pg[5], RW));
	CHECK(c, pmap_enter(pm, va + PG(1), c->pg[1], R) == 0);
	CHECK(c, maps(pm, va + PG(1), c->pg[1], R));
	CHECK(c, pmap_enter(pm, va + PG(2), c->pg[6], RWX) == 0);
	CHECK(c, maps(pm, va + PG(2), c->pg[6], RWX));
	CHECK(c, pmap_enter(pm, va + PG(3), c->pg[3], VM_PROT_NONE) == 0);
	CHECK(c, unmapped(pm, va + PG(3)));
	CHECK(c, maps(pm, va + PG(2), c->pg[6], RWX));
out:
	return;
}

/* pmap_remove takes [sva, eva) away, no more, and skips what is absent. */
static void
case_remove(struct pc *c)
{
	vaddr_t va = 4 * GIG + 7 * SPAN + PG(100);
	struct pmap *pm;

	CHECK(c, (pm = c->pm[0] = pmap_create()) != NULL);
	for (int i = 0; i < 8; i++)
		CHECK(c, pmap_enter(pm, va + PG(i), c->pg[i], RW) == 0);
	pmap_remove(pm, va + PG(2), va + PG(5));
	for (int i = 0; i < 8; i++)
		CHECK(c, i >= 2 && i < 5 ? unmapped(pm, va + PG(i)) :
		    maps(pm, va + PG(i), c->pg[i], RW));
	pmap_remove(pm, va + PG(2), va + PG(5));	/* absent now */
	pmap_remove(pm, va + PG(6), va + PG(6));	/* empty */
	CHECK(c, maps(pm, va + PG(6), c->pg[6], RW));
	pmap_remove(pm, va - PG(50), va + PG(1));
	CHECK(c, unmapped(pm, va));
	CHECK(c, maps(pm, va + PG(1), c->pg[1], RW));
	pmap_remove(pm, va, va + PG(8));
	for (int i = 0; i < 8; i++)
		CHECK(c, unmapped(pm, va + PG(i)));
out:
	return;
}

/*
 * pmap_protect sets the rights of the mappings in [sva, eva), no more,
 * lowering or raising them, keeps their pages, maps nothing in a hole,
 * and VM_PROT_NONE removes.
 */
static void
case_protect(struct pc *c)
{
	vaddr_t va = 5 * GIG - PG(3);
	struct pmap *pm;

	CHECK(c, (pm = c->pm[0] = pmap_create()) != NULL);
	for (int i = 0; i < 8; i++)
		if (i != 6)
			CHECK(c, pmap_enter(pm, va + PG(i), c->pg[i], RW) == 0);
	pmap_protect(pm, va + PG(2), va + PG(5), R);
	for (int i = 0; i < 8; i++)
		if (i != 6)
			CHECK(c, maps(pm, va + PG(i), c->pg[i],
			    i >= 2 && i < 5 ? R : RW));
	pmap_protect(pm, va, va + PG(8), RX);
	for (int i = 0; i < 8; i++)
		CHECK(c, i == 6 ? unmapped(pm, va + PG(i)) :
		    maps(pm, va + PG(i), c->pg[i], RX));
	pmap_protect(pm, va + PG(1), va + PG(4), RW);
	CHECK(c, maps(pm, va, c->pg[0], RX));
	CHECK(c, maps(pm, va + PG(1), c->pg[1], RW));
	CHECK(c, maps(pm, va + PG(3), c->pg[3], RW));
	CHECK(c, maps(pm, va + PG(4), c->pg[4], RX));
	pmap_protect(pm, va + PG(4), va + PG(6), VM_PROT_NONE);
	CHECK(c, unmapped(pm, va + PG(4)) && unmapped(pm, va + PG(5)));
	CHECK(c, maps(pm, va + PG(7), c->pg[7], RX));
out:
	return;
}

/*
 * Ranges across leaf-table boundaries: every page of [B - 3 pages,
 * B + 2 MiB + 3 pages) (three tables, the middle one whole) is mapped,
 * protected and removed across the edges; a remove covering a whole table
 * gives its page back at once (one page a table), one covering only the
 * mapped part of a table leaves it for a remove that covers it all.
 */
static void
case_span_2m(struct pc *c)
{
	vaddr_t b = 6 * GIG + 9 * SPAN, lo = b - PG(3), hi = b + SPAN + PG(3), va;
	struct pmap *pm;
	int64_t f;

	CHECK(c, (pm = c->pm[0] = pmap_create()) != NULL);
	CHECK(c, pmap_enter(pm, 6 * GIG, c->pg[7], R) == 0);	/* the upper tables */
	f = nfree();
	for (va = lo; va < hi; va += PAGE_SIZE)
		CHECK(c, pmap_enter(pm, va, c->pg[(va >> PAGE_SHIFT) % 4], RW) == 0);
	CHECK_COUNT(c, nfree() == f - 3);
	for (va = lo; va < hi; va += PAGE_SIZE)
		CHECK(c, maps(pm, va, c->pg[(va >> PAGE_SHIFT) % 4], RW));
	CHECK(c, unmapped(pm, lo - PAGE_SIZE) && unmapped(pm, hi));
	pmap_protect(pm, b - PG(1), b + SPAN + PG(1), RX);
	for (va = lo; va < hi; va += PAGE_SIZE)
		CHECK(c, maps(pm, va, c->pg[(va >> PAGE_SHIFT) % 4],
		    va >= b - PG(1) && va < b + SPAN + PG(1) ? RX : RW));
	pmap_remove(pm, b - PG(1), b + PG(1));
	CHECK(c, unmapped(pm, b - PG(1)) && unmapped(pm, b));
	CHECK(c, maps(pm, b - PG(2), c->pg[((b - PG(2)) >> PAGE_SHIFT) % 4], RW));
	CHECK(c, maps(pm, b + PG(1), c->pg[((b + PG(1)) >> PAGE_SHIFT) % 4], RX));
	pmap_remove(pm, b, b + SPAN);
	CHECK_COUNT(c, nfree() == f - 2);
	CHECK(c, unmapped(pm, b + SPAN - PG(1)));
	CHECK(c, maps(pm, b + SPAN, c->pg[((b + SPAN) >> PAGE_SHIFT) % 4], RX));
	CHECK(c, maps(pm, lo, c->pg[(lo >> PAGE_SHIFT) % 4], RW));
	/* Emptied by a range that does not cover them, tables stay until one does. */
	pmap_remove(pm, lo, hi);
	for (va = lo; va < hi; va += PAGE_SIZE)
		CHECK(c, unmapped(pm, va));
	pmap_remove(pm, b - SPAN, b + 2 * SPAN);
	CHECK_COUNT(c, nfree() == f);
	CHECK(c, maps(pm, 6 * GIG, c->pg[7], R));
out:
	return;
}

/*
 * Ranges across gigabytes (a table of leaf tables each) and the ends of
 * the user range: pages around 1 GiB and 2 GiB, the first and the last
 * user page, tables at both ends of a gigabyte's slots with empty ones
 * between; protect and remove across them touch what is inside only.
 */
static void
case_span_1g(struct pc *c)
{
	static const vaddr_t at[] = {
		VM_MIN_USER, GIG - PG(2), GIG - PG(1), GIG, GIG + PG(1),
		2 * GIG - PG(1), 2 * GIG, 7 * GIG + 10 * SPAN,
		7 * GIG + 500 * SPAN + PG(511), 9 * GIG + PG(3),
		VM_MAX_USER - PG(1),
	};
	const size_t n = nitems(at);
	struct pmap *pm;
	size_t i;

	CHECK(c, (pm = c->pm[0] = pmap_create()) != NULL);
	for (i = 0; i < n; i++)
		CHECK(c, pmap_enter(pm, at[i], c->pg[i % NDATA], RW) == 0);
	for (i = 0; i < n; i++)
		CHECK(c, maps(pm, at[i], c->pg[i % NDATA], RW));
	CHECK(c, unmapped(pm, GIG + PG(2)) && unmapped(pm, GIG - PG(3)));
	/* Across 1 GiB: the two pages on each side. */
	pmap_protect(pm, GIG - PG(1), GIG + PG(1), R);
	for (i = 0; i < n; i++)
		CHECK(c, maps(pm, at[i], c->pg[i % NDATA],
		    at[i] == GIG - PG(1) || at[i] == GIG ? R : RW));
	/* Inside gigabyte 7, between its two tables: nothing there. */
	pmap_remove(pm, 7 * GIG + 11 * SPAN, 7 * GIG + 500 * SPAN + PG(511));
	CHECK(c, maps(pm, 7 * GIG + 10 * SPAN, c->pg[7], RW));
	CHECK(c, maps(pm, 7 * GIG + 500 * SPAN + PG(511), c->pg[0], RW));
	/* From the middle of gigabyte 2 to that of 9: gigabyte 7's two tables. */
	pmap_remove(pm, 2 * GIG + GIG / 2, 9 * GIG + PG(3));
	CHECK(c, unmapped(pm, 7 * GIG + 10 * SPAN));
	CHECK(c, unmapped(pm, 7 * GIG + 500 * SPAN + PG(511)));
	CHECK(c, maps(pm, 9 * GIG + PG(3), c->pg[1], RW));
	CHECK(c, maps(pm, 2 * GIG, c->pg[6], RW));
	/* Across 2 GiB and up to the top: the last user page too. */
	pmap_protect(pm, 2 * GIG - PG(1), VM_MAX_USER, RX);
	CHECK(c, maps(pm, 2 * GIG - PG(1), c->pg[5], RX));
	CHECK(c, maps(pm, VM_MAX_USER - PG(1), c->pg[2], RX));
	CHECK(c, maps(pm, GIG + PG(1), c->pg[4], RW));
	/* The whole user range. */
	pmap_remove(pm, VM_MIN_USER, VM_MAX_USER);
	for (i = 0; i < n; i++)
		CHECK(c, unmapped(pm, at[i]));
out:
	return;
}

/*
 * pmap_copy, fork's path: src has pages in a partial table below the
 * range, a whole table inside, a partial one above.  Both sides then map
 * the same pages in the range without the write right (the whole table
 * shared, not copied), dst nothing outside it; a write on either side
 * (pmap_enter of a new page, as a copy-on-write fault does), a remove or
 * a protect is seen by that side only; re-entering what a shared table
 * already says copies nothing; two pmap_copy calls cutting one table fill
 * one table of dst's; destroying dst leaves src whole; a shared table
 * removed whole from one side stays for the other until it lets it go.
 */
static void
case_copy(struct pc *c)
{
	vaddr_t t = 8 * GIG + 4 * SPAN;		/* the whole table */
	vaddr_t sva = t - PG(2), eva = t + SPAN + PG(2);
	static const vaddr_t off[] = {
		0, PG(1), PG(200), PG(511), SPAN, SPAN + PG(1), SPAN + PG(5),
	};
	struct pmap *src, *dst;
	unsigned shared, copied;
	int64_t f;

	CHECK(c, (src = c->pm[0] = pmap_create()) != NULL);
	CHECK(c, (dst = c->pm[1] = pmap_create()) != NULL);
	/* Below the range: t - 3 pages (outside) and t - 2, t - 1 (inside). */
	for (int i = 1; i <= 3; i++)
		CHECK(c, pmap_enter(src, t - PG(i), c->pg[i], RW) == 0);
	for (size_t i = 0; i < nitems(off); i++)
		CHECK(c, pmap_enter(src, t + off[i], c->pg[i], i == 2 ? RWX : RW) == 0);
	shared = vmcnt.v_pt_shared;
	CHECK(c, pmap_copy(dst, src, sva, eva) == 0);
	CHECK(c, vmcnt.v_pt_shared == shared + 1);
	for (size_t i = 0; i < nitems(off); i++) {
		vaddr_t va = t + off[i];

		if (va >= eva) {
			CHECK(c, unmapped(dst, va));
			CHECK(c, maps_pa(src, va, c->pg[i]));
			continue;
		}
		CHECK(c, maps(src, va, c->pg[i], i == 2 ? RX : R));
		CHECK(c, maps(dst, va, c->pg[i], i == 2 ? RX : R));
	}
	CHECK(c, maps_ro(src, t - PG(2), c->pg[2]) && maps_ro(dst, t - PG(2), c->pg[2]));
	CHECK(c, maps_ro(dst, t - PG(1), c->pg[1]));
	CHECK(c, unmapped(dst, t - PG(3)));
	CHECK(c, maps_pa(src, t - PG(3), c->pg[3]));

	/* A read fault in dst re-entering what the shared table says. */
	copied = vmcnt.v_pt_copied;
	CHECK(c, pmap_enter(dst, t + PG(1), c->pg[1], R) == 0);
	CHECK(c, vmcnt.v_pt_copied == copied);
	CHECK(c, maps(dst, t + PG(1), c->pg[1], R));

	/* src writes t: its own new page; dst keeps the old one. */
	CHECK(c, pmap_enter(src, t, c->pg[7], RW) == 0);
	CHECK(c, maps(src, t, c->pg[7], RW));
	CHECK(c, maps(dst, t, c->pg[0], R));
	CHECK(c, maps(dst, t + PG(200), c->pg[2], RX));
	/* dst writes t + 1 page; src keeps its mapping. */
	CHECK(c, pmap_enter(dst, t + PG(1), c->pg[6], RW) == 0);
	CHECK(c, maps(dst, t + PG(1), c->pg[6], RW));
	CHECK(c, maps(src, t + PG(1), c->pg[1], R));
	/* The last write needs no copy: dst's table is its own already. */
	copied = vmcnt.v_pt_copied;
	CHECK(c, pmap_enter(dst, t + PG(511), c->pg[5], RW) == 0);
	CHECK(c, vmcnt.v_pt_copied == copied);
	CHECK(c, maps(src, t + PG(511), c->pg[3], R));
	/* Remove and protect on one side only. */
	pmap_remove(dst, t + PG(200), t + PG(201));
	CHECK(c, unmapped(dst, t + PG(200)));
	CHECK(c, maps(src, t + PG(200), c->pg[2], RX));
	pmap_protect(src, t + SPAN, t + SPAN + PG(1), VM_PROT_NONE);
	CHECK(c, unmapped(src, t + SPAN));
	CHECK(c, maps(dst, t + SPAN, c->pg[4], R));
	pmap_protect(dst, t - PG(2), t, VM_PROT_NONE);
	CHECK(c, maps_ro(src, t - PG(2), c->pg[2]));

	/* Two copies cutting one table fill one table of dst's. */
	CHECK(c, (c->pm[2] = pmap_create()) != NULL);
	CHECK(c, pmap_copy(c->pm[2], src, t + SPAN + PG(1), t + SPAN + PG(3)) == 0);
	CHECK(c, pmap_copy(c->pm[2], src, t + SPAN + PG(3), t + SPAN + PG(6)) == 0);
	CHECK(c, maps_ro(c->pm[2], t + SPAN + PG(1), c->pg[5]));
	CHECK(c, maps_ro(c->pm[2], t + SPAN + PG(5), c->pg[6]));
	CHECK(c, unmapped(c->pm[2], t + SPAN));

	/* dst goes: src keeps all it had. */
	pc_destroy(c, 1);
	CHECK(c, maps(src, t, c->pg[7], RW));
	CHECK(c, maps(src, t + PG(1), c->pg[1], R));
	CHECK(c, maps(src, t + PG(200), c->pg[2], RX));
	CHECK(c, maps_pa(src, t - PG(3), c->pg[3]));
	/*
	 * Rights raised by pmap_protect where fork took them: in the table
	 * it shared (now src's alone) and in one it cut.
	 */
	pmap_protect(src, t + PG(1), t + PG(2), RW);
	CHECK(c, maps(src, t + PG(1), c->pg[1], RW));
	pmap_protect(src, t + SPAN + PG(1), t + SPAN + PG(2), RW);
	CHECK(c, maps(src, t + SPAN + PG(1), c->pg[5], RW));
	pmap_protect(src, t - PG(3), t - PG(1), RWX);
	CHECK(c, maps(src, t - PG(3), c->pg[3], RWX));
	CHECK(c, maps(src, t - PG(2), c->pg[2], RWX));
	/*
	 * A shared table removed whole from one holder stays for the other,
	 * no page back, and goes back when the last lets it go.
	 */
	CHECK(c, (dst = c->pm[1] = pmap_create()) != NULL);
	CHECK(c, pmap_copy(dst, src, t, t + SPAN) == 0);
	CHECK(c, maps_ro(dst, t, c->pg[7]) && maps_ro(src, t, c->pg[7]));
	f = nfree();
	pmap_remove(dst, t, t + SPAN);
	CHECK(c, unmapped(dst, t) && unmapped(dst, t + PG(200)));
	CHECK(c, maps_ro(src, t, c->pg[7]) && maps(src, t + PG(200), c->pg[2], RX));
	CHECK_COUNT(c, nfree() == f);
	pmap_remove(src, t, t + SPAN);
	CHECK(c, unmapped(src, t));
	CHECK_COUNT(c, nfree() == f + 1);
out:
	return;
}

/*
 * Changes to a table three pmaps share (a copy of a copy), each on one
 * holder: a remove of part of it, a write to a page already there (the
 * same page, now writable, as the last holder of a page gets), a protect
 * of part of it; the other two keep the table as it was, and when all
 * have their own copies the original goes back.
 */
static void
case_copy_shared(struct pc *c)
{
	vaddr_t t = 14 * GIG + 20 * SPAN;
	struct pmap *a, *b, *d;
	unsigned copied;
	int64_t f;

	CHECK(c, (a = c->pm[0] = pmap_create()) != NULL);
	CHECK(c, (b = c->pm[1] = pmap_create()) != NULL);
	CHECK(c, (d = c->pm[2] = pmap_create()) != NULL);
	for (int i = 0; i < 4; i++)
		CHECK(c, pmap_enter(a, t + PG(i * 100), c->pg[i], RW) == 0);
	CHECK(c, pmap_copy(b, a, t, t + SPAN) == 0);
	CHECK(c, pmap_copy(d, b, t, t + SPAN) == 0);
	copied = vmcnt.v_pt_copied;
	f = nfree();
	/* d: part of it removed. */
	pmap_remove(d, t + PG(100), t + PG(101));
	CHECK(c, vmcnt.v_pt_copied == copied + 1);
	CHECK_COUNT(c, nfree() == f - 1);
	CHECK(c, unmapped(d, t + PG(100)) && maps_ro(d, t, c->pg[0]));
	CHECK(c, maps_ro(a, t + PG(100), c->pg[1]) && maps_ro(b, t + PG(100), c->pg[1]));
	/* b: the same page made writable. */
	CHECK(c, pmap_enter(b, t + PG(200), c->pg[2], RW) == 0);
	CHECK(c, maps(b, t + PG(200), c->pg[2], RW));
	CHECK(c, maps_ro(b, t + PG(300), c->pg[3]));
	CHECK(c, maps_ro(a, t + PG(200), c->pg[2]) && maps_ro(d, t + PG(200), c->pg[2]));
	/* a, the table's last holder: no copy; a protect of part of it. */
	copied = vmcnt.v_pt_copied;
	pmap_protect(a, t + PG(300), t + PG(301), VM_PROT_NONE);
	CHECK(c, vmcnt.v_pt_copied == copied);
	CHECK(c, unmapped(a, t + PG(300)) && maps_ro(a, t, c->pg[0]));
	CHECK(c, maps_ro(b, t + PG(300), c->pg[3]) && maps_ro(d, t + PG(300), c->pg[3]));
	CHECK(c, maps_ro(d, t + PG(200), c->pg[2]) && unmapped(d, t + PG(100)));
	CHECK(c, maps(b, t + PG(200), c->pg[2], RW));
out:
	return;
}

/*
 * Every page-table page goes back with pmap_destroy: a pmap with
 * mappings in several gigabytes (the first and last user page too),
 * shared with a copy and a copy of the copy (a table three pmaps hold),
 * one table made private again by a write; destroyed in an order that
 * leaves the shared tables to the last holder, without a remove first.
 */
static void
case_destroy(struct pc *c)
{
	static const vaddr_t at[] = {
		VM_MIN_USER, 10 * GIG + PG(7), 10 * GIG + 3 * SPAN,
		10 * GIG + 3 * SPAN + PG(9), 12 * GIG - PG(1), 100 * GIG,
		VM_MAX_USER - PG(1),
	};
	int64_t u0 = unleaked(), u1;
	struct pmap *a, *b, *d;

	CHECK(c, (a = c->pm[0] = pmap_create()) != NULL);
	for (size_t i = 0; i < nitems(at); i++)
		CHECK(c, pmap_enter(a, at[i], c->pg[i], RW) == 0);
	CHECK(c, (b = c->pm[1] = pmap_create()) != NULL);
	CHECK(c, pmap_copy(b, a, VM_MIN_USER, VM_MAX_USER) == 0);
	CHECK(c, (d = c->pm[2] = pmap_create()) != NULL);
	CHECK(c, pmap_copy(d, b, VM_MIN_USER, VM_MAX_USER) == 0);
	for (size_t i = 0; i < nitems(at); i++)
		CHECK(c, maps_ro(d, at[i], c->pg[i]));
	CHECK(c, pmap_enter(b, 10 * GIG + 3 * SPAN, c->pg[7], RW) == 0);
	CHECK(c, maps_ro(a, 10 * GIG + 3 * SPAN, c->pg[2]));
	CHECK(c, maps_ro(d, 10 * GIG + 3 * SPAN, c->pg[2]));
	u1 = unleaked();
	pc_destroy(c, 1);
	CHECK_COUNT(c, unleaked() > u1);
	for (size_t i = 0; i < nitems(at); i++)
		CHECK(c, maps_ro(a, at[i], c->pg[i]) && maps_ro(d, at[i], c->pg[i]));
	pc_destroy(c, 0);
	for (size_t i = 0; i < nitems(at); i++)
		CHECK(c, maps_ro(d, at[i], c->pg[i]));
	pc_destroy(c, 2);
	CHECK_COUNT(c, unleaked() == u0);
out:
	return;
}

/*
 * All free memory, held: single pages first (so that exactly k can be
 * given back), then blocks as large as there are, then the single pages
 * left; linked through their first word.
 */
struct hoard {
	paddr_t		blocks;
	paddr_t		singles;
	unsigned	nsingles;
};

static void
hoard_push(paddr_t *list, paddr_t pa)
{
	*(paddr_t *)phys_to_kva(pa) = *list;
	*list = pa;
}

/* Take every free page (again: another CPU may have freed some). */
static void
hoard_take(struct hoard *h)
{
	paddr_t pa;

	while (h->nsingles < 16 && page_alloc(&pa, 0) == 0) {
		hoard_push(&h->singles, pa);
		h->nsingles++;
	}
	for (unsigned o = 10; o >= 1; o--)
		while (page_alloc_order(&pa, o, 0) == 0)
			hoard_push(&h->blocks, pa);
	while (page_alloc(&pa, 0) == 0) {
		hoard_push(&h->singles, pa);
		h->nsingles++;
	}
}

/* Leave exactly k pages free: true if there were that many to give. */
static bool
hoard_give(struct hoard *h, unsigned k)
{
	paddr_t pa;

	hoard_take(h);
	if (h->nsingles < k)
		return (false);
	while (k-- > 0) {
		pa = h->singles;
		h->singles = *(paddr_t *)phys_to_kva(pa);
		h->nsingles--;
		page_free(pa);
	}
	return (true);
}

static void
hoard_release(struct hoard *h)
{
	paddr_t pa;

	while ((pa = h->blocks) != 0) {
		h->blocks = *(paddr_t *)phys_to_kva(pa);
		page_free(pa);
	}
	while ((pa = h->singles) != 0) {
		h->singles = *(paddr_t *)phys_to_kva(pa);
		page_free(pa);
	}
	h->nsingles = 0;
}

/*
 * Out of memory, for real: every free page held here.  pmap_enter then
 * returns ENOMEM and leaves the pmap as it was, whichever table it could
 * not get (a new gigabyte, given 0, 1, 2 ... pages, until it succeeds;
 * what the failed calls took is reused, not taken again), also where it
 * would have to copy a shared table; a remove that cannot copy a shared
 * table leaves the other pmap alone; pmap_copy returns ENOMEM and leaves
 * src's pages mapped; pmap_create returns NULL.  Everything is back after.
 */
static void
case_enomem(struct pc *c)
{
	vaddr_t va0 = 11 * GIG + 4 * SPAN, fresh = 13 * GIG + 6 * SPAN;
	struct hoard h = { 0, 0, 0 };
	struct pmap *src, *dst, *pm = NULL;
	int64_t u0 = unleaked(), taken = 0;
	unsigned k;
	int error = ENOMEM;

	CHECK(c, (src = c->pm[0] = pmap_create()) != NULL);
	CHECK(c, (dst = c->pm[1] = pmap_create()) != NULL);
	CHECK(c, (c->pm[2] = pmap_create()) != NULL);
	CHECK(c, pmap_enter(src, va0, c->pg[0], RW) == 0);
	CHECK(c, pmap_enter(src, va0 + PG(1), c->pg[1], RW) == 0);
	CHECK(c, pmap_copy(dst, src, va0, va0 + SPAN) == 0);

	/* A new leaf table in a gigabyte that has its upper tables. */
	CHECK(c, hoard_give(&h, 0));
	CHECK(c, pmap_enter(src, va0 + SPAN, c->pg[2], RW) == ENOMEM);
	CHECK(c, unmapped(src, va0 + SPAN));
	CHECK(c, maps_ro(src, va0, c->pg[0]) && maps_ro(src, va0 + PG(1), c->pg[1]));
	CHECK_COUNT(c, nfree() == 0);

	/* A new gigabyte, with 0, 1, 2 ... pages to spare. */
	for (k = 0; k < 6 && error == ENOMEM; k++) {
		CHECK(c, hoard_give(&h, k));
		error = pmap_enter(src, fresh, c->pg[3], RW);
		taken += (int64_t)k - nfree();
		CHECK(c, error == 0 || error == ENOMEM);
		if (error == ENOMEM) {
			CHECK(c, unmapped(src, fresh));
			CHECK(c, maps_ro(src, va0, c->pg[0]));
		}
	}
	CHECK(c, error == 0 && maps(src, fresh, c->pg[3], RW));
	/* A leaf table and at most two above it (how many exist already is the platform's). */
	CHECK_COUNT(c, taken <= 3);

	/* A write in a shared table needs a copy of it. */
	CHECK(c, hoard_give(&h, 0));
	CHECK(c, pmap_enter(dst, va0, c->pg[4], RW) == ENOMEM);
	CHECK(c, maps_ro(dst, va0, c->pg[0]) && maps_ro(dst, va0 + PG(1), c->pg[1]));
	CHECK(c, maps_ro(src, va0, c->pg[0]));
	CHECK(c, pmap_enter(src, va0 + PG(1), c->pg[4], RW) == ENOMEM);
	CHECK(c, maps_ro(src, va0 + PG(1), c->pg[1]) && maps_ro(dst, va0 + PG(1), c->pg[1]));
	/* A partial protect of it: dst's page loses rights or goes, src keeps its own. */
	pmap_protect(dst, va0, va0 + PG(1), VM_PROT_NONE);
	CHECK(c, unmapped(dst, va0));
	CHECK(c, maps_ro(src, va0, c->pg[0]) && maps_ro(src, va0 + PG(1), c->pg[1]));
	/* A partial remove of it: dst's page goes (its table may too), src keeps its own. */
	pmap_remove(dst, va0 + PG(1), va0 + PG(2));
	CHECK(c, unmapped(dst, va0 + PG(1)));
	CHECK(c, maps_ro(src, va0, c->pg[0]) && maps_ro(src, va0 + PG(1), c->pg[1]));

	/* pmap_copy and pmap_create with nothing free. */
	CHECK(c, hoard_give(&h, 0));
	CHECK(c, pmap_copy(c->pm[2], src, VM_MIN_USER, VM_MAX_USER) == ENOMEM);
	CHECK(c, maps_ro(src, va0, c->pg[0]) && pmap_extract(src, fresh, NULL, NULL));
	CHECK(c, (pm = pmap_create()) == NULL);
	hoard_release(&h);

	/* With memory back, the calls that failed work. */
	CHECK(c, pmap_enter(dst, va0, c->pg[4], RW) == 0);
	CHECK(c, maps(dst, va0, c->pg[4], RW) && maps_ro(src, va0, c->pg[0]));
	pc_destroy(c, 2);
	pc_destroy(c, 1);
	pc_destroy(c, 0);
	CHECK_COUNT(c, unleaked() == u0);
out:
	hoard_release(&h);
	if (pm != NULL)
		pmap_destroy(pm);
}

static const struct {
	void		(*fn)(struct pc *);
	const char	*name;
} cases[] = {
	{ case_empty, "empty" },
	{ case_enter_extract, "enter_extract" },
	{ case_remove, "remove" },
	{ case_protect, "protect" },
	{ case_span_2m, "span_2m" },
	{ case_span_1g, "span_1g" },
	{ case_copy, "copy" },
	{ case_destroy, "destroy" },
	{ case_enomem, "enomem" },
	{ case_copy_shared, "copy_shared" },
};

static int last_result = -1;	/* (a) */

static int
pmap_contract_cases_get(void)
{
	return ((int)nitems(cases));
}

static int
pmap_contract_get(void)
{
	return (__atomic_load_n(&last_result, __ATOMIC_RELAXED));
}

/*
 * Run case v (1-based).  Its data pages are taken before and given back
 * after, so its own counts see only the pmaps.
 */
static int
pmap_contract_set(int v)
{
	struct pc c;
	int tries = 0;

	if (v < 1 || v > (int)nitems(cases))
		return (EINVAL);
	do {
		memset(&c, 0, sizeof(c));
		c.name = cases[v - 1].name;
		if (pc_setup(&c) != 0) {
			pc_teardown(&c);
			return (ENOMEM);
		}
		cases[v - 1].fn(&c);
		pc_teardown(&c);
	} while (c.line != 0 && c.count && ++tries < 3);
	__atomic_store_n(&last_result, c.line, __ATOMIC_RELAXED);
	return (0);
}

/*
 * The TLB rule on the caller's own pmap (debug.pmap_tlb).  One session at
 * a time: PMAP_TLB_SETUP maps page A (every word PMAP_TLB_MARK_A)
 * read-write at the window's start; the other steps change that mapping
 * as the pmap calls of their names do, under the vmspace's lock as every
 * caller does; PMAP_TLB_TEARDOWN unmaps the window and frees A and B.
 * A process that dies in a session keeps it (and A and B) for good, and
 * every later setup is EBUSY: a test knob, whose suite always tears down.
 */
static struct {
	vaddr_t		window;		/* (a) from debug.pmap_tlb_page */
	pid_t		pid;		/* the session's process, 0: none */
	paddr_t		a, b;
} tlb;

static struct spinlock tlb_lock = SPINLOCK_INIT("pmap_tlb");

static int
pmap_tlb_page_set(int v)
{
	if (v <= 0 || ((vaddr_t)v << PAGE_SHIFT) >= VM_MAX_USER)
		return (EINVAL);
	__atomic_store_n(&tlb.window, (vaddr_t)v << PAGE_SHIFT, __ATOMIC_RELAXED);
	return (0);
}

static paddr_t
tlb_page(uint64_t mark)
{
	uint64_t *w;
	paddr_t pa;

	if (page_alloc(&pa, 0) != 0)
		return (0);
	w = phys_to_kva(pa);
	for (size_t i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		w[i] = mark;
	return (pa);
}

/* The window lies in one PROT_NONE entry of vm's: the vm maps nothing there. */
static bool
tlb_window_ok(struct vmspace *vm, vaddr_t va)
{
	struct vm_map_entry *e;

	if (va < VM_MIN_USER || (va & (SPAN - 1)) != 0 || va + SPAN > VM_MAX_USER)
		return (false);
	e = vm_map_lookup(vm, va);
	return (e != NULL && e->prot == VM_PROT_NONE && e->end >= va + SPAN);
}

static int
tlb_step(struct vmspace *vm, int step)
{
	vaddr_t va = tlb.window;
	struct pmap *pm = vm->pmap, *copy = NULL;
	int error = 0;

	if (step == PMAP_TLB_COPY)
		copy = pmap_create();
	spin_lock(&vm->lock);
	if (step == PMAP_TLB_SETUP && !tlb_window_ok(vm, va)) {
		spin_unlock(&vm->lock);
		return (EINVAL);
	}
	switch (step) {
	case PMAP_TLB_SETUP:
		error = pmap_enter(pm, va, tlb.a, RW);
		break;
	case PMAP_TLB_REPLACE:
		error = pmap_enter(pm, va, tlb.b, RW);
		break;
	case PMAP_TLB_PROTECT:
		pmap_protect(pm, va, va + PAGE_SIZE, R);
		break;
	case PMAP_TLB_REMOVE:
		pmap_remove(pm, va, va + PAGE_SIZE);
		break;
	case PMAP_TLB_REMOVE_TABLE:
	case PMAP_TLB_TEARDOWN:
		pmap_remove(pm, va, va + SPAN);
		break;
	case PMAP_TLB_ENTER_RO:
		error = pmap_enter(pm, va, tlb.a, R);
		break;
	case PMAP_TLB_COPY:
		/* Fork's step: the caller's pmap loses the write right. */
		if (copy == NULL)
			error = ENOMEM;
		else
			error = pmap_copy(copy, pm, va, va + SPAN);
		break;
	}
	spin_unlock(&vm->lock);
	if (copy != NULL)
		pmap_destroy(copy);
	return (error);
}

static int
pmap_tlb_set(int step)
{
	struct proc *p = curproc();
	int error;

	if (step < PMAP_TLB_SETUP || step > PMAP_TLB_COPY)
		return (EINVAL);
	spin_lock(&tlb_lock);
	if (step == PMAP_TLB_SETUP ? tlb.pid != 0 : tlb.pid != p->p_pid) {
		spin_unlock(&tlb_lock);
		return (step == PMAP_TLB_SETUP ? EBUSY : EINVAL);
	}
	if (step == PMAP_TLB_SETUP)
		tlb.pid = p->p_pid;
	spin_unlock(&tlb_lock);

	if (step == PMAP_TLB_SETUP) {
		tlb.a = tlb_page(PMAP_TLB_MARK_A);
		tlb.b = tlb_page(PMAP_TLB_MARK_B);
		if (tlb.a == 0 || tlb.b == 0)
			error = ENOMEM;
		else
			error = tlb_step(p->p_vmspace, step);
	} else
		error = tlb_step(p->p_vmspace, step);
	/* A setup that failed mapped nothing. */
	if ((error != 0 && step == PMAP_TLB_SETUP) || step == PMAP_TLB_TEARDOWN) {
		if (tlb.a != 0)
			page_free(tlb.a);
		if (tlb.b != 0)
			page_free(tlb.b);
		tlb.a = tlb.b = 0;
		__atomic_store_n(&tlb.pid, 0, __ATOMIC_RELEASE);
	}
	return (error);
}

SYSCTL_PROC_RW("debug.pmap_contract", pmap_contract_get, pmap_contract_set);
SYSCTL_PROC("debug.pmap_contract_cases", pmap_contract_cases_get);
SYSCTL_ACTION("debug.pmap_tlb_page", pmap_tlb_page_set);
SYSCTL_ACTION("debug.pmap_tlb", pmap_tlb_set);
