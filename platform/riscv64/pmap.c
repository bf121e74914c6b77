/*
 * Sv39 physical maps (pmap.h).  Three levels of 512 entries; user
 * mappings are 4 KiB leaves with PTE_U, reached through root slots
 * 0..255 (VM_MAX_USER is 256 GiB, one root slot per GiB).  Slots 256..511
 * are the kernel's: the direct map and the image window built by start.S
 * in boot_root, copied into every pmap at creation and never changed
 * afterwards.  Intermediate tables are allocated on demand in pmap_enter()
 * and freed only by pmap_destroy().  No ASIDs: pmap_activate() flushes the
 * whole TLB, the other functions flush the pages they lower or remove
 * (and replace) when the pmap is the active one.
 */
#include "kernel.h"
#include "hal.h"
#include "page.h"
#include "pmap.h"

#include "machdep.h"
#include "riscv.h"

struct pmap {
	paddr_t		pm_root;	/* physical address of the root table */
	unsigned long	pm_ptpages;	/* page-table pages, root included */
};

static struct pmap kernel_pmap;
static struct pmap *active_pmap = &kernel_pmap;

_Static_assert(VM_MAX_USER == (paddr_t)KERNEL_SLOT_FIRST * SV39_GIGAPAGE,
    "user range must be exactly the lower root slots");

static pt_entry_t *
pt_kva(paddr_t pa)
{
	return ((pt_entry_t *)phys_to_kva(pa));
}

/* PTE bits for a user leaf with prot: W needs R in RISC-V; A and D preset. */
static pt_entry_t
prot_bits(vm_prot_t prot)
{
	pt_entry_t b = PTE_V | PTE_U | PTE_A;

	if (prot & (VM_PROT_READ | VM_PROT_WRITE))
		b |= PTE_R;
	if (prot & VM_PROT_WRITE)
		b |= PTE_W | PTE_D;
	if (prot & VM_PROT_EXEC)
		b |= PTE_X;
	return (b);
}

static vm_prot_t
pte_prot(pt_entry_t pte)
{
	vm_prot_t prot = VM_PROT_NONE;

	if (pte & PTE_R)
		prot |= VM_PROT_READ;
	if (pte & PTE_W)
		prot |= VM_PROT_WRITE;
	if (pte & PTE_X)
		prot |= VM_PROT_EXEC;
	return (prot);
}

static void
pmap_invalidate(struct pmap *pm, vaddr_t va)
{
	if (pm == active_pmap)
		sfence_vma_page(va);
}

/* The leaf entry for va, or NULL if a table on the way is missing. */
static pt_entry_t *
pmap_pte(struct pmap *pm, vaddr_t va)
{
	pt_entry_t *pt = pt_kva(pm->pm_root);
	int level;

	for (level = 2; level > 0; level--) {
		pt_entry_t e = pt[SV39_INDEX(va, level)];

		if ((e & PTE_V) == 0)
			return (NULL);
		KASSERT(!PTE_IS_LEAF(e), "pmap: superpage in a user pmap");
		pt = pt_kva(PTE_TO_PA(e));
	}
	return (&pt[SV39_INDEX(va, 0)]);
}

/*
 * Install boot_root as the kernel pmap and drop start.S's identity
 * mapping: from here on the lower half holds nothing but user pmaps.
 */
void
pmap_bootstrap(void)
{
	kernel_pmap.pm_root = (paddr_t)boot_root - KERNEL_VA_OFFSET;
	kernel_pmap.pm_ptpages = 1;
	boot_root[SV39_INDEX((vaddr_t)KERNEL_PA, 2)] = 0;
	sfence_vma_all();
}

void
pmap_init(void)
{
}

struct pmap *
pmap_create(void)
{
	struct pmap *pm;
	pt_entry_t *root;

	if ((pm = kzalloc(sizeof(*pm))) == NULL)
		return (NULL);
	if (page_alloc(&pm->pm_root, PG_ZERO) != 0) {
		kfree(pm);
		return (NULL);
	}
	pm->pm_ptpages = 1;
	root = pt_kva(pm->pm_root);
	memcpy(&root[KERNEL_SLOT_FIRST], &boot_root[KERNEL_SLOT_FIRST],
	    (SV39_NPTE - KERNEL_SLOT_FIRST) * sizeof(pt_entry_t));
	return (pm);
}

void
pmap_destroy(struct pmap *pm)
{
	pt_entry_t *root = pt_kva(pm->pm_root), *l1;
	unsigned i, j;

	KASSERT(pm != active_pmap, "pmap_destroy: pmap is active");
	KASSERT(pm != &kernel_pmap, "pmap_destroy: kernel pmap");
	for (i = 0; i < KERNEL_SLOT_FIRST; i++) {
		if ((root[i] & PTE_V) == 0)
			continue;
		l1 = pt_kva(PTE_TO_PA(root[i]));
		for (j = 0; j < SV39_NPTE; j++) {
			if (l1[j] & PTE_V) {
				page_free(PTE_TO_PA(l1[j]));
				pm->pm_ptpages--;
			}
		}
		page_free(PTE_TO_PA(root[i]));
		pm->pm_ptpages--;
	}
	page_free(pm->pm_root);
	KASSERT(pm->pm_ptpages == 1, "pmap_destroy: page-table page count");
	kfree(pm);
}

int
pmap_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot)
{
	pt_entry_t *pt = pt_kva(pm->pm_root), *pte;
	paddr_t newpt[2];
	pt_entry_t *newpte[2];
	int level, nnew = 0;

	KASSERT(va >= VM_MIN_USER && va < VM_MAX_USER && (va & PAGE_MASK) == 0,
	    "pmap_enter: bad va");
	if (prot == VM_PROT_NONE) {
		pmap_remove(pm, va, va + PAGE_SIZE);
		return (0);
	}
	for (level = 2; level > 0; level--) {
		pte = &pt[SV39_INDEX(va, level)];
		if ((*pte & PTE_V) == 0) {
			if (page_alloc(&newpt[nnew], PG_ZERO) != 0)
				goto fail;
			*pte = PA_TO_PTE(newpt[nnew]) | PTE_V;
			newpte[nnew++] = pte;
			pm->pm_ptpages++;
		}
		pt = pt_kva(PTE_TO_PA(*pte));
	}
	pte = &pt[SV39_INDEX(va, 0)];
	*pte = PA_TO_PTE(trunc_page(pa)) | prot_bits(prot);
	/*
	 * Flush even when the old entry was invalid: nothing in the ISA
	 * forbids a hart from caching a translation failure.
	 */
	pmap_invalidate(pm, va);
	return (0);

fail:
	/* Undo in reverse: the pmap is left as it was. */
	while (nnew-- > 0) {
		*newpte[nnew] = 0;
		page_free(newpt[nnew]);
		pm->pm_ptpages--;
	}
	return (ENOMEM);
}

/*
 * Apply fn to every valid leaf in [sva, eva), skipping absent tables a
 * gigabyte or two megabytes at a time.
 */
typedef void pte_fn_t(struct pmap *, vaddr_t, pt_entry_t *, pt_entry_t);

static void
pmap_walk(struct pmap *pm, vaddr_t sva, vaddr_t eva, pte_fn_t *fn,
    pt_entry_t arg)
{
	pt_entry_t *root = pt_kva(pm->pm_root), *l1, *l0;
	vaddr_t va = sva, next;

	KASSERT(sva <= eva && eva <= VM_MAX_USER, "pmap: bad range");
	while (va < eva) {
		next = (va + SV39_GIGAPAGE) & ~(SV39_GIGAPAGE - 1);
		if ((root[SV39_INDEX(va, 2)] & PTE_V) == 0) {
			va = next;
			continue;
		}
		l1 = pt_kva(PTE_TO_PA(root[SV39_INDEX(va, 2)]));
		next = (va + (1ul << SV39_SHIFT(1))) & ~((1ul << SV39_SHIFT(1)) - 1);
		if ((l1[SV39_INDEX(va, 1)] & PTE_V) == 0) {
			va = next;
			continue;
		}
		l0 = pt_kva(PTE_TO_PA(l1[SV39_INDEX(va, 1)]));
		for (; va < next && va < eva; va += PAGE_SIZE) {
			pt_entry_t *pte = &l0[SV39_INDEX(va, 0)];

			if (*pte & PTE_V)
				fn(pm, va, pte, arg);
		}
	}
}

static void
remove_one(struct pmap *pm, vaddr_t va, pt_entry_t *pte,
    pt_entry_t arg __unused)
{
	*pte = 0;
	pmap_invalidate(pm, va);
}

static void
protect_one(struct pmap *pm, vaddr_t va, pt_entry_t *pte, pt_entry_t bits)
{
	pt_entry_t new = (*pte & ~(PTE_RWX | PTE_D)) | bits;

	if (new != *pte) {
		*pte = new;
		pmap_invalidate(pm, va);
	}
}

/*
 * Where [sva, eva) covers the whole 2 MiB of a leaf table, the table goes
 * at once, without looking at its entries (a pmap holds no references on
 * the pages it maps): removing a large range costs one step per table,
 * which is what lets fork drop a big parent's mappings cheaply.  Partial
 * tables are cleared entry by entry.
 */
void
pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	const vaddr_t span = 1ul << SV39_SHIFT(1);
	pt_entry_t *root = pt_kva(pm->pm_root);
	bool flush_all = false;
	vaddr_t va = sva;

	KASSERT(sva <= eva && eva <= VM_MAX_USER, "pmap_remove: bad range");
	while (va < eva) {
		vaddr_t next = (va + span) & ~(span - 1);
		pt_entry_t *l1, *l1e;

		if ((root[SV39_INDEX(va, 2)] & PTE_V) == 0) {
			va = (va + SV39_GIGAPAGE) & ~(SV39_GIGAPAGE - 1);
			continue;
		}
		l1 = pt_kva(PTE_TO_PA(root[SV39_INDEX(va, 2)]));
		l1e = &l1[SV39_INDEX(va, 1)];
		if ((*l1e & PTE_V) != 0 && (va & (span - 1)) == 0 && next <= eva) {
			page_free(PTE_TO_PA(*l1e));
			*l1e = 0;
			pm->pm_ptpages--;
			flush_all = true;
		} else if ((*l1e & PTE_V) != 0)
			pmap_walk(pm, va, MIN(next, eva), remove_one, 0);
		va = next;
	}
	if (flush_all && pm == active_pmap)
		sfence_vma_all();
}

void
pmap_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	if (prot == VM_PROT_NONE) {
		pmap_remove(pm, sva, eva);
		return;
	}
	pmap_walk(pm, sva, eva, protect_one,
	    prot_bits(prot) & (PTE_RWX | PTE_D));
}

bool
pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pa, vm_prot_t *prot)
{
	pt_entry_t *pte;

	if (va >= VM_MAX_USER)
		return (false);
	pte = pmap_pte(pm, va);
	if (pte == NULL || (*pte & PTE_V) == 0)
		return (false);
	if (pa != NULL)
		*pa = PTE_TO_PA(*pte) | (va & PAGE_MASK);
	if (prot != NULL)
		*prot = pte_prot(*pte);
	return (true);
}

void
pmap_activate(struct pmap *pm)
{
	if (pm == NULL)
		pm = &kernel_pmap;
	active_pmap = pm;
	w_satp(SATP_MODE_SV39 | SATP_PPN(pm->pm_root));
	sfence_vma_all();
}
