/*
 * 4-level x86-64 page tables for user address spaces.
 *
 * A struct pmap is its PML4 page itself (a direct-map address): the pmap
 * costs one page-table page and its physical address is its CR3.  User
 * mappings live in PML4 slot 0 only ([VM_MIN_USER, VM_MAX_USER) is under
 * 512 GiB) with 4 KiB leaves; slots PML4_KERNEL..511 are copied from the
 * boot PML4 (direct map and kernel image, supervisor-only 2 MiB pages) and
 * never change after boot.  Intermediate entries are P|RW|U so that the
 * leaf alone decides access.  Page-table pages come from page_alloc and
 * are freed only by pmap_destroy (an emptied table stays for reuse).
 */
#include "user/forkrt/abi.h"
#include "hal.h"
#include "page.h"
#include "pmap.h"
#include "x86.h"

struct pmap {
	uint64_t pm_pml4[NPTEPG];
};
_Static_assert(sizeof(struct pmap) == PAGE_SIZE, "a pmap is its PML4 page");

#define PTP_BITS	(PG_P | PG_RW | PG_U)

extern uint64_t boot_pml4[];
static paddr_t kernel_pml4_pa;
static paddr_t active_pa;	/* CR3 as last loaded by us */
static uint64_t pg_nx;		/* PG_NX when EFER.NXE is on, else 0 */

static inline bool
pmap_is_active(struct pmap *pm)
{
	return (kva_to_phys(pm) == active_pa);
}

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

/* Called by x86_start(): drop the boot identity map, learn whether NX is on. */
void
x86_pmap_bootstrap(void)
{
	boot_pml4[0] = 0;
	kernel_pml4_pa = (uintptr_t)boot_pml4 - KERNBASE;
	active_pa = kernel_pml4_pa;
	lcr3(kernel_pml4_pa);
	pg_nx = (rdmsr(MSR_EFER) & EFER_NXE) ? PG_NX : 0;
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

	if (page_alloc(&pa, PG_ZERO) != 0)
		return (NULL);
	pm = phys_to_kva(pa);
	for (i = PML4_KERNEL; i < NPTEPG; i++)
		pm->pm_pml4[i] = boot_pml4[i];
	return (pm);
}

void
pmap_destroy(struct pmap *pm)
{
	uint64_t *pdpt, *pd;
	int i, j, k;

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
	page_free(kva_to_phys(pm));
}

int
pmap_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot)
{
	uint64_t *t = pm->pm_pml4, *slot[3], *pte, old;
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
	*pte = (pa & PG_FRAME) | prot_to_pte(prot);
	if ((old & PG_P) && pmap_is_active(pm))
		invlpg(va);
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
	bool active = pmap_is_active(pm), flush_all = false;
	uint64_t *pte, *pde;
	vaddr_t va, next;

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
			page_free(*pde & PG_FRAME);
			*pde = 0;
			flush_all = true;
			next = va + span;
			continue;
		}
		pte = pte_find(pm, va, &next);
		if (pte == NULL || !(*pte & PG_P))
			continue;
		*pte = 0;
		if (active && !flush_all)
			invlpg(va);
	}
	if (active && flush_all)
		lcr3(active_pa);
}

void
pmap_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	bool active = pmap_is_active(pm);
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
		if (active)
			invlpg(va);
	}
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

void
pmap_activate(struct pmap *pm)
{
	paddr_t pa = pm != NULL ? kva_to_phys(pm) : kernel_pml4_pa;

	if (pa != active_pa) {
		active_pa = pa;
		lcr3(pa);
	}
}
