/*
 * Sv39 physical maps (pmap.h).  Three levels of 512 entries; user
 * mappings are 4 KiB leaves with PTE_U, reached through root slots
 * 0..255 (VM_MAX_USER is 256 GiB, one root slot per GiB).  Slots 256..511
 * are the kernel's (machdep.h has the layout): built by pmap_bootstrap(),
 * copied into every pmap at creation and never changed afterwards.
 * Intermediate tables are allocated on demand in pmap_enter()
 * and freed by pmap_destroy(), or by pmap_remove() when a range covers
 * all of a leaf table.  No ASIDs: pmap_activate() flushes this CPU's
 * whole TLB.
 *
 * The kernel half is W^X: the image's text is read and execute, its
 * rodata read only, its data and bss read and write (but for the boot
 * stack's guard page, which is not mapped), the direct map read
 * and write (and read only where it aliases the image's text and rodata,
 * so that they cannot be patched through it either); nothing is writable
 * and executable at once.  The kernel-stack region has its level-1 tables
 * from boot, so every pmap shares them; pmap_kenter() fills in leaf
 * tables below them as stacks come and go.
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
 *
 * Shared leaf tables (pmap_copy).  An Sv39 non-leaf entry has no
 * permission bits (R, W and X must be zero there: it would be a leaf), so a
 * range cannot be write-protected from above as on x86-64.  A shared table
 * is therefore read-only in its leaves: fork clears W in every valid leaf
 * of a table the first time it shares it (a step a leaf, the one per-page
 * cost fork has here), then points the child's level-1 entry at the same
 * table and takes a reference on it (the page's count).  While the count
 * is above 1 no pmap writes the table; one that must (table_own) copies it
 * and drops its reference after a full flush, since a hart may still walk
 * the old table through a cached non-leaf entry.  So every leaf of a table
 * with a count above 1 is read-only, and the parent keeps reading all it
 * had mapped, without a fault.
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
#include "riscv.h"

/* Remote flushes of larger spans flush everything. */
#define PMAP_RANGE_PAGES	64

#define UNREF_MAX	16
#define L1_SPAN		(1ul << SV39_SHIFT(1))
#define HOLD_BATCH	64	/* table references pmap_copy takes at once */

/*
 * Lock key: (b) constant once created; (m) the vmspace's lock, held by
 * every caller; (a) atomic operations only.
 */
struct pmap_inval {
	vaddr_t		sva, eva;
	uint64_t	npages;
	paddr_t		tables;		/* dropped private tables */
	unsigned	nunref;
	paddr_t		unref[UNREF_MAX];	/* shared tables this pmap let go */
	bool		full;		/* flush everything, here too */
	bool		here;
};

struct pmap {
	paddr_t		pm_root;	/* (b) physical address of the root */
	unsigned long	pm_ptpages;	/* (m) table pages, root included */
	volatile cpuset_t pm_active;	/* (a) CPUs with this pmap in satp */
	struct pt_bounds pm_bounds;	/* (m) where leaf tables may be */
};

/*
 * In a level-1 entry (RSW, which the walk ignores): every leaf of the
 * table is read-only, so that a fork need not look at them again.
 */
#define PTE_SW_RO	(1ul << 8)

/*
 * The TLB work of one operation: the span of the pages it lowered or
 * removed and their number (512 for each leaf table dropped unread), the
 * private leaf tables it dropped, waiting for the flush and linked through
 * their first entry (a page-aligned address, so an invalid PTE to a stale
 * walk), the shared ones it let go (which it may not write), and whether
 * the pmap is active on this CPU.
 */
static paddr_t kernel_root;	/* (b) the kernel pmap has no struct */

vaddr_t kstack_region_base = KSTACK_REGION_BASE;
size_t kstack_region_size = (size_t)KSTACK_REGION_GIGS * SV39_GIGAPAGE;

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

static bool
table_shared(pt_entry_t l1e)
{
	return (page_refcount(PTE_TO_PA(l1e)) > 1);
}

static void
inval_init(struct pmap_inval *iv, struct pmap *pm)
{
	iv->sva = VM_MAX_USER;
	iv->eva = 0;
	iv->npages = 0;
	iv->tables = 0;
	iv->nunref = 0;
	iv->full = false;
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

static void
inval_span(struct pmap_inval *iv, vaddr_t va)
{
	iv->sva = MIN(iv->sva, va);
	iv->eva = MAX(iv->eva, va + L1_SPAN);
	iv->npages += SV39_NPTE;
}

/*
 * Finish an operation on pm: the full local flush a changed non-leaf entry
 * needs (the walk may have cached it), the remote round, then the tables:
 * private ones freed, shared ones one reference less.  iv is empty again
 * afterwards.
 */
static void
inval_done(struct pmap *pm, struct pmap_inval *iv)
{
	bool full = iv->full || iv->tables != 0 || iv->nunref != 0;
	cpuset_t others;
	paddr_t pt;

	if (iv->npages == 0)
		return;
	if (full && iv->here)
		sfence_vma_all();
	/* The PTE stores before the read of pm_active: see pmap_activate(). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	others = __atomic_load_n(&pm->pm_active, __ATOMIC_RELAXED) &
	    ~CPUSET_BIT(curcpu()->ci_id);
	if (others != 0) {
		if (full || iv->eva - iv->sva > PMAP_RANGE_PAGES * PAGE_SIZE)
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
	for (unsigned i = 0; i < iv->nunref; i++)
		page_free(iv->unref[i]);
	inval_init(iv, pm);
}

/* The leaf table *l1e points at, mapping the 2 MiB at va, leaves pm. */
static void
table_drop(struct pmap *pm, struct pmap_inval *iv, pt_entry_t *l1e, vaddr_t va)
{
	paddr_t pt = PTE_TO_PA(*l1e);
	bool shared = table_shared(*l1e);

	*l1e = 0;
	pm->pm_ptpages--;
	inval_span(iv, va);
	if (!shared) {
		pt_kva(pt)[0] = iv->tables;
		iv->tables = pt;
		return;
	}
	iv->unref[iv->nunref++] = pt;
	if (iv->nunref == UNREF_MAX)
		inval_done(pm, iv);
}

/*
 * Make the leaf table *l1e points at pm's alone, so that pm may write it:
 * a shared one is copied (its leaves are read-only already) and pm's
 * reference on the original goes with iv.  ENOMEM leaves it shared.
 */
static int
table_own(struct pmap *pm, struct pmap_inval *iv, pt_entry_t *l1e, vaddr_t va)
{
	paddr_t pt;

	if (!table_shared(*l1e))
		return (0);
	if (page_alloc(&pt, 0) != 0)
		return (ENOMEM);
	memcpy(pt_kva(pt), pt_kva(PTE_TO_PA(*l1e)), PAGE_SIZE);
	VMCNT_ADD(v_pt_copied, 1);
	inval_span(iv, va & ~(L1_SPAN - 1));
	iv->unref[iv->nunref++] = PTE_TO_PA(*l1e);
	*l1e = PA_TO_PTE(pt) | PTE_V | PTE_SW_RO;
	if (iv->nunref == UNREF_MAX)
		inval_done(pm, iv);
	return (0);
}

/*
 * The level-1 entry for va, or NULL if its gigabyte has no table; *next is
 * the first address past the entry's 2 MiB, or past the missing gigabyte.
 */
static pt_entry_t *
l1e_find(struct pmap *pm, vaddr_t va, vaddr_t *next)
{
	pt_entry_t e = pt_kva(pm->pm_root)[SV39_INDEX(va, 2)];

	if ((e & PTE_V) == 0) {
		*next = (va | (SV39_GIGAPAGE - 1)) + 1;
		return (NULL);
	}
	KASSERT(!PTE_IS_LEAF(e), "pmap: superpage in a user pmap");
	*next = (va | (L1_SPAN - 1)) + 1;
	return (&pt_kva(PTE_TO_PA(e))[SV39_INDEX(va, 1)]);
}

/*
 * The first valid level-1 entry for an address in [*vap, eva), with *vap
 * moved to that address (the start of its 2 MiB, or *vap itself), or NULL
 * if there is none: range walks skip absent tables at a few instructions
 * each.
 */
static pt_entry_t *
l1e_next(struct pmap *pm, vaddr_t *vap, vaddr_t eva)
{
	vaddr_t va = *vap, next;
	pt_entry_t *l1e;

	while (va < eva) {
		if ((va = ptb_skip(&pm->pm_bounds, va)) >= eva)
			break;
		if ((l1e = l1e_find(pm, va, &next)) == NULL) {
			va = next;
			continue;
		}
		while ((*l1e & PTE_V) == 0) {
			va = next;
			next += L1_SPAN;
			if (va >= eva || ptb_past(&pm->pm_bounds, va))
				break;
			l1e++;
		}
		if ((*l1e & PTE_V) != 0 && va < eva) {
			*vap = va;
			return (l1e);
		}
	}
	return (NULL);
}

/* The level-1 entry for va, creating its gigabyte's table if needed. */
static int
l1e_alloc(struct pmap *pm, vaddr_t va, pt_entry_t **l1ep)
{
	pt_entry_t *re = &pt_kva(pm->pm_root)[SV39_INDEX(va, 2)];
	paddr_t pt;

	if ((*re & PTE_V) == 0) {
		if (page_alloc(&pt, PG_ZERO) != 0)
			return (ENOMEM);
		*re = PA_TO_PTE(pt) | PTE_V;
		pm->pm_ptpages++;
		ptb_note_gig(&pm->pm_bounds, va);
	}
	*l1ep = &pt_kva(PTE_TO_PA(*re))[SV39_INDEX(va, 1)];
	return (0);
}

/*
 * A page for good for the kernel's own page tables, before the page
 * allocator exists.  start.S's direct map covers all the RAM physmem
 * has (DMAP_MAX_GIGS), so any free page will do.
 */
static paddr_t
boot_page(void)
{
	return (physmem_steal(PAGE_SIZE, (paddr_t)DMAP_MAX_GIGS * SV39_GIGAPAGE));
}

/*
 * Boot-time kernel mappings, before the page allocator exists: tables
 * come from boot_page(), reached through start.S's direct map.
 */
static pt_entry_t *
boot_table(pt_entry_t *e)
{
	paddr_t pa;

	if ((*e & PTE_V) == 0) {
		pa = boot_page();
		memset(pt_kva(pa), 0, PAGE_SIZE);
		*e = PA_TO_PTE(pa) | PTE_V;
	}
	KASSERT(!PTE_IS_LEAF(*e), "pmap_bootstrap: overlapping kernel mappings");
	return (pt_kva(PTE_TO_PA(*e)));
}

/*
 * Map [va, va + len) to [pa, ...) in root with the leaf bits `bits`, in
 * the largest pages that alignment and length allow: a gigapage, a 2 MiB
 * page, or 4 KiB pages where the rights change within a 2 MiB page.
 * Kernel leaves are global, and their A and D bits preset (D only where
 * writable), so that no hart ever needs to update them.
 */
static void
kmap_boot(pt_entry_t *root, vaddr_t va, paddr_t pa, size_t len,
    pt_entry_t bits)
{
	bits |= PTE_V | PTE_G | PTE_A | ((bits & PTE_W) ? PTE_D : 0);
	while (len > 0) {
		pt_entry_t *pt = root;
		int level;

		for (level = SV39_LEVELS - 1; level > 0; level--) {
			size_t sz = 1ul << SV39_SHIFT(level);

			if (((va | pa) & (sz - 1)) == 0 && len >= sz)
				break;
			pt = boot_table(&pt[SV39_INDEX(va, level)]);
		}
		KASSERT((pt[SV39_INDEX(va, level)] & PTE_V) == 0,
		    "pmap_bootstrap: va mapped twice");
		pt[SV39_INDEX(va, level)] = PA_TO_PTE(pa) | bits;
		va += 1ul << SV39_SHIFT(level);
		pa += 1ul << SV39_SHIFT(level);
		len -= 1ul << SV39_SHIFT(level);
	}
}

/*
 * Build the kernel's page tables and switch to them, on the boot hart
 * before kmain() (machdep.c passes the direct map's end, from the device
 * tree): the direct map [0, dmap_end), the image section by section, the
 * kernel-stack region's level-1 tables.  Then boot_root, start.S's
 * provisional table, becomes the secondaries' way in (start.S): the
 * kernel half of the new root, and the identity gigapage of the image,
 * read and execute only, not global (it is in the user half), for the
 * jump to the high addresses.
 */
void
pmap_bootstrap(paddr_t dmap_end)
{
	paddr_t text = (paddr_t)_text_start - KERNEL_VA_OFFSET;
	paddr_t ro_end = (paddr_t)_rodata_end - KERNEL_VA_OFFSET;
	paddr_t kend = round_page((paddr_t)_kernel_end - KERNEL_VA_OFFSET);
	pt_entry_t *root;
	unsigned i;

	KASSERT(dmap_end > ro_end && (dmap_end & (SV39_GIGAPAGE - 1)) == 0 &&
	    dmap_end <= (paddr_t)DMAP_MAX_GIGS * SV39_GIGAPAGE,
	    "pmap_bootstrap: bad direct map end");
	kernel_root = boot_page();
	root = pt_kva(kernel_root);
	memset(root, 0, PAGE_SIZE);

	kmap_boot(root, DMAP_BASE, 0, text, PTE_R | PTE_W);
	kmap_boot(root, DMAP_BASE + text, text, ro_end - text, PTE_R);
	kmap_boot(root, DMAP_BASE + ro_end, ro_end, dmap_end - ro_end,
	    PTE_R | PTE_W);

	kmap_boot(root, (vaddr_t)_text_start, text,
	    (paddr_t)_text_end - (paddr_t)_text_start, PTE_R | PTE_X);
	kmap_boot(root, (vaddr_t)_text_end, (paddr_t)_text_end - KERNEL_VA_OFFSET,
	    (paddr_t)_rodata_end - (paddr_t)_text_end, PTE_R);
	/*
	 * Data and bss but the boot stack's guard (start.S): unmapped at the
	 * image's address, where the boot stack is addressed, so that its
	 * overflow faults.  Its alias in the direct map stays R+W with the
	 * rest: no stack pointer ever holds a direct-map address of the boot
	 * stack, so unmapping the alias would guard nothing and cost the
	 * direct map its large pages there.
	 */
	kmap_boot(root, (vaddr_t)_rodata_end, ro_end,
	    (vaddr_t)boot_stack_guard - (vaddr_t)_rodata_end, PTE_R | PTE_W);
	kmap_boot(root, (vaddr_t)boot_stack, (paddr_t)boot_stack - KERNEL_VA_OFFSET,
	    kend - ((paddr_t)boot_stack - KERNEL_VA_OFFSET), PTE_R | PTE_W);

	for (i = 0; i < KSTACK_REGION_GIGS; i++)
		(void)boot_table(&root[SV39_INDEX(kstack_region_base, 2) + i]);

	w_satp(SATP_MODE_SV39 | SATP_PPN(kernel_root));
	sfence_vma_all();
	kstack_guard_register((vaddr_t)boot_stack_guard, &lwp0);

	memset(boot_root, 0, PAGE_SIZE);
	memcpy(&boot_root[KERNEL_SLOT_FIRST], &root[KERNEL_SLOT_FIRST],
	    (SV39_NPTE - KERNEL_SLOT_FIRST) * sizeof(pt_entry_t));
	boot_root[SV39_INDEX((vaddr_t)KERNEL_PA, 2)] =
	    PA_TO_PTE((paddr_t)KERNEL_PA & ~(SV39_GIGAPAGE - 1)) |
	    PTE_V | PTE_R | PTE_X | PTE_A;
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
	ptb_init(&pm->pm_bounds);
	root = pt_kva(pm->pm_root);
	memcpy(&root[KERNEL_SLOT_FIRST], &pt_kva(kernel_root)[KERNEL_SLOT_FIRST],
	    (SV39_NPTE - KERNEL_SLOT_FIRST) * sizeof(pt_entry_t));
	return (pm);
}

void
pmap_destroy(struct pmap *pm)
{
	pt_entry_t *root = pt_kva(pm->pm_root), *l1;
	size_t i;
	unsigned j;

	KASSERT(pm->pm_active == 0, "pmap_destroy: pmap is active");
	_Static_assert(PTB_GIGS <= KERNEL_SLOT_FIRST, "user gigabytes below the kernel's");
	for (i = ptb_next_gig(&pm->pm_bounds, 0); i < PTB_GIGS;
	    i = ptb_next_gig(&pm->pm_bounds, i + 1)) {
		if ((root[i] & PTE_V) == 0)
			continue;
		l1 = pt_kva(PTE_TO_PA(root[i]));
		/* The entries become addresses, dropped under one lock. */
		for (j = pm->pm_bounds.lo[i]; j <= pm->pm_bounds.hi[i]; j++) {
			if (l1[j] & PTE_V) {
				l1[j] = PTE_TO_PA(l1[j]);
				pm->pm_ptpages--;
			} else
				l1[j] = 0;
		}
		if (pm->pm_bounds.lo[i] <= pm->pm_bounds.hi[i])
			page_free_array(&l1[pm->pm_bounds.lo[i]],
			    pm->pm_bounds.hi[i] - pm->pm_bounds.lo[i] + 1u);
		page_free(PTE_TO_PA(root[i]));
		pm->pm_ptpages--;
	}
	page_free(pm->pm_root);
	KASSERT(pm->pm_ptpages == 1, "pmap_destroy: page-table page count");
	kfree(pm);
}

/*
 * Entering what a shared table already says (a read fault through the
 * child's copy of the parent's tables) changes nothing and copies nothing;
 * anything else in a shared table copies it first.
 */
int
pmap_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot)
{
	pt_entry_t *l1e, *pte, old, new;
	struct pmap_inval iv;
	paddr_t pt;
	vaddr_t next;

	KASSERT(va >= VM_MIN_USER && va < VM_MAX_USER && (va & PAGE_MASK) == 0,
	    "pmap_enter: bad va");
	if (prot == VM_PROT_NONE) {
		pmap_remove(pm, va, va + PAGE_SIZE);
		return (0);
	}
	new = PA_TO_PTE(trunc_page(pa)) | prot_bits(prot);
	if ((l1e = l1e_find(pm, va, &next)) != NULL && (*l1e & PTE_V) &&
	    pt_kva(PTE_TO_PA(*l1e))[SV39_INDEX(va, 0)] == new && table_shared(*l1e)) {
		/* The fault may have been a stale entry here: flush it, as below. */
		if (curcpu()->ci_pmap == pm)
			sfence_vma_page(va);
		return (0);
	}
	inval_init(&iv, pm);
	if (l1e_alloc(pm, va, &l1e) != 0)
		return (ENOMEM);
	if ((*l1e & PTE_V) == 0) {
		if (page_alloc(&pt, PG_ZERO) != 0)
			return (ENOMEM);
		*l1e = PA_TO_PTE(pt) | PTE_V;
		pm->pm_ptpages++;
		ptb_note(&pm->pm_bounds, va);
	} else if (table_own(pm, &iv, l1e, va) != 0)
		return (ENOMEM);
	if (new & PTE_W)
		*l1e &= ~PTE_SW_RO;
	pte = &pt_kva(PTE_TO_PA(*l1e))[SV39_INDEX(va, 0)];
	old = *pte;
	*pte = new;
	/*
	 * Flush here even when the old entry was invalid: nothing in the ISA
	 * forbids a hart from caching a translation failure.  Other CPUs
	 * only when the page changes or loses rights (see the top).
	 */
	if ((old & PTE_V) != 0 && (PTE_TO_PA(old) != PTE_TO_PA(new) ||
	    (old & ~new & PTE_RWX) != 0))
		inval_page(&iv, va);
	else if (iv.here)
		sfence_vma_page(va);
	inval_done(pm, &iv);
	return (0);
}

/*
 * Where [sva, eva) covers the whole 2 MiB of a leaf table, the table goes
 * at once, without looking at its entries (a pmap holds no references on
 * the pages it maps): removing a large range costs one step per table.
 * Partial tables are cleared entry by entry, a shared one copied first;
 * without memory for that copy the whole table goes from pm, which costs
 * only faults (a pmap is a cache of the map).
 */
void
pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	struct pmap_inval iv;
	pt_entry_t *l1e, *pt;
	vaddr_t va, next, end;

	KASSERT(sva <= eva && eva <= VM_MAX_USER, "pmap_remove: bad range");
	inval_init(&iv, pm);
	for (va = sva; (l1e = l1e_next(pm, &va, eva)) != NULL; va = next) {
		next = (va | (L1_SPAN - 1)) + 1;
		end = MIN(next, eva);
		if (((va & (L1_SPAN - 1)) == 0 && end == next) ||
		    table_own(pm, &iv, l1e, va) != 0) {
			table_drop(pm, &iv, l1e, va & ~(L1_SPAN - 1));
			continue;
		}
		pt = pt_kva(PTE_TO_PA(*l1e));
		for (; va < end; va += PAGE_SIZE) {
			pt_entry_t *pte = &pt[SV39_INDEX(va, 0)];

			if (*pte & PTE_V) {
				*pte = 0;
				inval_page(&iv, va);
			}
		}
	}
	inval_done(pm, &iv);
}

void
pmap_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	pt_entry_t bits = prot_bits(prot) & (PTE_RWX | PTE_D), *l1e, *pt;
	struct pmap_inval iv;
	vaddr_t va, next, end;

	if (prot == VM_PROT_NONE) {
		pmap_remove(pm, sva, eva);
		return;
	}
	KASSERT(sva <= eva && eva <= VM_MAX_USER, "pmap_protect: bad range");
	inval_init(&iv, pm);
	for (va = sva; (l1e = l1e_next(pm, &va, eva)) != NULL; va = next) {
		next = (va | (L1_SPAN - 1)) + 1;
		end = MIN(next, eva);
		if (table_own(pm, &iv, l1e, va) != 0) {
			table_drop(pm, &iv, l1e, va & ~(L1_SPAN - 1));
			continue;
		}
		if (bits & PTE_W)
			*l1e &= ~PTE_SW_RO;
		pt = pt_kva(PTE_TO_PA(*l1e));
		for (; va < end; va += PAGE_SIZE) {
			pt_entry_t *pte = &pt[SV39_INDEX(va, 0)], new;

			if ((*pte & PTE_V) == 0)
				continue;
			new = (*pte & ~(PTE_RWX | PTE_D)) | bits;
			if (new != *pte) {
				*pte = new;
				inval_page(&iv, va);
			}
		}
	}
	inval_done(pm, &iv);
}

/*
 * Clear W in the valid leaves of pt in [va, end): Sv39's non-leaf
 * entries carry no permissions, so fork must write-protect every leaf of
 * a table the parent has written since its last fork (the ISA's price:
 * BENCHMARKS.md, fork_after_write_all).  So the loop has no branch and
 * takes four entries a turn: every entry loses W and D (an invalid user
 * leaf is 0, so a W seen is a valid leaf's, and D means nothing on a
 * read-only one), and `was` gathers them all to say whether any leaf was
 * writable, for the flush, then of everything.
 */
static void
leaves_wp(struct pmap_inval *iv, pt_entry_t *pt, vaddr_t va, vaddr_t end)
{
	pt_entry_t *p = &pt[SV39_INDEX(va, 0)], *e = p + ((end - va) >> PAGE_SHIFT);
	pt_entry_t was = 0, e0, e1, e2, e3;
	const pt_entry_t keep = ~(PTE_W | PTE_D);

	for (; e - p >= 4; p += 4) {
		e0 = p[0];
		e1 = p[1];
		e2 = p[2];
		e3 = p[3];
		was |= e0 | e1 | e2 | e3;
		p[0] = e0 & keep;
		p[1] = e1 & keep;
		p[2] = e2 & keep;
		p[3] = e3 & keep;
	}
	for (; p < e; p++) {
		was |= *p;
		*p &= keep;
	}
	if (!(was & PTE_W))
		return;
	iv->full = true;
	iv->sva = MIN(iv->sva, va);
	iv->eva = MAX(iv->eva, end);
	iv->npages += (end - va) >> PAGE_SHIFT;
}

/*
 * pmap_copy's partial table: dst gets its own table with src's leaves in
 * [va, end), read-only, and src's lose W there.
 */
static int
copy_leaves(struct pmap *dst, struct pmap_inval *iv, pt_entry_t *sl1e, pt_entry_t *dl1e,
    vaddr_t va, vaddr_t end)
{
	pt_entry_t *st = pt_kva(PTE_TO_PA(*sl1e)), *dt;
	paddr_t pt;

	if ((*dl1e & PTE_V) == 0) {
		if (page_alloc(&pt, PG_ZERO) != 0)
			return (ENOMEM);
		*dl1e = PA_TO_PTE(pt) | PTE_V;
		ptb_note(&dst->pm_bounds, va);
		dst->pm_ptpages++;
	}
	dt = pt_kva(PTE_TO_PA(*dl1e));
	for (vaddr_t v = va; v < end; v += PAGE_SIZE)
		if (st[SV39_INDEX(v, 0)] & PTE_V)
			dt[SV39_INDEX(v, 0)] = st[SV39_INDEX(v, 0)] & ~(PTE_W | PTE_D);
	if (!(*sl1e & PTE_SW_RO))
		leaves_wp(iv, st, va, end);
	return (0);
}

/*
 * Fork (pmap.h).  A table wholly inside the range (as far as it lies in
 * the user range) is shared, once its leaves are read-only; one the range
 * only cuts gets a copy of the leaves inside, and src's leaves there lose
 * W.  A table marked PTE_SW_RO (every shared one is) has no writable leaf.
 */
int
pmap_copy(struct pmap *dst, struct pmap *src, vaddr_t sva, vaddr_t eva)
{
	pt_entry_t *sl1e, *dl1e;
	struct pmap_inval iv;
	paddr_t held[HOLD_BATCH];
	int error = 0, nheld = 0, nshared = 0;
	vaddr_t va, next, wlo, whi;

	KASSERT(sva <= eva && eva <= VM_MAX_USER, "pmap_copy: bad range");
	inval_init(&iv, src);
	/* Tables starting in [wlo, whi - L1_SPAN] lie wholly inside the range. */
	wlo = sva <= VM_MIN_USER ? 0 : (sva + L1_SPAN - 1) & ~(L1_SPAN - 1);
	whi = eva == VM_MAX_USER ? VM_MAX_USER : eva & ~(L1_SPAN - 1);
	/* The first table there is, then its neighbours in the same level-1 table. */
	for (va = sva; error == 0 && (sl1e = l1e_next(src, &va, eva)) != NULL; ) {
		vaddr_t gend = MIN((va | (SV39_GIGAPAGE - 1)) + 1, eva);
		vaddr_t first = VM_MAX_USER, last = 0;	/* the run's shared tables */

		if ((error = l1e_alloc(dst, va, &dl1e)) != 0)
			break;
		for (; va < gend; va = next, sl1e++, dl1e++) {
			vaddr_t lo = MAX(va & ~(L1_SPAN - 1), VM_MIN_USER);

			next = (va | (L1_SPAN - 1)) + 1;
			if ((*sl1e & PTE_V) == 0)
				continue;
			if ((va & ~(L1_SPAN - 1)) < wlo || next > whi) {
				if ((error = copy_leaves(dst, &iv, sl1e, dl1e, va,
				    MIN(next, eva))) != 0)
					break;
				continue;
			}
			if (!(*sl1e & PTE_SW_RO)) {
				leaves_wp(&iv, pt_kva(PTE_TO_PA(*sl1e)), lo, next);
				*sl1e |= PTE_SW_RO;
			}
			/*
			 * The references are taken in batches: until then
			 * src's keeps the table, and no other pmap can see
			 * dst's.
			 */
			held[nheld++] = PTE_TO_PA(*sl1e);
			nshared++;
			if (nheld == HOLD_BATCH) {
				page_hold_array(held, nheld);
				nheld = 0;
			}
			*dl1e = *sl1e;
			first = MIN(first, va);
			last = va;
		}
		/* One note for the run: its first and last table bound the ones between. */
		if (first < VM_MAX_USER) {
			ptb_note(&dst->pm_bounds, first);
			ptb_note(&dst->pm_bounds, last);
		}
	}
	dst->pm_ptpages += (unsigned long)nshared;
	page_hold_array(held, nheld);
	VMCNT_ADD(v_pt_shared, (unsigned)nshared);
	inval_done(src, &iv);
	return (error);
}

bool
pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pa, vm_prot_t *prot)
{
	pt_entry_t *l1e, pte;
	vaddr_t next;

	if (va < VM_MIN_USER || va >= VM_MAX_USER)
		return (false);
	if ((l1e = l1e_find(pm, va, &next)) == NULL || (*l1e & PTE_V) == 0)
		return (false);
	pte = pt_kva(PTE_TO_PA(*l1e))[SV39_INDEX(va, 0)];
	if ((pte & PTE_V) == 0)
		return (false);
	if (pa != NULL)
		*pa = PTE_TO_PA(pte) | (va & PAGE_MASK);
	if (prot != NULL)
		*prot = pte_prot(pte);
	return (true);
}

/*
 * The kernel-stack region (pmap.h).  Its level-1 tables exist from boot;
 * a leaf table is made on first use and kept (at most one per 2 MiB of
 * the region), installed with a compare-and-swap so that two CPUs filling
 * the same 2 MiB need no lock: the loser frees its page.  Each va belongs
 * to one caller (a kstack slot), so the leaves themselves are not raced.
 *
 * A new leaf is flushed here only: another hart that cached the entry as
 * invalid (the ISA allows a hart to cache a failed walk) takes a spurious
 * fault, which trap_kernel() answers with a local flush
 * (pmap_kernel_spurious).  A removed one is flushed everywhere before
 * pmap_kremove returns, since its page is about to be reused.
 */
static pt_entry_t *
kstack_l1e(vaddr_t va)
{
	pt_entry_t re = pt_kva(kernel_root)[SV39_INDEX(va, 2)];

	KASSERT(va - kstack_region_base < kstack_region_size &&
	    (va & PAGE_MASK) == 0, "pmap_kenter: va outside the stack region");
	return (&pt_kva(PTE_TO_PA(re))[SV39_INDEX(va, 1)]);
}

int
pmap_kenter(vaddr_t va, paddr_t pa)
{
	pt_entry_t *l1e = kstack_l1e(va), old = 0, *pte;
	paddr_t pt;

	if ((__atomic_load_n(l1e, __ATOMIC_ACQUIRE) & PTE_V) == 0) {
		if (page_alloc(&pt, PG_ZERO) != 0)
			return (ENOMEM);
		if (!__atomic_compare_exchange_n(l1e, &old,
		    PA_TO_PTE(pt) | PTE_V, false, __ATOMIC_ACQ_REL,
		    __ATOMIC_ACQUIRE))
			page_free(pt);
		else
			__atomic_add_fetch(&pmap_ktable_pages, 1, __ATOMIC_RELAXED);
	}
	pte = &pt_kva(PTE_TO_PA(*l1e))[SV39_INDEX(va, 0)];
	KASSERT((*pte & PTE_V) == 0, "pmap_kenter: va already mapped");
	*pte = PA_TO_PTE(trunc_page(pa)) | PTE_V | PTE_R | PTE_W | PTE_G |
	    PTE_A | PTE_D;
	sfence_vma_page(va);
	return (0);
}

void
pmap_kremove(vaddr_t va)
{
	pt_entry_t *l1e = kstack_l1e(va), *pte;
	cpuset_t others;

	if ((*l1e & PTE_V) == 0)
		return;
	pte = &pt_kva(PTE_TO_PA(*l1e))[SV39_INDEX(va, 0)];
	if ((*pte & PTE_V) == 0)
		return;
	*pte = 0;
	sfence_vma_page(va);
	/* The store before the read of cpus_online, as inval_done() does. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	others = __atomic_load_n(&cpus_online, __ATOMIC_RELAXED) &
	    ~CPUSET_BIT(curcpu()->ci_id);
	if (others != 0) {
		sbi_remote_sfence_vma(others, va, PAGE_SIZE);
		smp_shootdown_count((unsigned)__builtin_popcountll(others), 1);
	}
}

/*
 * The kernel's leaf for va, at whichever level it is (a gigapage of the
 * direct map, a 2 MiB page of rodata, a 4 KiB page), or NULL: the walk
 * for pmap_kextract and trap_kernel's spurious-fault check.
 */
static pt_entry_t *
kernel_leaf(vaddr_t va)
{
	pt_entry_t *pt = pt_kva(kernel_root), e;
	int level;

	for (level = SV39_LEVELS - 1; level >= 0; level--) {
		e = pt[SV39_INDEX(va, level)];
		if ((e & PTE_V) == 0)
			return (NULL);
		if (PTE_IS_LEAF(e))
			return (&pt[SV39_INDEX(va, level)]);
		pt = pt_kva(PTE_TO_PA(e));
	}
	return (NULL);
}

/*
 * Sv39 addresses are 39 bits sign-extended: anything else is no address
 * at all, and would alias a valid one in the walk's indices.
 */
static bool
va_canonical(vaddr_t va)
{
	return ((vaddr_t)((int64_t)(va << 25) >> 25) == va);
}

bool
pmap_kextract(vaddr_t va, vm_prot_t *prot)
{
	pt_entry_t *pte;

	if (!va_canonical(va) || va < VM_MAX_USER ||
	    (pte = kernel_leaf(va)) == NULL)
		return (false);
	if (prot != NULL)
		*prot = pte_prot(*pte);
	return (true);
}

/*
 * A kernel page fault at va for an access of the kind prot that the
 * kernel's tables allow: a stale translation of a stack pmap_kenter()
 * made on another CPU.  Flushed here; the caller returns to retry.
 */
bool
pmap_kernel_spurious(vaddr_t va, vm_prot_t prot)
{
	vm_prot_t have;

	if (va - kstack_region_base >= kstack_region_size ||
	    !pmap_kextract(va, &have) || (have & prot) != prot)
		return (false);
	sfence_vma_page(va);
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
