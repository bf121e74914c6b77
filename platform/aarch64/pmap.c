/*
 * VMSAv8-64 physical maps: 4 KiB granule, 48-bit VA, four levels.
 *
 * A user pmap is a level-0 table for TTBR0_EL1, tagged with an ASID of
 * its own, so pmap_activate() flushes nothing.  User mappings live in
 * level-0 slot 0 ([VM_MIN_USER, VM_MAX_USER) is 256 GiB) as 4 KiB pages
 * with nG (tagged), PXN (the kernel never executes them) and AF preset.
 * Table descriptors carry PXNTable, and, on the level-2 entry of a leaf
 * table shared by fork, APTable[1].  The kernel lives in TTBR1_EL1's one
 * root, built by pmap_bootstrap() and never part of a user pmap.
 *
 * ASIDs: 16 bits where ID_AA64MMFR0 says so (TCR.AS, start.S), else 8.
 * ASID 0 is the kernel-only root's, and the fallback of pmaps created
 * when every other is taken: such pmaps share it, and activating one
 * flushes ASID 0 on this CPU first.  A destroyed pmap's ASID is not
 * flushed but set aside as dirty; when the allocator runs out of clean
 * ones, one broadcast TLBI VMALLE1IS cleans them all (every 65535
 * processes with 16-bit ASIDs).
 *
 * Shared leaf tables (pmap_copy).  The hierarchical permission bits of
 * a table descriptor restrict everything below it: APTable[1] set makes
 * the 2 MiB a level-2 entry maps read-only at every EL, whatever the
 * leaves say, just as x86-64 ANDs a PDE's R/W into every walk.  So fork
 * write-protects a table with one store in the parent's level-2 entry
 * and one in the child's, which points at the same table and takes a
 * reference on it (the page's count); no leaf is touched.  APTable[1]
 * means "this table may be shared": if its count is above 1 nobody
 * writes the table, and one that must (table_own) copies it with every
 * leaf read-only and drops its reference after a full flush (a walk
 * cache may hold the old pointer).  Once the count is back to 1 the
 * holder's leaves may still be writable from before the fork, so making
 * the entry writable again first write-protects them (table_for_enter).
 *
 * TLB shootdown without IPIs.  TLBI ...IS operations reach every CPU of
 * the inner shareable domain, and the DSB ISH after them completes only
 * once all have done them: one broadcast replaces the IPI round of the
 * other platforms, and is used where they would send one, when the pmap
 * is active on another CPU (pm_active), counted as a shootdown round.
 * A CPU that switched away keeps the pmap's entries under its ASID, so
 * a change that reaches no other CPU now bumps pm_gen, and a CPU
 * activating the pmap flushes its ASID locally if pm_gen moved since it
 * last did (pm_seen).  pmap_activate sets the CPU's bit in pm_active and
 * then reads pm_gen; an operation writes its entries, bumps pm_gen, then
 * reads pm_active, all with full barriers: either it sees the CPU and
 * broadcasts, or the CPU sees the new generation and flushes.  While a
 * pmap is active on a CPU every change is flushed there before the
 * operation returns, so that CPU's pm_seen may follow pm_gen.  (Under
 * QEMU's multi-threaded TCG a broadcast TLBI is a stop-the-world safe
 * work item on every vCPU: using it only where another ISA sends an IPI
 * matters even more there; BENCHMARKS.md measures both.)  Page-table
 * pages an operation drops are freed after its flush: a CPU it did not
 * reach cannot walk them before its next activation flushes.  Entering a
 * mapping always flushes its page here: the architecture lets a TLB keep
 * an entry that faulted for permission, and a CPU elsewhere holding
 * lesser rights faults and enters the mapping again itself.  An entry
 * that changes its page is replaced break-before-make, as the
 * architecture requires.
 *
 * Callers hold the vmspace's lock around every call on a user pmap;
 * pmap_activate() takes none (the scheduler calls it, interrupts off).
 */
#include "kernel.h"
#include "hal.h"
#include "kstack.h"
#include "page.h"
#include "physmem.h"
#include "pmap.h"
#include "pmap_bounds.h"
#include "proc.h"
#include "vmmeter.h"

#include "machdep.h"
#include "aarch64.h"

#define UNREF_MAX	16
#define TLBI_MAX	32	/* pages; a longer range flushes the ASID */
#define HOLD_BATCH	64
#define ASID_MAX	65536

#define UTABLE		(PTE_VALID | PTE_TABLE | TBL_PXN)
#define KTABLE		(PTE_VALID | PTE_TABLE | TBL_UXN | TBL_AP_NO_EL0)
#define KPAGE_RW	(PTE_AF | PTE_SH_INNER | PTE_ATTR(MAIR_NORMAL) | PTE_UXN | PTE_PXN)

struct pmap {
	pt_entry_t	*pm_l0;		/* (b) the root, direct-mapped */
	paddr_t		pm_root;	/* (b) its physical address */
	unsigned	pm_asid;	/* (b) 0: the shared fallback */
	volatile cpuset_t pm_active;	/* (a) CPUs with pm in TTBR0 */
	volatile uint64_t pm_gen;	/* (a) changes not flushed where pm is inactive */
	uint64_t	pm_seen[MAXCPU]; /* (o) CPU i's: the pm_gen its TLB agrees with */
	struct pt_bounds pm_bounds;	/* (m) where leaf tables may be */
	vaddr_t		pm_l2_gig;	/* (m) the gigabyte pm_l2 maps */
	pt_entry_t	*pm_l2;		/* (m) its level-2 table, NULL: none */
};

/*
 * What one operation changed: [sva, eva) spans the changed leaves and
 * dropped tables, npages counts them (a table as PT_NPTE); full when a
 * table descriptor changed.  Dropped private tables wait in a list
 * threaded through their first entry (an invalid descriptor to a stale
 * walk), shared ones in unref[].
 */
struct pmap_inval {
	struct pmap	*pm;
	vaddr_t		sva, eva;
	uint64_t	npages;
	bool		full;
	paddr_t		dropped;
	unsigned	nunref;
	paddr_t		unref[UNREF_MAX];
};

static paddr_t kernel_root;		/* (b) TTBR1 */
static pt_entry_t empty_l0[PT_NPTE] __aligned(PAGE_SIZE);	/* TTBR0 of no process */
/* Lock key: (s) asid_lock, a leaf. */
static struct spinlock asid_lock = SPINLOCK_INIT("asid");
static uint64_t asid_map[ASID_MAX / 64];	/* (s) bit set: in use or dirty */
static uint64_t asid_dirty[ASID_MAX / 64];	/* (s) freed, not yet flushed */
static unsigned asid_next = 1;		/* (s) where the search goes on */
static unsigned asid_count = 256;	/* (b) */

vaddr_t kstack_region_base = KSTACK_REGION_BASE;
size_t kstack_region_size = (size_t)KSTACK_REGION_GIGS * L1_SIZE;

static pt_entry_t *
pt_kva(pt_entry_t e)
{
	return ((pt_entry_t *)phys_to_kva(PTE_TO_PA(e)));
}

static pt_entry_t
prot_to_pte(vm_prot_t prot)
{
	pt_entry_t b = PTE_VALID | PTE_PAGE | PTE_AF | PTE_SH_INNER |
	    PTE_ATTR(MAIR_NORMAL) | PTE_NG | PTE_PXN | PTE_AP_USER;

	if (!(prot & VM_PROT_WRITE))
		b |= PTE_AP_RO;
	if (!(prot & VM_PROT_EXEC))
		b |= PTE_UXN;
	return (b);
}

/*
 * A clean ASID, or 0 (shared) when every one is in use.  Running out of
 * clean ones, flush every CPU's TLB once and take the dirty ones back.
 */
static unsigned
asid_alloc(void)
{
	unsigned a = 0, i, pass;

	spin_lock(&asid_lock);
	for (pass = 0; pass < 2 && a == 0; pass++) {
		for (i = 0; i < asid_count - 1; i++) {
			unsigned c = 1 + (asid_next - 1 + i) % (asid_count - 1);

			if (!(asid_map[c / 64] & (1ul << (c & 63)))) {
				a = c;
				break;
			}
		}
		if (a == 0 && pass == 0) {
			dsb_ishst();
			__asm__ volatile("tlbi vmalle1is" : : : "memory");
			dsb_ish();
			isb();
			for (i = 0; i < asid_count / 64; i++) {
				asid_map[i] &= ~asid_dirty[i];
				asid_dirty[i] = 0;
			}
			asid_map[0] |= 1;
		}
	}
	if (a != 0) {
		asid_map[a / 64] |= 1ul << (a & 63);
		asid_next = a + 1;
	}
	spin_unlock(&asid_lock);
	return (a);
}

static void
asid_free(unsigned a)
{
	if (a == 0)
		return;
	spin_lock(&asid_lock);
	asid_dirty[a / 64] |= 1ul << (a & 63);
	spin_unlock(&asid_lock);
}

/* Make this CPU's stores to tables visible to every walker. */
static void
pt_sync(void)
{
	dsb_ishst();
}

/*
 * Flush what iv says of pm: everywhere when it is active on another CPU
 * (others), else here if it is active here; the others flush on their
 * next activation (pm_gen).
 */
static void
tlb_flush(const struct pmap_inval *iv, cpuset_t others, bool here)
{
	struct pmap *pm = iv->pm;
	bool all = iv->full || iv->eva - iv->sva > TLBI_MAX * PAGE_SIZE;
	vaddr_t va;

	dsb_ishst();
	if (others != 0) {
		if (all)
			tlbi_aside1is(pm->pm_asid);
		else
			for (va = iv->sva; va < iv->eva; va += PAGE_SIZE)
				tlbi_vae1is(tlbi_va(va, pm->pm_asid));
		dsb_ish();
	} else if (here) {
		if (all)
			tlbi_aside1(pm->pm_asid);
		else
			for (va = iv->sva; va < iv->eva; va += PAGE_SIZE)
				tlbi_vae1(tlbi_va(va, pm->pm_asid));
		__asm__ volatile("dsb nsh" : : : "memory");
	}
	isb();
}

static void
inval_add(struct pmap_inval *iv, vaddr_t va, uint64_t npages)
{
	if (iv->npages == 0)
		iv->sva = va;
	iv->sva = MIN(iv->sva, va);
	iv->eva = MAX(iv->eva, va + npages * PAGE_SIZE);
	iv->npages += npages;
}

/* Flush iv's changes, then free the tables it dropped.  iv is empty again. */
static void
inval_finish(struct pmap_inval *iv)
{
	struct pmap *pm = iv->pm;
	cpuset_t others;
	paddr_t pa, next;

	struct cpu *ci = curcpu();
	bool here = ci->ci_pmap == pm;
	uint64_t gen;

	if (iv->npages == 0)
		return;
	dsb_ishst();
	gen = __atomic_add_fetch(&pm->pm_gen, 1, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	others = __atomic_load_n(&pm->pm_active, __ATOMIC_RELAXED) &
	    ~CPUSET_BIT(ci->ci_id);
	tlb_flush(iv, others, here);
	if (here)
		pm->pm_seen[ci->ci_id] = gen;
	if (others != 0)
		smp_shootdown_count((unsigned)__builtin_popcountll(others), iv->npages);
	for (pa = iv->dropped; pa != 0; pa = next) {
		next = *(pt_entry_t *)phys_to_kva(pa);
		page_free(pa);
	}
	for (unsigned i = 0; i < iv->nunref; i++)
		page_free(iv->unref[i]);
	*iv = (struct pmap_inval){ .pm = pm };
}

/* This CPU's entry for va in pm, after a store that only raised rights. */
static void
tlb_flush_local(struct pmap *pm, vaddr_t va)
{
	dsb_ishst();
	tlbi_vae1(tlbi_va(va, pm->pm_asid));
	__asm__ volatile("dsb nsh" : : : "memory");
	isb();
}

/*
 * The level-2 entry whose table maps va, or NULL if a level above is
 * missing; *next is the first address past the table's 2 MiB, or past
 * the hole above it.  A level-2 table, once there, stays until
 * pmap_destroy: the last one found answers walks in the same gigabyte.
 */
static pt_entry_t *
l2e_find(struct pmap *pm, vaddr_t va, vaddr_t *next)
{
	pt_entry_t *t = pm->pm_l0, e;
	int level;

	if ((va & ~(L1_SIZE - 1)) == pm->pm_l2_gig && pm->pm_l2 != NULL) {
		*next = (va | (L2_SIZE - 1)) + 1;
		return (&pm->pm_l2[PT_INDEX(va, 2)]);
	}
	for (level = 0; level < 2; level++) {
		e = t[PT_INDEX(va, level)];
		if (!(e & PTE_VALID)) {
			*next = (va | ((1ul << PT_SHIFT(level)) - 1)) + 1;
			return (NULL);
		}
		t = pt_kva(e);
	}
	ptb_note_gig(&pm->pm_bounds, va);
	pm->pm_l2_gig = va & ~(L1_SIZE - 1);
	pm->pm_l2 = t;
	*next = (va | (L2_SIZE - 1)) + 1;
	return (&t[PT_INDEX(va, 2)]);
}

/* The first valid level-2 entry for an address in [*vap, eva), *vap moved there. */
static pt_entry_t *
l2e_next(struct pmap *pm, vaddr_t *vap, vaddr_t eva)
{
	vaddr_t va = *vap, next;
	pt_entry_t *l2e;

	while (va < eva) {
		if ((va = ptb_skip(&pm->pm_bounds, va)) >= eva)
			break;
		if ((l2e = l2e_find(pm, va, &next)) == NULL) {
			va = next;
			continue;
		}
		while (!(*l2e & PTE_VALID)) {
			va = next;
			next += L2_SIZE;
			if (va >= eva || ptb_past(&pm->pm_bounds, va))
				break;
			l2e++;
		}
		if ((*l2e & PTE_VALID) && va < eva) {
			*vap = va;
			return (l2e);
		}
	}
	return (NULL);
}

/* The level-2 entry for va, creating the levels above it (ENOMEM leaves them, empty). */
static int
l2e_alloc(struct pmap *pm, vaddr_t va, pt_entry_t **l2ep)
{
	pt_entry_t *t = pm->pm_l0;
	paddr_t pa;
	int level;

	if ((va & ~(L1_SIZE - 1)) == pm->pm_l2_gig && pm->pm_l2 != NULL) {
		*l2ep = &pm->pm_l2[PT_INDEX(va, 2)];
		return (0);
	}
	for (level = 0; level < 2; level++) {
		pt_entry_t *e = &t[PT_INDEX(va, level)];

		if (!(*e & PTE_VALID)) {
			if (page_alloc(&pa, PG_ZERO) != 0)
				return (ENOMEM);
			pt_sync();
			*e = pa | UTABLE;
		}
		t = pt_kva(*e);
	}
	ptb_note_gig(&pm->pm_bounds, va);
	pm->pm_l2_gig = va & ~(L1_SIZE - 1);
	pm->pm_l2 = t;
	*l2ep = &t[PT_INDEX(va, 2)];
	return (0);
}

static bool
table_shared(pt_entry_t l2e)
{
	return ((l2e & TBL_AP_RO) && page_refcount(PTE_TO_PA(l2e)) > 1);
}

static void
table_drop(struct pmap_inval *iv, pt_entry_t *l2e, vaddr_t va)
{
	paddr_t pt = PTE_TO_PA(*l2e);
	bool shared = table_shared(*l2e);

	*l2e = 0;
	iv->full = true;
	inval_add(iv, va, PT_NPTE);
	if (!shared) {
		*(pt_entry_t *)phys_to_kva(pt) = iv->dropped;
		iv->dropped = pt;
		return;
	}
	iv->unref[iv->nunref++] = pt;
	if (iv->nunref == UNREF_MAX)
		inval_finish(iv);
}

/*
 * A user leaf made read-only where it is valid: AP[2] (bit 7) takes the
 * valid bit's (bit 0) value, one bfi and no branch (an invalid user entry
 * is 0 and stays so).  Written out because clang 14 makes three
 * instructions of the C.  Copying a shared table (table_own) or making
 * one writable again (table_writable) is most of a first write's
 * page-table work, on every one of its 512 entries.
 */
static inline pt_entry_t
ap_from_valid(pt_entry_t e)
{
	_Static_assert(PTE_AP_RO == PTE_VALID << 7, "AP[2]");
	__asm__("bfi %0, %0, #7, #1" : "+r"(e));
	return (e);
}

/* dst[i] = src[i] read-only where valid, for a whole table; dst may be src. */
static void
leaves_ro(pt_entry_t *dst, const pt_entry_t *src)
{
	for (int i = 0; i < PT_NPTE; i += 8) {
		dst[i] = ap_from_valid(src[i]);
		dst[i + 1] = ap_from_valid(src[i + 1]);
		dst[i + 2] = ap_from_valid(src[i + 2]);
		dst[i + 3] = ap_from_valid(src[i + 3]);
		dst[i + 4] = ap_from_valid(src[i + 4]);
		dst[i + 5] = ap_from_valid(src[i + 5]);
		dst[i + 6] = ap_from_valid(src[i + 6]);
		dst[i + 7] = ap_from_valid(src[i + 7]);
	}
}

/*
 * Make *l2e's table pm's alone: a shared one is copied, every leaf
 * read-only, under a writable entry (the copy is nobody else's).
 */
static int
table_own(struct pmap_inval *iv, pt_entry_t *l2e, vaddr_t va)
{
	pt_entry_t *src, *dst;
	paddr_t pt;

	if (!table_shared(*l2e))
		return (0);
	if (page_alloc(&pt, 0) != 0)
		return (ENOMEM);
	src = pt_kva(*l2e);
	dst = phys_to_kva(pt);
	leaves_ro(dst, src);
	VMCNT_ADD(v_pt_copied, 1);
	iv->full = true;
	inval_add(iv, va & ~(L2_SIZE - 1), PT_NPTE);
	iv->unref[iv->nunref++] = PTE_TO_PA(*l2e);
	pt_sync();
	*l2e = pt | UTABLE;
	if (iv->nunref == UNREF_MAX)
		inval_finish(iv);
	return (0);
}

/*
 * Give the level-2 entry of a table pm owns its write right back, so that
 * leaves there can be writable: fork set APTable[1], and the leaves may
 * still be writable from before the fork, so they lose it first (see the
 * top).  Nothing becomes writable here; the walk caches may still hold
 * the read-only entry, which costs a spurious fault at most.
 */
static void
table_writable(pt_entry_t *l2e)
{
	pt_entry_t *t = pt_kva(*l2e);

	if (!(*l2e & TBL_AP_RO))
		return;
	leaves_ro(t, t);
	pt_sync();
	*l2e &= ~TBL_AP_RO;
}

/*
 * The leaf table for va, created if missing, that pm may write, with the
 * level-2 entry writable when `writable`.
 */
static int
table_for_enter(struct pmap_inval *iv, vaddr_t va, bool writable, pt_entry_t **ptp)
{
	struct pmap *pm = iv->pm;
	pt_entry_t *l2e;
	paddr_t pa;

	if (l2e_alloc(pm, va, &l2e) != 0)
		return (ENOMEM);
	if (!(*l2e & PTE_VALID)) {
		if (page_alloc(&pa, PG_ZERO) != 0)
			return (ENOMEM);
		pt_sync();
		*l2e = pa | UTABLE;
		ptb_note(&pm->pm_bounds, va);
	} else if (table_own(iv, l2e, va) != 0)
		return (ENOMEM);
	if (writable)
		table_writable(l2e);
	*ptp = pt_kva(*l2e);
	return (0);
}

struct pmap *
pmap_create(void)
{
	struct pmap *pm;
	paddr_t pa;

	if ((pm = kzalloc(sizeof(*pm))) == NULL)
		return (NULL);
	if (page_alloc(&pa, PG_ZERO) != 0) {
		kfree(pm);
		return (NULL);
	}
	pm->pm_l0 = phys_to_kva(pa);
	pm->pm_root = pa;
	pm->pm_asid = asid_alloc();
	ptb_init(&pm->pm_bounds);
	return (pm);
}

/* Its ASID goes dirty: no CPU's entries under it are used before asid_alloc flushes them. */
void
pmap_destroy(struct pmap *pm)
{
	const struct pt_bounds *b = &pm->pm_bounds;
	pt_entry_t *l1, *l2;
	size_t j;
	unsigned k;

	KASSERT(pm->pm_active == 0, "pmap_destroy: pmap still active");
	asid_free(pm->pm_asid);
	if (pm->pm_l0[0] & PTE_VALID) {
		l1 = pt_kva(pm->pm_l0[0]);
		for (j = ptb_next_gig(b, 0); j < PTB_GIGS; j = ptb_next_gig(b, j + 1)) {
			if (!(l1[j] & PTE_VALID))
				continue;
			l2 = pt_kva(l1[j]);
			/* The entries become addresses, freed under one lock. */
			for (k = b->lo[j]; k <= b->hi[j] && k < PT_NPTE; k++)
				l2[k] = (l2[k] & PTE_VALID) ? PTE_TO_PA(l2[k]) : 0;
			if (b->lo[j] <= b->hi[j])
				page_free_array(&l2[b->lo[j]], b->hi[j] - b->lo[j] + 1u);
			page_free(PTE_TO_PA(l1[j]));
		}
		page_free(PTE_TO_PA(pm->pm_l0[0]));
	}
	page_free(pm->pm_root);
	kfree(pm);
}

/*
 * Entering what a shared table already says (a read fault through the
 * child's view of the parent's tables) changes nothing and copies
 * nothing.  A valid entry replaced by another page goes break-before-
 * make: invalid, flushed wherever pm ran, then the new one.
 */
int
pmap_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot)
{
	struct pmap_inval iv = { .pm = pm };
	pt_entry_t *t, *pte, *l2e, old, new;
	vaddr_t next;

	if (prot == VM_PROT_NONE) {
		pmap_remove(pm, va, va + PAGE_SIZE);
		return (0);
	}
	new = (pa & PTE_ADDR_MASK & ~PAGE_MASK) | prot_to_pte(prot);
	if ((l2e = l2e_find(pm, va, &next)) != NULL && (*l2e & PTE_VALID) &&
	    table_shared(*l2e) && (new & PTE_AP_RO) &&
	    (pt_kva(*l2e)[PT_INDEX(va, 3)] | PTE_AP_RO) == new) {
		if (curcpu()->ci_pmap == pm)
			tlb_flush_local(pm, va);
		return (0);
	}
	if (table_for_enter(&iv, va, !(new & PTE_AP_RO), &t) != 0) {
		inval_finish(&iv);
		return (ENOMEM);
	}
	pte = &t[PT_INDEX(va, 3)];
	old = *pte;
	if ((old & PTE_VALID) && PTE_TO_PA(old) != PTE_TO_PA(new)) {
		*pte = 0;
		inval_add(&iv, va, 1);
		inval_finish(&iv);
	} else if ((old & PTE_VALID) && (~old & new & (PTE_AP_RO | PTE_UXN)) != 0)
		inval_add(&iv, va, 1);
	*pte = new;
	inval_finish(&iv);
	if (curcpu()->ci_pmap == pm)
		tlb_flush_local(pm, va);
	else
		pt_sync();
	return (0);
}

/*
 * A range covering a leaf table's whole 2 MiB drops the table at once,
 * without reading it (a pmap holds no references on what it maps); a
 * partial range of a shared table copies it first, and without memory for
 * that the whole table goes, which costs only faults.
 */
void
pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	struct pmap_inval iv = { .pm = pm };
	pt_entry_t *l2e, *t;
	vaddr_t va, next, end;

	eva = MIN(eva, VM_MAX_USER);
	for (va = sva; (l2e = l2e_next(pm, &va, eva)) != NULL; va = next) {
		next = (va | (L2_SIZE - 1)) + 1;
		end = MIN(next, eva);
		if (((va & (L2_SIZE - 1)) == 0 && end == next) ||
		    table_own(&iv, l2e, va) != 0) {
			table_drop(&iv, l2e, va & ~(L2_SIZE - 1));
			continue;
		}
		t = pt_kva(*l2e);
		for (; va < end; va += PAGE_SIZE) {
			pt_entry_t *pte = &t[PT_INDEX(va, 3)];

			if (*pte & PTE_VALID) {
				*pte = 0;
				inval_add(&iv, va, 1);
			}
		}
	}
	inval_finish(&iv);
}

void
pmap_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	struct pmap_inval iv = { .pm = pm };
	pt_entry_t *l2e, *t, npte;
	vaddr_t va, next, end;

	if (prot == VM_PROT_NONE) {
		pmap_remove(pm, sva, eva);
		return;
	}
	eva = MIN(eva, VM_MAX_USER);
	for (va = sva; (l2e = l2e_next(pm, &va, eva)) != NULL; va = next) {
		next = (va | (L2_SIZE - 1)) + 1;
		end = MIN(next, eva);
		if (table_own(&iv, l2e, va) != 0) {
			table_drop(&iv, l2e, va & ~(L2_SIZE - 1));
			continue;
		}
		/* Raising to writable where fork took the write right from the whole table. */
		if (prot & VM_PROT_WRITE)
			table_writable(l2e);
		t = pt_kva(*l2e);
		for (; va < end; va += PAGE_SIZE) {
			pt_entry_t *pte = &t[PT_INDEX(va, 3)];

			if (!(*pte & PTE_VALID))
				continue;
			npte = PTE_TO_PA(*pte) | prot_to_pte(prot);
			if (npte == *pte)
				continue;
			*pte = npte;
			inval_add(&iv, va, 1);
		}
	}
	inval_finish(&iv);
}

/* pmap_copy's partial table: dst gets its own with src's leaves in [va, end), read-only. */
static int
copy_leaves(struct pmap *dst, const pt_entry_t *sl2e, pt_entry_t *dl2e, vaddr_t va, vaddr_t end)
{
	const pt_entry_t *st = pt_kva(*sl2e);
	pt_entry_t *dt;
	paddr_t pt;

	if (!(*dl2e & PTE_VALID)) {
		if (page_alloc(&pt, PG_ZERO) != 0)
			return (ENOMEM);
		*dl2e = pt | UTABLE;
		ptb_note(&dst->pm_bounds, va);
	}
	dt = pt_kva(*dl2e);
	for (; va < end; va += PAGE_SIZE) {
		unsigned i = PT_INDEX(va, 3);

		if (st[i] & PTE_VALID)
			dt[i] = st[i] | PTE_AP_RO;
	}
	return (0);
}

/*
 * Fork (pmap.h).  A table wholly inside the range is shared; one the
 * range only cuts gets a copy of the leaves inside, read-only.  Either
 * way src's level-2 entry gains APTable[1], all the write-protection src
 * needs: one store per table, none per page.
 */
int
pmap_copy(struct pmap *dst, struct pmap *src, vaddr_t sva, vaddr_t eva)
{
	struct pmap_inval iv = { .pm = src };
	pt_entry_t *sl2e, *dl2e;
	paddr_t held[HOLD_BATCH];
	int error = 0, nheld = 0, nshared = 0;
	vaddr_t va, next, wlo, whi;

	eva = MIN(eva, VM_MAX_USER);
	wlo = sva <= VM_MIN_USER ? 0 : (sva + L2_SIZE - 1) & ~(L2_SIZE - 1);
	whi = eva == VM_MAX_USER ? VM_MAX_USER : eva & ~(L2_SIZE - 1);
	for (va = sva; error == 0 && (sl2e = l2e_next(src, &va, eva)) != NULL; ) {
		vaddr_t gend = MIN((va | (L1_SIZE - 1)) + 1, eva);
		vaddr_t first = VM_MAX_USER, last = 0;
		bool lowered = false;

		if ((error = l2e_alloc(dst, va, &dl2e)) != 0)
			break;
		for (; va < gend; va = next, sl2e++, dl2e++) {
			next = (va | (L2_SIZE - 1)) + 1;
			if (!(*sl2e & PTE_VALID))
				continue;
			first = MIN(first, va & ~(L2_SIZE - 1));
			last = va & ~(L2_SIZE - 1);
			lowered |= !(*sl2e & TBL_AP_RO);
			*sl2e |= TBL_AP_RO;
			if ((va & ~(L2_SIZE - 1)) < wlo || next > whi) {
				if ((error = copy_leaves(dst, sl2e, dl2e, va, MIN(next, eva))) != 0)
					break;
				continue;
			}
			held[nheld++] = PTE_TO_PA(*sl2e);
			nshared++;
			if (nheld == HOLD_BATCH) {
				page_hold_array(held, nheld);
				nheld = 0;
			}
			*dl2e = *sl2e;
		}
		if (first < VM_MAX_USER) {
			ptb_note(&dst->pm_bounds, first);
			ptb_note(&dst->pm_bounds, last);
			if (lowered) {
				iv.full = true;
				inval_add(&iv, first, ((last - first) >> PAGE_SHIFT) + PT_NPTE);
			}
		}
	}
	page_hold_array(held, nheld);
	VMCNT_ADD(v_pt_shared, (unsigned)nshared);
	pt_sync();
	inval_finish(&iv);
	return (error);
}

bool
pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pa, vm_prot_t *prot)
{
	pt_entry_t *l2e, pte;
	vaddr_t next;

	if (va < VM_MIN_USER || va >= VM_MAX_USER)
		return (false);
	l2e = l2e_find(pm, va, &next);
	if (l2e == NULL || !(*l2e & PTE_VALID))
		return (false);
	pte = pt_kva(*l2e)[PT_INDEX(va, 3)];
	if (!(pte & PTE_VALID))
		return (false);
	if (pa != NULL)
		*pa = PTE_TO_PA(pte) | (va & PAGE_MASK);
	if (prot != NULL)
		*prot = VM_PROT_READ |
		    (((pte | *l2e) & (PTE_AP_RO | TBL_AP_RO)) ? 0 : VM_PROT_WRITE) |
		    ((pte & PTE_UXN) ? 0 : VM_PROT_EXEC);
	return (true);
}

/*
 * The ASID is flushed here when pm changed since this CPU last had it
 * (pm_gen, see the top), and always for ASID 0, which is shared (the
 * kernel-only root's and the fallback's): what this CPU cached under it
 * may be another pmap's.
 */
void
pmap_activate(struct pmap *pm)
{
	struct cpu *ci = curcpu();
	struct pmap *old = ci->ci_pmap;
	cpuset_t bit = CPUSET_BIT(ci->ci_id);
	unsigned asid = pm != NULL ? pm->pm_asid : 0;
	bool flush = asid == 0;
	uint64_t gen;

	if (pm == old)
		return;
	if (pm != NULL) {
		__atomic_or_fetch(&pm->pm_active, bit, __ATOMIC_SEQ_CST);
		gen = __atomic_load_n(&pm->pm_gen, __ATOMIC_SEQ_CST);
		if (pm->pm_seen[ci->ci_id] != gen) {
			flush = true;
			pm->pm_seen[ci->ci_id] = gen;
		}
	}
	ci->ci_pmap = pm;
	w_ttbr0_el1((pm != NULL ? pm->pm_root : kva_to_phys(empty_l0)) |
	    ((uint64_t)asid << 48));
	isb();
	if (flush) {
		tlbi_aside1(asid);
		__asm__ volatile("dsb nsh" : : : "memory");
		isb();
	}
	if (old != NULL)
		__atomic_and_fetch(&old->pm_active, ~bit, __ATOMIC_SEQ_CST);
}

/* ---- The kernel's tables (TTBR1). ---- */

/*
 * A page for good for the kernel's own tables, before the page allocator
 * exists: start.S's direct map reaches the first DMAP_MAX_GIGS.
 */
static paddr_t
boot_page(void)
{
	return (physmem_steal(PAGE_SIZE, (paddr_t)DMAP_MAX_GIGS * L1_SIZE));
}

static pt_entry_t *
boot_table(pt_entry_t *e)
{
	paddr_t pa;

	if (!(*e & PTE_VALID)) {
		pa = boot_page();
		memset(phys_to_kva(pa), 0, PAGE_SIZE);
		*e = pa | KTABLE;
	}
	KASSERT(PTE_IS_TABLE(*e), "pmap_bootstrap: overlapping kernel mappings");
	return (pt_kva(*e));
}

/*
 * Map [va, va + len) to [pa, ...) with `bits`, in the largest blocks
 * alignment and length allow (1 GiB, 2 MiB), 4 KiB pages where rights
 * change inside a block.  Kernel entries are global, AF preset.
 */
static void
kmap_boot(pt_entry_t *root, vaddr_t va, paddr_t pa, size_t len, pt_entry_t bits)
{
	bits |= PTE_VALID | PTE_AF;
	while (len > 0) {
		pt_entry_t *pt = root;
		int level;
		size_t sz = PAGE_SIZE;

		for (level = 0; level < 3; level++) {
			sz = 1ul << PT_SHIFT(level);
			if (level > 0 && ((va | pa) & (sz - 1)) == 0 && len >= sz)
				break;
			pt = boot_table(&pt[PT_INDEX(va, level)]);
		}
		sz = 1ul << PT_SHIFT(level);
		KASSERT(!(pt[PT_INDEX(va, level)] & PTE_VALID), "pmap_bootstrap: va mapped twice");
		pt[PT_INDEX(va, level)] = pa | bits | (level == 3 ? PTE_PAGE : 0);
		va += sz;
		pa += sz;
		len -= sz;
	}
}

/*
 * The kernel's tables, W^X, on the boot CPU before kmain(): the direct
 * map [0, dmap_end) (MMIO below RAM as Device memory; read-only where it
 * aliases the image's text and rodata), the image section by section
 * (text read and execute, rodata read, data and bss read and write but
 * the boot stack's guard page), and the kernel-stack region's level-2
 * tables, which every later pmap_kenter() fills below.  Nothing is
 * writable and executable; nothing of the kernel is reachable from EL0
 * (UXNTable and APTable[0] on every kernel table descriptor).
 */
void
pmap_bootstrap(paddr_t dmap_end)
{
	paddr_t text = (paddr_t)_text_start - KERNEL_VA_OFFSET;
	paddr_t ro_end = (paddr_t)_rodata_end - KERNEL_VA_OFFSET;
	paddr_t kend = round_page((paddr_t)_kernel_end - KERNEL_VA_OFFSET);
	pt_entry_t *root, *l1;
	unsigned i;

	if (ID_MMFR0_ASIDBITS(r_id_aa64mmfr0_el1()) == 2 && (r_tcr_el1() & TCR_AS))
		asid_count = ASID_MAX;
	asid_map[0] = 1;	/* ASID 0: the kernel's and the fallback */
	kernel_root = boot_page();
	root = phys_to_kva(kernel_root);
	memset(root, 0, PAGE_SIZE);

	kmap_boot(root, DMAP_BASE, 0, RAM_BASE,
	    PTE_ATTR(MAIR_DEVICE) | PTE_UXN | PTE_PXN);
	kmap_boot(root, DMAP_BASE + RAM_BASE, RAM_BASE, text - RAM_BASE, KPAGE_RW);
	kmap_boot(root, DMAP_BASE + text, text, ro_end - text, KPAGE_RW | PTE_AP_RO);
	kmap_boot(root, DMAP_BASE + ro_end, ro_end, dmap_end - ro_end, KPAGE_RW);

	kmap_boot(root, (vaddr_t)_text_start, text,
	    (vaddr_t)_text_end - (vaddr_t)_text_start,
	    (KPAGE_RW & ~PTE_PXN) | PTE_AP_RO);
	kmap_boot(root, (vaddr_t)_text_end, (vaddr_t)_text_end - KERNEL_VA_OFFSET,
	    (vaddr_t)_rodata_end - (vaddr_t)_text_end, KPAGE_RW | PTE_AP_RO);
	kmap_boot(root, (vaddr_t)_rodata_end, ro_end,
	    (vaddr_t)boot_stack_guard - (vaddr_t)_rodata_end, KPAGE_RW);
	kmap_boot(root, (vaddr_t)boot_stack, (vaddr_t)boot_stack - KERNEL_VA_OFFSET,
	    kend - ((vaddr_t)boot_stack - KERNEL_VA_OFFSET), KPAGE_RW);

	l1 = boot_table(&root[PT_INDEX(kstack_region_base, 0)]);
	for (i = 0; i < KSTACK_REGION_GIGS; i++)
		(void)boot_table(&l1[PT_INDEX(kstack_region_base, 1) + i]);

	dsb_ish();
	__asm__ volatile("msr ttbr1_el1, %0" : : "r"(kernel_root) : "memory");
	w_ttbr0_el1(kva_to_phys(empty_l0));
	isb();
	tlbi_vmalle1();
	__asm__ volatile("dsb nsh" : : : "memory");
	isb();
	kstack_guard_register((vaddr_t)boot_stack_guard, &lwp0);
	/* Secondaries read it with the MMU (and so the caches) off. */
	ap_ttbr1 = kernel_root;
	__asm__ volatile("dc civac, %0; dsb sy" : : "r"(&ap_ttbr1) : "memory");
}

/* A secondary leaves boot_l0_lo for the kernel-only root. */
void
pmap_cpu_init(void)
{
	pmap_activate(NULL);
	w_ttbr0_el1(kva_to_phys(empty_l0));
	isb();
	tlbi_vmalle1();
	__asm__ volatile("dsb nsh" : : : "memory");
	isb();
}

/*
 * The kernel-stack region (pmap.h).  A leaf table is made on first use
 * and kept, installed with a compare-and-swap so that two CPUs filling
 * the same 2 MiB need no lock.  A new entry is visible to every walker
 * once the dsb after it completes, and no CPU caches the failed walk of
 * before: no flush.  A removed one is flushed everywhere by a broadcast
 * TLBI for every ASID before pmap_kremove returns.
 */
static pt_entry_t *
kstack_l2e(vaddr_t va)
{
	pt_entry_t *t = phys_to_kva(kernel_root);

	KASSERT(va - kstack_region_base < kstack_region_size && (va & PAGE_MASK) == 0,
	    "pmap_kenter: va outside the stack region");
	t = pt_kva(t[PT_INDEX(va, 0)]);
	t = pt_kva(t[PT_INDEX(va, 1)]);
	return (&t[PT_INDEX(va, 2)]);
}

int
pmap_kenter(vaddr_t va, paddr_t pa)
{
	pt_entry_t *l2e = kstack_l2e(va), old = 0, *pte;
	paddr_t pt;

	if (!(__atomic_load_n(l2e, __ATOMIC_ACQUIRE) & PTE_VALID)) {
		if (page_alloc(&pt, PG_ZERO) != 0)
			return (ENOMEM);
		pt_sync();
		if (!__atomic_compare_exchange_n(l2e, &old, pt | KTABLE, false,
		    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			page_free(pt);
		else
			__atomic_add_fetch(&pmap_ktable_pages, 1, __ATOMIC_RELAXED);
	}
	pte = &pt_kva(*l2e)[PT_INDEX(va, 3)];
	KASSERT(!(*pte & PTE_VALID), "pmap_kenter: va already mapped");
	*pte = trunc_page(pa) | PTE_VALID | PTE_PAGE | KPAGE_RW;
	dsb_ishst();
	isb();
	return (0);
}

void
pmap_kremove(vaddr_t va)
{
	pt_entry_t *l2e = kstack_l2e(va), *pte;
	cpuset_t others;

	if (!(*l2e & PTE_VALID))
		return;
	pte = &pt_kva(*l2e)[PT_INDEX(va, 3)];
	if (!(*pte & PTE_VALID))
		return;
	*pte = 0;
	dsb_ishst();
	tlbi_vaae1is(va);
	dsb_ish();
	isb();
	others = __atomic_load_n(&cpus_online, __ATOMIC_RELAXED) &
	    ~CPUSET_BIT(curcpu()->ci_id);
	if (others != 0)
		smp_shootdown_count((unsigned)__builtin_popcountll(others), 1);
}

bool
pmap_kextract(vaddr_t va, vm_prot_t *prot)
{
	pt_entry_t *pt = phys_to_kva(kernel_root), e = 0;
	int level;

	if (va < DMAP_BASE)
		return (false);
	for (level = 0; level < PT_LEVELS; level++) {
		e = pt[PT_INDEX(va, level)];
		if (!(e & PTE_VALID))
			return (false);
		if (level == 3 || !(e & PTE_TABLE))
			break;
		pt = pt_kva(e);
	}
	if (prot != NULL)
		*prot = VM_PROT_READ | ((e & PTE_AP_RO) ? 0 : VM_PROT_WRITE) |
		    ((e & PTE_PXN) ? 0 : VM_PROT_EXEC);
	return (true);
}
