/*
 * Sv39 physical maps (pmap.h).  Three levels of 512 entries; user
 * mappings are 4 KiB leaves with PTE_U, reached through root slots
 * 0..255 (VM_MAX_USER is 256 GiB, one root slot per GiB).  Slots 256..511
 * are the kernel's: the direct map and the image window built by start.S
 * in boot_root, copied into every pmap at creation and never changed
 * afterwards.  Intermediate tables are allocated on demand in pmap_enter()
 * and freed by pmap_destroy(), or by pmap_remove() when a range covers
 * all of a leaf table.  No ASIDs: pmap_activate() flushes this CPU's
 * whole TLB.
 *
 * Callers hold the vmspace's lock around every call on a user pmap;
 * pmap_activate() takes none (the scheduler calls it, interrupts off).
 *
 * Several CPUs: a pmap is in satp on the CPUs whose bits are in
 * pm_active, and the active pmap of a CPU is its ci_pmap (NULL: the
 * kernel's).  pmap_activate() sets this CPU's bit in the new pmap with a
 * full barrier before it writes satp and flushes, and clears it in the old
 * one only after that flush; an operation that changes PTEs reads
 * pm_active after a full barrier.  So a CPU that operation does not see
 * in pm_active either walks the tables after the change, or no longer
 * holds anything of the pmap in its TLB.
 *
 * TLB shootdown: an operation that removes or lowers mappings
 * (pmap_remove, pmap_protect, pmap_enter over a valid entry with another
 * page or fewer rights) flushes what it changed here, page by page, if the
 * pmap is active here; then, once, the other CPUs in pm_active, with one
 * SBI remote sfence.vma over the span it changed (everything, when it
 * dropped a leaf table or the span is over PMAP_RANGE_PAGES pages), and
 * counts that round with smp_shootdown_count().  OpenSBI returns once the
 * targets have flushed, so when the operation returns no CPU can still
 * reach what it removed; the leaf tables it dropped are freed only then,
 * since a stale walk could still go through them.  A pmap active on this
 * CPU alone costs no SBI call.  pmap_enter raising the rights of the same
 * page, or filling an invalid entry, flushes only here: a CPU holding the
 * older, lesser translation takes a spurious fault and vm_fault() enters
 * the mapping again there, which flushes it there.
 */
#include "kernel.h"
#include "hal.h"
#include "page.h"
#include "pmap.h"

#include "machdep.h"
#include "riscv.h"

/* Remote flushes of larger spans flush everything. */
#define PMAP_RANGE_PAGES	64

/*
 * Lock key: (b) constant once created; (m) the vmspace's lock, held by
 * every caller; (a) atomic operations only.
 */
struct pmap_inval {
	vaddr_t		sva, eva;
	uint64_t	npages;
	paddr_t		tables;
	bool		here;
};

struct pmap {
	paddr_t		pm_root;	/* (b) physical address of the root */
	unsigned long	pm_ptpages;	/* (m) table pages, root included */
	volatile cpuset_t pm_active;	/* (a) CPUs with this pmap in satp */
	bool		pm_batching;	/* (m) pmap_batch_begin: remote flushes wait */
	struct pmap_inval pm_pending;	/* (m) what they will cover */
};

/*
 * The TLB work of one operation: the span of the pages it lowered or
 * removed and their number (512 for each leaf table dropped unread), the
 * leaf tables it dropped, waiting for the flush and linked through their
 * first entry (a page-aligned address, so an invalid PTE to a stale walk),
 * and whether the pmap is active on this CPU.
 */
static paddr_t kernel_root;	/* boot_root: the kernel pmap has no struct */

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
inval_init(struct pmap_inval *iv, struct pmap *pm)
{
	iv->sva = VM_MAX_USER;
	iv->eva = 0;
	iv->npages = 0;
	iv->tables = 0;
	iv->here = curcpu()->ci_pmap == pm;
}

/* The leaf for va was lowered or removed. */
static void
inval_page(struct pmap_inval *iv, vaddr_t va)
{
	if (iv->here)
		sfence_vma_page(va);
	iv->sva = MIN(iv->sva, va);
	iv->eva = MAX(iv->eva, va + PAGE_SIZE);
	iv->npages++;
}

/* The leaf table pt, mapping the 2 MiB at va, was unlinked. */
static void
inval_table(struct pmap_inval *iv, vaddr_t va, paddr_t pt)
{
	pt_kva(pt)[0] = iv->tables;
	iv->tables = pt;
	iv->sva = MIN(iv->sva, va);
	iv->eva = MAX(iv->eva, va + (1ul << SV39_SHIFT(1)));
	iv->npages += SV39_NPTE;
}

/* The other CPUs' round for iv, then the tables it dropped. */
static void
inval_remote(struct pmap *pm, struct pmap_inval *iv)
{
	cpuset_t others;
	paddr_t pt;

	/* The PTE stores before the read of pm_active: see pmap_activate(). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	others = __atomic_load_n(&pm->pm_active, __ATOMIC_RELAXED) &
	    ~CPUSET_BIT(curcpu()->ci_id);
	if (others != 0) {
		if (iv->tables != 0 ||
		    iv->eva - iv->sva > PMAP_RANGE_PAGES * PAGE_SIZE)
			sbi_remote_sfence_vma(others, 0, SBI_TLB_FLUSH_ALL);
		else
			sbi_remote_sfence_vma(others, iv->sva,
			    iv->eva - iv->sva);
		smp_shootdown_count((unsigned)__builtin_popcountll(others),
		    iv->npages);
	}
	while ((pt = iv->tables) != 0) {
		iv->tables = pt_kva(pt)[0];
		page_free(pt);
	}
}

/*
 * Finish an operation on pm: the full local flush a dropped table needs
 * (the walk may have cached it), the remote round, then the tables.  In a
 * batch the other CPUs wait for pmap_batch_end.
 */
static void
inval_done(struct pmap *pm, struct pmap_inval *iv)
{
	struct pmap_inval *b = &pm->pm_pending;
	paddr_t *tail;

	if (iv->npages == 0)
		return;
	if (iv->tables != 0 && iv->here)
		sfence_vma_all();
	if (!pm->pm_batching) {
		inval_remote(pm, iv);
		return;
	}
	b->sva = MIN(b->sva, iv->sva);
	b->eva = MAX(b->eva, iv->eva);
	b->npages += iv->npages;
	for (tail = &iv->tables; *tail != 0; tail = (paddr_t *)pt_kva(*tail))
		;
	*tail = b->tables;
	b->tables = iv->tables;
}

void
pmap_batch_begin(struct pmap *pm)
{
	KASSERT(!pm->pm_batching, "pmap_batch_begin: already batching");
	inval_init(&pm->pm_pending, pm);
	pm->pm_batching = true;
}

void
pmap_batch_end(struct pmap *pm)
{
	KASSERT(pm->pm_batching, "pmap_batch_end without pmap_batch_begin");
	pm->pm_batching = false;
	if (pm->pm_pending.npages != 0)
		inval_remote(pm, &pm->pm_pending);
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
 * Secondary harts still need the identity gigapage to reach the high
 * half: ap_root keeps a copy of boot_root taken before (start.S).
 */
void
pmap_bootstrap(void)
{
	kernel_root = (paddr_t)boot_root - KERNEL_VA_OFFSET;
	memcpy(ap_root, boot_root, PAGE_SIZE);
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

	KASSERT(pm->pm_active == 0, "pmap_destroy: pmap is active");
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
	pt_entry_t *pt = pt_kva(pm->pm_root), *pte, old, new;
	paddr_t newpt[2];
	pt_entry_t *newpte[2];
	struct pmap_inval iv;
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
	old = *pte;
	new = PA_TO_PTE(trunc_page(pa)) | prot_bits(prot);
	*pte = new;
	/*
	 * Flush here even when the old entry was invalid: nothing in the ISA
	 * forbids a hart from caching a translation failure.  Other CPUs
	 * only when the page changes or loses rights (see the top).
	 */
	if ((old & PTE_V) != 0 && (PTE_TO_PA(old) != PTE_TO_PA(new) ||
	    (old & ~new & PTE_RWX) != 0)) {
		inval_init(&iv, pm);
		inval_page(&iv, va);
		inval_done(pm, &iv);
	} else if (curcpu()->ci_pmap == pm)
		sfence_vma_page(va);
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
typedef void pte_fn_t(struct pmap_inval *, vaddr_t, pt_entry_t *,
    pt_entry_t);

static void
pmap_walk(struct pmap *pm, vaddr_t sva, vaddr_t eva, pte_fn_t *fn,
    pt_entry_t arg, struct pmap_inval *iv)
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
				fn(iv, va, pte, arg);
		}
	}
}

static void
remove_one(struct pmap_inval *iv, vaddr_t va, pt_entry_t *pte,
    pt_entry_t arg __unused)
{
	*pte = 0;
	inval_page(iv, va);
}

static void
protect_one(struct pmap_inval *iv, vaddr_t va, pt_entry_t *pte,
    pt_entry_t bits)
{
	pt_entry_t new = (*pte & ~(PTE_RWX | PTE_D)) | bits;

	if (new != *pte) {
		*pte = new;
		inval_page(iv, va);
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
	struct pmap_inval iv;
	vaddr_t va = sva;

	KASSERT(sva <= eva && eva <= VM_MAX_USER, "pmap_remove: bad range");
	inval_init(&iv, pm);
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
			paddr_t pt = PTE_TO_PA(*l1e);

			*l1e = 0;
			pm->pm_ptpages--;
			inval_table(&iv, va, pt);
		} else if ((*l1e & PTE_V) != 0)
			pmap_walk(pm, va, MIN(next, eva), remove_one, 0, &iv);
		va = next;
	}
	inval_done(pm, &iv);
}

void
pmap_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	struct pmap_inval iv;

	if (prot == VM_PROT_NONE) {
		pmap_remove(pm, sva, eva);
		return;
	}
	inval_init(&iv, pm);
	pmap_walk(pm, sva, eva, protect_one,
	    prot_bits(prot) & (PTE_RWX | PTE_D), &iv);
	inval_done(pm, &iv);
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

/*
 * The barriers pair with inval_done()'s: this CPU's bit is in pm_active
 * before satp can lead a walk into pm, and leaves old's only once this
 * CPU's TLB holds nothing of old.
 */
void
pmap_activate(struct pmap *pm)
{
	struct cpu *ci = curcpu();
	struct pmap *old = ci->ci_pmap;
	cpuset_t bit = CPUSET_BIT(ci->ci_id);

	if (pm != NULL && pm != old)
		__atomic_or_fetch(&pm->pm_active, bit, __ATOMIC_SEQ_CST);
	ci->ci_pmap = pm;
	w_satp(SATP_MODE_SV39 |
	    SATP_PPN(pm != NULL ? pm->pm_root : kernel_root));
	sfence_vma_all();
	if (old != NULL && old != pm)
		__atomic_and_fetch(&old->pm_active, ~bit, __ATOMIC_SEQ_CST);
}
