/*
 * 4-level x86-64 page tables for user address spaces, on any number of
 * CPUs.
 *
 * A struct pmap holds its PML4 page (a direct-map address; its physical
 * address is the CR3 value) and the set of CPUs whose CR3 it is.  User
 * mappings live in PML4 slot 0 only ([VM_MIN_USER, VM_MAX_USER) is under
 * 512 GiB) with 4 KiB leaves; slots PML4_KERNEL..511 are copied from the
 * kernel's PML4 (kpmap.c: direct map, kernel stacks, kernel image,
 * supervisor-only) and never change after boot.  Intermediate entries are P|RW|U, so that the
 * leaf alone decides access, except for the page-directory entries of
 * leaf tables shared by fork.  Page-table pages come from page_alloc and
 * are freed by pmap_destroy, or by pmap_remove when a whole leaf table
 * goes.
 *
 * Shared leaf tables (pmap_copy).  x86-64 ANDs the R/W bits of every level
 * of a walk, so fork write-protects 2 MiB at a time by clearing R/W in the
 * page-directory entry, leaving the leaves as they were: fork touches one
 * entry a table in the parent and one in the child, which points at the
 * same table and takes a reference on it (the page's count).  A PDE with
 * R/W clear means "this table may be shared": if its count is above 1, no
 * pmap may write the table, and one that must (table_own) copies it, each
 * leaf read-only, and drops its reference; once the count is back to 1 the
 * holder's PDE still has R/W clear and its leaves may still carry R/W from
 * before the fork, so pmap_enter write-protects the leaves before it sets
 * the PDE's R/W again.  Replacing a PDE's table, like dropping a table,
 * flushes everything (paging-structure caches may hold the old pointer),
 * and the table's reference goes only after that flush.
 *
 * TLB shootdown.  Each CPU's active pmap is its ci_pmap (NULL: the kernel
 * PML4, holding no user mapping), and pm_active has a bit for each CPU
 * that has pm in CR3.  pmap_activate sets the new pmap's bit before it
 * loads CR3 and clears the old one's after, both with locked (full-barrier)
 * operations.  An operation that removes or lowers mappings (pmap_remove,
 * pmap_protect, pmap_enter over a valid entry unless it only adds rights to
 * the same page) changes the entries, then issues a full fence and reads
 * pm_active: a CPU activating pm concurrently either is in the set, or set
 * its bit after the changes were globally visible, so its CR3 load finds
 * them.  The operation flushes this CPU if pm is active here, then makes
 * one cross-call round (smp_call) to the others in the set, for all it
 * changed: the range it touched with invlpg, or a CR3 reload when that is
 * longer than INVLPG_MAX pages or a leaf table went.  A target flushes only
 * if pm is still its ci_pmap; if it has switched, its CR3 load flushed
 * already.  Page-table pages the operation dropped are freed once every
 * CPU has flushed, since a CPU's paging-structure cache can still walk
 * them until then.  A pmap active on this CPU alone costs no IPI.
 * Callers serialise operations on one user pmap (the vmspace lock).
 */
#include "user/forkrt/abi.h"
#include "hal.h"
#include "kernel.h"
#include "page.h"
#include "pmap.h"
#include "pmap_bounds.h"
#include "vmmeter.h"
#include "smp.h"
#include "x86.h"

#define UNREF_MAX	16

struct pmap_inval {
	struct pmap	*pm;
	vaddr_t		sva, eva;
	uint64_t	npages;
	bool		full;		/* a page-directory entry changed */
	paddr_t		dropped;	/* first dropped private table, 0 = none */
	unsigned	nunref;
	paddr_t		unref[UNREF_MAX];	/* shared tables this pmap let go */
};

struct pmap {
	uint64_t	*pm_pml4;	/* the PML4 page, direct-mapped */
	paddr_t		pm_cr3;		/* its physical address */
	volatile cpuset_t pm_active;	/* (a) CPUs with pm in CR3 */
	struct pt_bounds pm_bounds;	/* (m) where leaf tables may be */
	vaddr_t		pm_pd_gig;	/* (m) the gigabyte pm_pd maps */
	uint64_t	*pm_pd;		/* (m) its page directory, NULL: none */
};

#define PTP_BITS	(PG_P | PG_RW | PG_U)
#define PTE_RIGHTS	(PG_RW | PG_NX)
#define INVLPG_MAX	32	/* pages; a longer range reloads CR3 */
#define PD_SPAN		(1ul << PDRSHIFT)
#define HOLD_BATCH	64	/* table references pmap_copy takes at once */

/*
 * What one operation changed, for the TLBs: [sva, eva) spans every changed
 * leaf entry (and dropped table); npages counts them, a dropped leaf table
 * as NPTEPG.  Dropped private tables wait in a list threaded through their
 * first entry: a walk through a stale cached pointer reads it as not
 * present (a page-aligned address has P clear), which a removed range may
 * do.  Shared ones cannot be written, and wait in unref[].
 */
static paddr_t kernel_pml4_pa;
static uint64_t pg_nx;		/* PG_NX when EFER.NXE is on, else 0 */

static uint64_t
prot_to_pte(vm_prot_t prot)
{
	uint64_t bits = PG_P | PG_U;

	if (prot & VM_PROT_WRITE)
		bits |= PG_RW;
	if (!(prot & VM_PROT_EXEC))
		bits |= pg_nx;
	return (bits);
}

static uint64_t *
ptp_kva(uint64_t entry)
{
	return (phys_to_kva(entry & PG_FRAME));
}

/*
 * The page-directory entry whose table maps va, or NULL if a level above
 * is missing; *next is the first address past the table's 2 MiB, or past
 * the hole above it (so range walks skip it).
 */
static uint64_t *
pde_find(struct pmap *pm, vaddr_t va, vaddr_t *next)
{
	uint64_t *t = pm->pm_pml4, e;
	int shift;

	/*
	 * A page directory, once there, stays until pmap_destroy: the last
	 * one found answers walks through the same gigabyte, which range
	 * walks over many tables make one after another.
	 */
	if ((va & ~((1ul << PDPSHIFT) - 1)) == pm->pm_pd_gig && pm->pm_pd != NULL) {
		*next = (va | (PD_SPAN - 1)) + 1;
		return (&pm->pm_pd[(va >> PDRSHIFT) & (NPTEPG - 1)]);
	}
	for (shift = PML4SHIFT; shift > PDRSHIFT; shift -= 9) {
		e = t[(va >> shift) & (NPTEPG - 1)];
		if (!(e & PG_P)) {
			*next = (va | ((1ul << shift) - 1)) + 1;
			return (NULL);
		}
		t = ptp_kva(e);
	}
	ptb_note_gig(&pm->pm_bounds, va);
	pm->pm_pd_gig = va & ~((1ul << PDPSHIFT) - 1);
	pm->pm_pd = t;
	*next = (va | (PD_SPAN - 1)) + 1;
	return (&t[(va >> PDRSHIFT) & (NPTEPG - 1)]);
}

/*
 * The first present page-directory entry for an address in [*vap, eva),
 * with *vap moved to that address (the start of its 2 MiB, or *vap
 * itself), or NULL if there is none: range walks skip absent tables at a
 * few instructions each instead of a walk from the top.
 */
static uint64_t *
pde_next(struct pmap *pm, vaddr_t *vap, vaddr_t eva)
{
	vaddr_t va = *vap, next;
	uint64_t *pde;

	while (va < eva) {
		if ((va = ptb_skip(&pm->pm_bounds, va)) >= eva)
			break;
		if ((pde = pde_find(pm, va, &next)) == NULL) {
			va = next;
			continue;
		}
		while (!(*pde & PG_P)) {
			va = next;
			next += PD_SPAN;
			if (va >= eva || ptb_past(&pm->pm_bounds, va))
				break;
			pde++;
		}
		if ((*pde & PG_P) && va < eva) {
			*vap = va;
			return (pde);
		}
	}
	return (NULL);
}

/*
 * The page-directory entry for va, creating the levels above it.  ENOMEM
 * leaves the levels already made, empty, for pmap_destroy.
 */
static int
pde_alloc(struct pmap *pm, vaddr_t va, uint64_t **pdep)
{
	uint64_t *t = pm->pm_pml4;
	paddr_t ptp;
	int shift;

	if ((va & ~((1ul << PDPSHIFT) - 1)) == pm->pm_pd_gig && pm->pm_pd != NULL) {
		*pdep = &pm->pm_pd[(va >> PDRSHIFT) & (NPTEPG - 1)];
		return (0);
	}
	for (shift = PML4SHIFT; shift > PDRSHIFT; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & (NPTEPG - 1)];

		if (!(*e & PG_P)) {
			if (page_alloc(&ptp, PG_ZERO) != 0)
				return (ENOMEM);
			*e = ptp | PTP_BITS;
		}
		t = ptp_kva(*e);
	}
	ptb_note_gig(&pm->pm_bounds, va);
	pm->pm_pd_gig = va & ~((1ul << PDPSHIFT) - 1);
	pm->pm_pd = t;
	*pdep = &t[(va >> PDRSHIFT) & (NPTEPG - 1)];
	return (0);
}

/* pde is present. */
static bool
table_shared(uint64_t pde)
{
	return (!(pde & PG_RW) && page_refcount(pde & PG_FRAME) > 1);
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

/* Flush what iv changed from this CPU's TLB. */
static void
tlb_flush(const struct pmap_inval *iv)
{
	vaddr_t va;

	if (iv->full || iv->eva - iv->sva > INVLPG_MAX * PAGE_SIZE) {
		lcr3(rcr3());
		return;
	}
	for (va = iv->sva; va < iv->eva; va += PAGE_SIZE)
		invlpg(va);
}

/* The cross-call: runs on a target CPU, interrupts off, taking no lock. */
static void
tlb_shootdown(void *arg)
{
	const struct pmap_inval *iv = arg;

	if (curcpu()->ci_pmap == iv->pm)
		tlb_flush(iv);
}

/*
 * Make iv's changes visible to every CPU that may cache the old entries,
 * then free the tables it dropped and drop the shared ones' references.
 * The entries are already written.  iv is empty again afterwards.
 */
static void
inval_finish(struct pmap_inval *iv)
{
	struct pmap *pm = iv->pm;
	cpuset_t others;
	paddr_t pa, next;

	if (iv->npages == 0)
		return;
	if (curcpu()->ci_pmap == pm)
		tlb_flush(iv);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	others = __atomic_load_n(&pm->pm_active, __ATOMIC_RELAXED) &
	    ~CPUSET_BIT(curcpu()->ci_id);
	if (others != 0) {
		smp_call(others, tlb_shootdown, iv);
		smp_shootdown_count((unsigned)__builtin_popcountll(others),
		    iv->npages);
	}
	for (pa = iv->dropped; pa != 0; pa = next) {
		next = *(uint64_t *)phys_to_kva(pa);
		page_free(pa);
	}
	for (unsigned i = 0; i < iv->nunref; i++)
		page_free(iv->unref[i]);
	*iv = (struct pmap_inval){ .pm = pm };
}

/* The table *pde points at leaves pm, whose range starts at va. */
static void
table_drop(struct pmap_inval *iv, uint64_t *pde, vaddr_t va)
{
	paddr_t ptp = *pde & PG_FRAME;
	bool shared = table_shared(*pde);

	*pde = 0;
	iv->full = true;
	inval_add(iv, va, NPTEPG);
	if (!shared) {
		*(uint64_t *)phys_to_kva(ptp) = iv->dropped;
		iv->dropped = ptp;
		return;
	}
	iv->unref[iv->nunref++] = ptp;
	if (iv->nunref == UNREF_MAX)
		inval_finish(iv);
}

/*
 * Make the leaf table *pde points at pm's alone, so that pm may write it:
 * a shared one is copied, every leaf read-only (the pages may be
 * copy-on-write now), and pm's reference on the original goes with iv.
 * ENOMEM leaves it shared.
 */
static int
table_own(struct pmap_inval *iv, uint64_t *pde, vaddr_t va)
{
	uint64_t *src, *dst;
	paddr_t ptp;

	if (!table_shared(*pde))
		return (0);
	if (page_alloc(&ptp, 0) != 0)
		return (ENOMEM);
	src = ptp_kva(*pde);
	dst = phys_to_kva(ptp);
	/* Eight at a time: this is most of a first write's page-table work. */
	for (int i = 0; i < NPTEPG; i += 8) {
		dst[i] = src[i] & ~PG_RW;
		dst[i + 1] = src[i + 1] & ~PG_RW;
		dst[i + 2] = src[i + 2] & ~PG_RW;
		dst[i + 3] = src[i + 3] & ~PG_RW;
		dst[i + 4] = src[i + 4] & ~PG_RW;
		dst[i + 5] = src[i + 5] & ~PG_RW;
		dst[i + 6] = src[i + 6] & ~PG_RW;
		dst[i + 7] = src[i + 7] & ~PG_RW;
	}
	VMCNT_ADD(v_pt_copied, 1);
	iv->full = true;
	inval_add(iv, va & ~(PD_SPAN - 1), NPTEPG);
	iv->unref[iv->nunref++] = *pde & PG_FRAME;
	*pde = ptp | PTP_BITS;
	if (iv->nunref == UNREF_MAX)
		inval_finish(iv);
	return (0);
}

/*
 * Called by x86_start() once kpmap.c has drawn the kernel's PML4 (which
 * has no identity map): learn whether NX is on.
 */
void
x86_pmap_bootstrap(void)
{
	kernel_pml4_pa = x86_kernel_pml4_pa;
	pg_nx = (rdmsr(MSR_EFER) & EFER_NXE) ? PG_NX : 0;
}

/*
 * A secondary CPU moves from its bring-up page table to the kernel's;
 * mpboot.S gave it the boot CPU's EFER.NXE and CR0.WP, which W^X needs.
 */
void
x86_pmap_cpu_init(void)
{
	KASSERT((rcr0() & CR0_WP) != 0 &&
	    (pg_nx == 0 || (rdmsr(MSR_EFER) & EFER_NXE) != 0),
	    "CR0.WP and EFER.NXE as on the boot CPU");
	lcr3(kernel_pml4_pa);
}

struct pmap *
pmap_create(void)
{
	struct pmap *pm;
	paddr_t pa;
	int i;

	if ((pm = kmalloc(sizeof(*pm))) == NULL)
		return (NULL);
	if (page_alloc(&pa, PG_ZERO) != 0) {
		kfree(pm);
		return (NULL);
	}
	pm->pm_pml4 = phys_to_kva(pa);
	pm->pm_cr3 = pa;
	pm->pm_active = 0;
	ptb_init(&pm->pm_bounds);
	pm->pm_pd = NULL;
	pm->pm_pd_gig = 0;
	for (i = PML4_KERNEL; i < NPTEPG; i++)
		pm->pm_pml4[i] = x86_kernel_pml4[i];
	return (pm);
}

void
pmap_destroy(struct pmap *pm)
{
	const struct pt_bounds *b = &pm->pm_bounds;
	uint64_t *pdpt, *pd;
	size_t j;

	KASSERT(pm->pm_active == 0, "pmap_destroy: pmap still active");
	_Static_assert(VM_MAX_USER <= 1ul << PML4SHIFT, "the user range is PML4 slot 0's");
	if (pm->pm_pml4[0] & PG_P) {
		pdpt = phys_to_kva(pm->pm_pml4[0] & PG_FRAME);
		for (j = ptb_next_gig(b, 0); j < PTB_GIGS; j = ptb_next_gig(b, j + 1)) {
			if (!(pdpt[j] & PG_P))
				continue;
			pd = phys_to_kva(pdpt[j] & PG_FRAME);
			/*
			 * A present leaf-table entry is the table's address
			 * with flags below bit 12 only (never NX), an absent
			 * one 0: page_free_array takes them as they are.
			 */
			if (b->lo[j] <= b->hi[j])
				page_free_array(&pd[b->lo[j]], b->hi[j] - b->lo[j] + 1u);
			page_free(pdpt[j] & PG_FRAME);
		}
		page_free(pm->pm_pml4[0] & PG_FRAME);
	}
	page_free(pm->pm_cr3);
	kfree(pm);
}

/*
 * Give the page-directory entry of a table pm owns its R/W back, so that
 * leaves there can be writable: fork cleared it, and the leaves may still
 * say R/W from before the fork, so they lose it first (see the top).
 * Nothing becomes writable here, so nothing needs a flush.
 */
static void
table_writable(uint64_t *pde)
{
	uint64_t *t = ptp_kva(*pde);

	if (*pde & PG_RW)
		return;
	for (int i = 0; i < NPTEPG; i++)
		t[i] &= ~PG_RW;
	*pde |= PG_RW;
}

/*
 * The leaf table for va, created if missing, that pm may write: its own,
 * and with the page-directory entry's R/W set when `writable` (a table that
 * was shared has its leaves write-protected first: see the top).  0, or
 * ENOMEM with the pmap as it was, bar empty upper tables.
 */
static int
table_for_enter(struct pmap_inval *iv, vaddr_t va, bool writable, uint64_t **ptp)
{
	struct pmap *pm = iv->pm;
	uint64_t *pde;
	paddr_t pa;

	if (pde_alloc(pm, va, &pde) != 0)
		return (ENOMEM);
	if (!(*pde & PG_P)) {
		if (page_alloc(&pa, PG_ZERO) != 0)
			return (ENOMEM);
		*pde = pa | PTP_BITS;
		ptb_note(&pm->pm_bounds, va);
	} else if (table_own(iv, pde, va) != 0)
		return (ENOMEM);
	if (writable)
		table_writable(pde);
	*ptp = ptp_kva(*pde);
	return (0);
}

/*
 * Replacing a valid entry flushes it, everywhere pm is active, unless the
 * new one maps the same page with more rights: a TLB still holding the old
 * one then costs at most a spurious fault, and a fault drops the entry.
 * This CPU's is flushed anyway, which is cheaper than that fault.  Entering
 * what a shared table already says (a read fault through the child's copy
 * of the parent's tables) changes nothing and copies nothing.
 */
int
pmap_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot)
{
	struct pmap_inval iv = { .pm = pm };
	uint64_t *t, *pte, *pde, old, new;
	vaddr_t next;

	if (prot == VM_PROT_NONE) {
		pmap_remove(pm, va, va + PAGE_SIZE);
		return (0);
	}
	new = (pa & PG_FRAME) | prot_to_pte(prot);
	if ((pde = pde_find(pm, va, &next)) != NULL && (*pde & PG_P) && table_shared(*pde) &&
	    !(new & PG_RW) &&
	    (ptp_kva(*pde)[(va >> PAGE_SHIFT) & (NPTEPG - 1)] & ~(PG_A | PG_D | PG_RW)) == new) {
		/* The fault may have been a stale entry here: flush it, as below. */
		if (curcpu()->ci_pmap == pm)
			invlpg(va);
		return (0);
	}
	if (table_for_enter(&iv, va, (new & PG_RW) != 0, &t) != 0) {
		inval_finish(&iv);
		return (ENOMEM);
	}
	pte = &t[(va >> PAGE_SHIFT) & (NPTEPG - 1)];
	old = *pte;
	*pte = new;
	if ((old & PG_P) && old != new) {
		if ((old & PG_FRAME) == (new & PG_FRAME) &&
		    ((old ^ PG_NX) & ~(new ^ PG_NX) & PTE_RIGHTS) == 0) {
			if (curcpu()->ci_pmap == pm)
				invlpg(va);
		} else
			inval_add(&iv, va, 1);
	}
	inval_finish(&iv);
	return (0);
}

/*
 * Where [sva, eva) covers the whole 2 MiB of a leaf table, the table goes
 * at once, without looking at its entries (the pmap holds no references on
 * what it maps): a large range costs one step per table.  A partial range
 * of a shared table needs a copy first; without memory for it, the whole
 * table goes from pm, which only costs faults (a pmap is a cache of the
 * map).
 */
void
pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	struct pmap_inval iv = { .pm = pm };
	uint64_t *pde, *t;
	vaddr_t va, next, end;

	eva = MIN(eva, VM_MAX_USER);
	for (va = sva; (pde = pde_next(pm, &va, eva)) != NULL; va = next) {
		next = (va | (PD_SPAN - 1)) + 1;
		end = MIN(next, eva);
		if (((va & (PD_SPAN - 1)) == 0 && end == next) ||
		    table_own(&iv, pde, va) != 0) {
			table_drop(&iv, pde, va & ~(PD_SPAN - 1));
			continue;
		}
		t = ptp_kva(*pde);
		for (; va < end; va += PAGE_SIZE) {
			uint64_t *pte = &t[(va >> PAGE_SHIFT) & (NPTEPG - 1)];

			if (*pte & PG_P) {
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
	uint64_t *pde, *t, npte;
	vaddr_t va, next, end;

	if (prot == VM_PROT_NONE) {
		pmap_remove(pm, sva, eva);
		return;
	}
	eva = MIN(eva, VM_MAX_USER);
	for (va = sva; (pde = pde_next(pm, &va, eva)) != NULL; va = next) {
		next = (va | (PD_SPAN - 1)) + 1;
		end = MIN(next, eva);
		if (table_own(&iv, pde, va) != 0) {
			table_drop(&iv, pde, va & ~(PD_SPAN - 1));
			continue;
		}
		/* Raising to writable where fork took R/W from the whole table. */
		if (prot & VM_PROT_WRITE)
			table_writable(pde);
		t = ptp_kva(*pde);
		for (; va < end; va += PAGE_SIZE) {
			uint64_t *pte = &t[(va >> PAGE_SHIFT) & (NPTEPG - 1)];

			if (!(*pte & PG_P))
				continue;
			npte = (*pte & (PG_FRAME | PG_A | PG_D)) | prot_to_pte(prot);
			if (npte == *pte)
				continue;
			*pte = npte;
			inval_add(&iv, va, 1);
		}
	}
	inval_finish(&iv);
}

/*
 * pmap_copy's partial table: dst gets its own table with src's leaves in
 * [va, end), read-only.
 */
static int
copy_leaves(struct pmap *dst, const uint64_t *spde, uint64_t *dpde, vaddr_t va, vaddr_t end)
{
	const uint64_t *st = ptp_kva(*spde);
	uint64_t *dt;
	paddr_t ptp;

	if (!(*dpde & PG_P)) {
		if (page_alloc(&ptp, PG_ZERO) != 0)
			return (ENOMEM);
		*dpde = ptp | PTP_BITS;
		ptb_note(&dst->pm_bounds, va);
	}
	dt = ptp_kva(*dpde);
	for (; va < end; va += PAGE_SIZE) {
		int i = (int)((va >> PAGE_SHIFT) & (NPTEPG - 1));

		if (st[i] & PG_P)
			dt[i] = st[i] & ~(PG_RW | PG_A | PG_D);
	}
	return (0);
}

/*
 * Fork (pmap.h).  A table wholly inside the range (as far as it lies in
 * the user range) is shared; one the range only cuts gets a copy of the
 * leaves inside, read-only.  Either way src's page-directory entry loses
 * R/W, which is all the write-protection src needs.
 */
int
pmap_copy(struct pmap *dst, struct pmap *src, vaddr_t sva, vaddr_t eva)
{
	struct pmap_inval iv = { .pm = src };
	uint64_t *spde, *dpde;
	paddr_t held[HOLD_BATCH];
	int error = 0, nheld = 0, nshared = 0;
	vaddr_t va, next, wlo, whi;

	eva = MIN(eva, VM_MAX_USER);
	/* Tables starting in [wlo, whi - PD_SPAN] lie wholly inside the range. */
	wlo = sva <= VM_MIN_USER ? 0 : (sva + PD_SPAN - 1) & ~(PD_SPAN - 1);
	whi = eva == VM_MAX_USER ? VM_MAX_USER : eva & ~(PD_SPAN - 1);
	/* The first table there is, then its neighbours in the same directory. */
	for (va = sva; error == 0 && (spde = pde_next(src, &va, eva)) != NULL; ) {
		vaddr_t gend = MIN((va | ((1ul << PDPSHIFT) - 1)) + 1, eva);
		vaddr_t first = VM_MAX_USER, last = 0;	/* the run's tables */
		uint64_t lowered = 0;

		if ((error = pde_alloc(dst, va, &dpde)) != 0)
			break;
		for (; va < gend; va = next, spde++, dpde++) {
			next = (va | (PD_SPAN - 1)) + 1;
			if (!(*spde & PG_P))
				continue;
			first = MIN(first, va & ~(PD_SPAN - 1));
			last = va & ~(PD_SPAN - 1);
			lowered |= *spde & PG_RW;
			*spde &= ~PG_RW;
			if ((va & ~(PD_SPAN - 1)) < wlo || next > whi) {
				if ((error = copy_leaves(dst, spde, dpde, va, MIN(next, eva))) != 0)
					break;
				continue;
			}
			/*
			 * The references are taken in batches: until then
			 * src's keeps the table, and no other pmap can see
			 * dst's.
			 */
			held[nheld++] = *spde & PG_FRAME;
			nshared++;
			if (nheld == HOLD_BATCH) {
				page_hold_array(held, nheld);
				nheld = 0;
			}
			*dpde = *spde;
		}
		/*
		 * One note for the run: its first and last table bound the
		 * ones between, and if src lost R/W anywhere in it, one
		 * flush covers the run.
		 */
		if (first < VM_MAX_USER) {
			ptb_note(&dst->pm_bounds, first);
			ptb_note(&dst->pm_bounds, last);
			if (lowered)
				inval_add(&iv, first, ((last - first) >> PAGE_SHIFT) + NPTEPG);
		}
	}
	page_hold_array(held, nheld);
	VMCNT_ADD(v_pt_shared, (unsigned)nshared);
	inval_finish(&iv);
	return (error);
}

/* User addresses only: the kernel half (2 MiB pages) is no user mapping. */
bool
pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pa, vm_prot_t *prot)
{
	uint64_t *pde, pte;
	vaddr_t next;

	if (va < VM_MIN_USER || va >= VM_MAX_USER)
		return (false);
	pde = pde_find(pm, va, &next);
	if (pde == NULL || !(*pde & PG_P))
		return (false);
	pte = ptp_kva(*pde)[(va >> PAGE_SHIFT) & (NPTEPG - 1)];
	if (!(pte & PG_P))
		return (false);
	if (pa != NULL)
		*pa = (pte & PG_FRAME) | (va & PAGE_MASK);
	if (prot != NULL)
		*prot = VM_PROT_READ | ((pte & *pde & PG_RW) ? VM_PROT_WRITE : 0) |
		    ((pte & PG_NX) ? 0 : VM_PROT_EXEC);
	return (true);
}

/*
 * Called with interrupts off, no lock needed: ci_pmap is this CPU's, and
 * the pm_active updates are ordered as the TLB shootdown comment says.
 */
void
pmap_activate(struct pmap *pm)
{
	struct cpu *ci = curcpu();
	struct pmap *old = ci->ci_pmap;
	cpuset_t bit = CPUSET_BIT(ci->ci_id);

	if (pm == old)
		return;
	if (pm != NULL)
		__atomic_or_fetch(&pm->pm_active, bit, __ATOMIC_SEQ_CST);
	ci->ci_pmap = pm;
	lcr3(pm != NULL ? pm->pm_cr3 : kernel_pml4_pa);
	if (old != NULL)
		__atomic_and_fetch(&old->pm_active, ~bit, __ATOMIC_SEQ_CST);
}
