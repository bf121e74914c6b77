/*
 * 4-level x86-64 page tables for user address spaces, on any number of
 * CPUs.
 *
 * A struct pmap holds its PML4 page (a direct-map address; its physical
 * address is the CR3 value) and the set of CPUs whose CR3 it is.  User
 * mappings live in PML4 slot 0 only ([VM_MIN_USER, VM_MAX_USER) is under
 * 512 GiB) with 4 KiB leaves; slots PML4_KERNEL..511 are copied from the
 * boot PML4 (direct map and kernel image, supervisor-only 2 MiB pages) and
 * never change after boot.  Intermediate entries are P|RW|U so that the
 * leaf alone decides access.  Page-table pages come from page_alloc and
 * are freed by pmap_destroy, or by pmap_remove when a whole leaf table
 * goes.
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
#include "smp.h"
#include "x86.h"

struct pmap_inval {
	struct pmap	*pm;
	vaddr_t		sva, eva;
	uint64_t	npages;
	paddr_t		dropped;	/* first dropped table, 0 = none */
};

struct pmap {
	uint64_t	*pm_pml4;	/* the PML4 page, direct-mapped */
	paddr_t		pm_cr3;		/* its physical address */
	volatile cpuset_t pm_active;	/* (a) CPUs with pm in CR3 */
	bool		pm_batching;	/* (m) pmap_batch_begin: remote flushes wait */
	struct pmap_inval pm_pending;	/* (m) what they will cover */
};

#define PTP_BITS	(PG_P | PG_RW | PG_U)
#define PTE_RIGHTS	(PG_RW | PG_NX)
#define INVLPG_MAX	32	/* pages; a longer range reloads CR3 */

/*
 * What one operation changed, for the TLBs: [sva, eva) spans every changed
 * leaf entry (and dropped table); npages counts them, a dropped leaf table
 * as NPTEPG.  Dropped tables wait in a list threaded through their first
 * entry: a walk through a stale cached pointer reads it as not present
 * (a page-aligned address has P clear), which a removed range may do.
 */
extern uint64_t boot_pml4[];
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

/*
 * The leaf entry for va, or NULL if a table on the way is missing; *next
 * is then the first address past the hole (so range walks skip it).
 */
static uint64_t *
pte_find(struct pmap *pm, vaddr_t va, vaddr_t *next)
{
	uint64_t *t = pm->pm_pml4, e;
	int shift;

	for (shift = PML4SHIFT; shift > PAGE_SHIFT; shift -= 9) {
		e = t[(va >> shift) & (NPTEPG - 1)];
		if (!(e & PG_P)) {
			*next = (va | ((1ul << shift) - 1)) + 1;
			return (NULL);
		}
		t = phys_to_kva(e & PG_FRAME);
	}
	*next = va + PAGE_SIZE;
	return (&t[(va >> PAGE_SHIFT) & (NPTEPG - 1)]);
}

/* The page-directory entry that points at va's leaf table, or NULL if a level above is missing. */
static uint64_t *
pde_find(struct pmap *pm, vaddr_t va)
{
	uint64_t *t = pm->pm_pml4, e;
	int shift;

	for (shift = PML4SHIFT; shift > PDRSHIFT; shift -= 9) {
		e = t[(va >> shift) & (NPTEPG - 1)];
		if (!(e & PG_P))
			return (NULL);
		t = phys_to_kva(e & PG_FRAME);
	}
	return (&t[(va >> PDRSHIFT) & (NPTEPG - 1)]);
}

static void
inval_add(struct pmap_inval *iv, vaddr_t va, uint64_t npages)
{
	if (iv->npages == 0)
		iv->sva = va;
	iv->eva = va + npages * PAGE_SIZE;
	iv->npages += npages;
}

/* Flush what iv changed from this CPU's TLB. */
static void
tlb_flush(const struct pmap_inval *iv)
{
	vaddr_t va;

	if (iv->dropped != 0 || iv->eva - iv->sva > INVLPG_MAX * PAGE_SIZE) {
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

/* The other CPUs' round for iv, then the tables it dropped. */
static void
inval_remote(struct pmap_inval *iv)
{
	cpuset_t others;
	paddr_t pa, next;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	others = __atomic_load_n(&iv->pm->pm_active, __ATOMIC_RELAXED) &
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
}

/*
 * Make iv's changes visible to every CPU that may cache the old entries,
 * then free the tables it dropped.  The entries are already written.  In
 * a batch the other CPUs wait for pmap_batch_end.
 */
static void
inval_finish(struct pmap_inval *iv)
{
	struct pmap *pm = iv->pm;
	struct pmap_inval *b = &pm->pm_pending;
	paddr_t *tail;

	if (iv->npages == 0)
		return;
	if (curcpu()->ci_pmap == pm)
		tlb_flush(iv);
	if (!pm->pm_batching) {
		inval_remote(iv);
		return;
	}
	if (b->npages == 0)
		b->sva = iv->sva;
	b->sva = MIN(b->sva, iv->sva);
	b->eva = MAX(b->eva, iv->eva);
	b->npages += iv->npages;
	for (tail = &iv->dropped; *tail != 0; tail = (paddr_t *)phys_to_kva(*tail))
		;
	*tail = b->dropped;
	b->dropped = iv->dropped;
}

void
pmap_batch_begin(struct pmap *pm)
{
	KASSERT(!pm->pm_batching, "pmap_batch_begin: already batching");
	pm->pm_pending = (struct pmap_inval){ .pm = pm };
	pm->pm_batching = true;
}

void
pmap_batch_end(struct pmap *pm)
{
	KASSERT(pm->pm_batching, "pmap_batch_end without pmap_batch_begin");
	pm->pm_batching = false;
	if (pm->pm_pending.npages != 0)
		inval_remote(&pm->pm_pending);
}

/* Called by x86_start(): drop the boot identity map, learn whether NX is on. */
void
x86_pmap_bootstrap(void)
{
	boot_pml4[0] = 0;
	kernel_pml4_pa = (uintptr_t)boot_pml4 - KERNBASE;
	lcr3(kernel_pml4_pa);
	pg_nx = (rdmsr(MSR_EFER) & EFER_NXE) ? PG_NX : 0;
}

/* A secondary CPU moves from its bring-up page table to the kernel's. */
void
x86_pmap_cpu_init(void)
{
	lcr3(kernel_pml4_pa);
}

void
pmap_init(void)
{
	/* Everything was set up by x86_pmap_bootstrap(). */
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
	pm->pm_batching = false;
	for (i = PML4_KERNEL; i < NPTEPG; i++)
		pm->pm_pml4[i] = boot_pml4[i];
	return (pm);
}

void
pmap_destroy(struct pmap *pm)
{
	uint64_t *pdpt, *pd;
	int i, j, k;

	KASSERT(pm->pm_active == 0, "pmap_destroy: pmap still active");
	for (i = 0; i < PML4_KERNEL; i++) {
		if (!(pm->pm_pml4[i] & PG_P))
			continue;
		pdpt = phys_to_kva(pm->pm_pml4[i] & PG_FRAME);
		for (j = 0; j < NPTEPG; j++) {
			if (!(pdpt[j] & PG_P))
				continue;
			pd = phys_to_kva(pdpt[j] & PG_FRAME);
			for (k = 0; k < NPTEPG; k++)
				if (pd[k] & PG_P)
					page_free(pd[k] & PG_FRAME);
			page_free(pdpt[j] & PG_FRAME);
		}
		page_free(pm->pm_pml4[i] & PG_FRAME);
	}
	page_free(pm->pm_cr3);
	kfree(pm);
}

/*
 * Replacing a valid entry flushes it, everywhere pm is active, unless the
 * new one maps the same page with more rights: a TLB still holding the old
 * one then costs at most a spurious fault, and a fault drops the entry.
 * This CPU's is flushed anyway, which is cheaper than that fault.
 */
int
pmap_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot)
{
	struct pmap_inval iv = { .pm = pm };
	uint64_t *t = pm->pm_pml4, *slot[3], *pte, old, new;
	paddr_t fresh[3], ptp;
	int shift, n = 0;

	if (prot == VM_PROT_NONE) {
		pmap_remove(pm, va, va + PAGE_SIZE);
		return (0);
	}
	for (shift = PML4SHIFT; shift > PAGE_SHIFT; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & (NPTEPG - 1)];

		if (!(*e & PG_P)) {
			if (page_alloc(&ptp, PG_ZERO) != 0)
				goto fail;
			*e = ptp | PTP_BITS;
			slot[n] = e;
			fresh[n++] = ptp;
		}
		t = phys_to_kva(*e & PG_FRAME);
	}
	pte = &t[(va >> PAGE_SHIFT) & (NPTEPG - 1)];
	old = *pte;
	new = (pa & PG_FRAME) | prot_to_pte(prot);
	*pte = new;
	if (!(old & PG_P) || old == new)
		return (0);
	if ((old & PG_FRAME) == (new & PG_FRAME) &&
	    ((old ^ PG_NX) & ~(new ^ PG_NX) & PTE_RIGHTS) == 0) {
		if (curcpu()->ci_pmap == pm)
			invlpg(va);
		return (0);
	}
	inval_add(&iv, va, 1);
	inval_finish(&iv);
	return (0);

fail:
	/* The new tables are empty and were never reachable from a TLB. */
	while (n-- > 0) {
		*slot[n] = 0;
		page_free(fresh[n]);
	}
	return (ENOMEM);
}

void
pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	const vaddr_t span = 1ul << PDRSHIFT;
	struct pmap_inval iv = { .pm = pm };
	uint64_t *pte, *pde;
	vaddr_t va, next;
	paddr_t ptp;

	eva = MIN(eva, VM_MAX_USER);
	for (va = sva; va < eva; va = next) {
		/*
		 * A leaf table wholly inside the range goes at once, without
		 * looking at its entries (the pmap holds no references on
		 * what it maps): a large range costs one step per 2 MiB,
		 * which is what lets fork drop a big parent's mappings
		 * cheaply.
		 */
		if ((va & (span - 1)) == 0 && va + span <= eva &&
		    (pde = pde_find(pm, va)) != NULL && (*pde & PG_P)) {
			ptp = *pde & PG_FRAME;
			*pde = 0;
			*(uint64_t *)phys_to_kva(ptp) = iv.dropped;
			iv.dropped = ptp;
			inval_add(&iv, va, NPTEPG);
			next = va + span;
			continue;
		}
		pte = pte_find(pm, va, &next);
		if (pte == NULL || !(*pte & PG_P))
			continue;
		*pte = 0;
		inval_add(&iv, va, 1);
	}
	inval_finish(&iv);
}

void
pmap_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	struct pmap_inval iv = { .pm = pm };
	uint64_t *pte, npte;
	vaddr_t va, next;

	if (prot == VM_PROT_NONE) {
		pmap_remove(pm, sva, eva);
		return;
	}
	eva = MIN(eva, VM_MAX_USER);
	for (va = sva; va < eva; va = next) {
		pte = pte_find(pm, va, &next);
		if (pte == NULL || !(*pte & PG_P))
			continue;
		npte = (*pte & (PG_FRAME | PG_A | PG_D)) | prot_to_pte(prot);
		if (npte == *pte)
			continue;
		*pte = npte;
		inval_add(&iv, va, 1);
	}
	inval_finish(&iv);
}

/* User addresses only: the kernel half (2 MiB pages) is no user mapping. */
bool
pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pa, vm_prot_t *prot)
{
	uint64_t *pte;
	vaddr_t next;

	if (va < VM_MIN_USER || va >= VM_MAX_USER)
		return (false);
	pte = pte_find(pm, va, &next);
	if (pte == NULL || !(*pte & PG_P))
		return (false);
	if (pa != NULL)
		*pa = (*pte & PG_FRAME) | (va & PAGE_MASK);
	if (prot != NULL)
		*prot = VM_PROT_READ | ((*pte & PG_RW) ? VM_PROT_WRITE : 0) |
		    ((*pte & PG_NX) ? 0 : VM_PROT_EXEC);
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
