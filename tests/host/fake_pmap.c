/*
 * A fake pmap for host tests of mm/: each pmap is a table of va -> pa/prot
 * entries, so a test can read back exactly what the machine-independent VM
 * mapped, with which rights, and check the contract of include/pmap.h.
 * The tables come from the host heap, not from page_alloc(): page counts in
 * the tests then measure mm/ alone.
 */
#include "fake_pmap.h"
#include "host_libc.h"
#include "kernel.h"
#include "pmap.h"

#define FAKE_PMAP_SLOTS	8192

struct fake_pte {
	vaddr_t		va;		/* page-aligned; 0 = free slot */
	paddr_t		pa;
	vm_prot_t	prot;
};

struct pmap {
	struct fake_pte	pte[FAKE_PMAP_SLOTS];
	size_t		n;		/* slots in use */
};

static int live, fail_enter, fail_create, fail_copy, protect_calls, copy_calls;

/*
 * The kernel's mappings outside the direct map (pmap_kenter's), kept as
 * one more table; the region is whatever the test sets.
 */
static struct pmap kernel_pmap;
static int kenter_fail_after = -1;
vaddr_t kstack_region_base;
size_t kstack_region_size;

static struct fake_pte *
lookup(struct pmap *pm, vaddr_t va)
{
	for (size_t i = 0; i < FAKE_PMAP_SLOTS; i++)
		if (pm->pte[i].va == va)
			return (&pm->pte[i]);
	return (NULL);
}

static void
check_range(vaddr_t sva, vaddr_t eva)
{
	KASSERT((sva & PAGE_MASK) == 0 && (eva & PAGE_MASK) == 0, "unaligned pmap range");
	KASSERT(sva <= eva && sva >= VM_MIN_USER && eva <= VM_MAX_USER,
	    "pmap range outside the user space");
}

struct pmap *
pmap_create(void)
{
	struct pmap *pm;

	if (fail_create > 0) {
		fail_create--;
		return (NULL);
	}
	if ((pm = calloc(1, sizeof(*pm))) != NULL)
		live++;
	return (pm);
}

void
pmap_destroy(struct pmap *pm)
{
	KASSERT(live > 0, "pmap destroyed twice");
	live--;
	free(pm);
}

int
pmap_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot)
{
	struct fake_pte *pte;

	check_range(va, va + PAGE_SIZE);
	KASSERT((pa & PAGE_MASK) == 0 && pa != 0, "pmap_enter of a bad physical address");
	if (fail_enter > 0) {
		fail_enter--;
		return (ENOMEM);
	}
	if ((pte = lookup(pm, va)) == NULL) {
		if ((pte = lookup(pm, 0)) == NULL)
			return (ENOMEM);
		pm->n++;
	}
	pte->va = va;
	pte->pa = pa;
	pte->prot = prot;
	return (0);
}

void
pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	check_range(sva, eva);
	for (size_t i = 0; i < FAKE_PMAP_SLOTS; i++) {
		if (pm->pte[i].va != 0 && pm->pte[i].va >= sva && pm->pte[i].va < eva) {
			pm->pte[i].va = 0;
			pm->n--;
		}
	}
}

/*
 * The contract, without the sharing: dst gets src's mappings, read-only,
 * and src's lose their write right.  Calls are counted, so that a test
 * can see fork makes one.
 */
int
pmap_copy(struct pmap *dst, struct pmap *src, vaddr_t sva, vaddr_t eva)
{
	check_range(sva, eva);
	copy_calls++;
	if (fail_copy > 0) {
		fail_copy--;
		return (ENOMEM);
	}
	for (size_t i = 0; i < FAKE_PMAP_SLOTS; i++) {
		struct fake_pte *pte = &src->pte[i];

		if (pte->va == 0 || pte->va < sva || pte->va >= eva)
			continue;
		KASSERT(lookup(dst, pte->va) == NULL, "pmap_copy over a mapping dst has");
		pte->prot &= ~VM_PROT_WRITE;
		*lookup(dst, 0) = *pte;
		dst->n++;
	}
	return (0);
}

void
pmap_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	check_range(sva, eva);
	protect_calls++;
	if (prot == VM_PROT_NONE) {
		pmap_remove(pm, sva, eva);
		return;
	}
	for (size_t i = 0; i < FAKE_PMAP_SLOTS; i++)
		if (pm->pte[i].va != 0 && pm->pte[i].va >= sva && pm->pte[i].va < eva)
			pm->pte[i].prot = prot;
}

bool
pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pa, vm_prot_t *prot)
{
	struct fake_pte *pte;

	if (trunc_page(va) == 0 || (pte = lookup(pm, trunc_page(va))) == NULL)
		return (false);
	if (pa != NULL)
		*pa = pte->pa | (va & PAGE_MASK);
	if (prot != NULL)
		*prot = pte->prot;
	return (true);
}

void
pmap_activate(struct pmap *pm __unused)
{
}

static void
check_kva(vaddr_t va)
{
	KASSERT((va & PAGE_MASK) == 0, "unaligned kernel mapping");
	KASSERT(va >= kstack_region_base && va - kstack_region_base < kstack_region_size,
	    "pmap_kenter/kremove outside the kernel-stack region");
}

int
pmap_kenter(vaddr_t va, paddr_t pa)
{
	struct fake_pte *pte;

	check_kva(va);
	KASSERT((pa & PAGE_MASK) == 0 && pa != 0, "pmap_kenter of a bad physical address");
	KASSERT(lookup(&kernel_pmap, va) == NULL, "pmap_kenter over a mapping");
	if (kenter_fail_after == 0) {
		kenter_fail_after = -1;
		return (ENOMEM);
	}
	if (kenter_fail_after > 0)
		kenter_fail_after--;
	if ((pte = lookup(&kernel_pmap, 0)) == NULL)
		return (ENOMEM);
	*pte = (struct fake_pte){ va, pa, VM_PROT_READ | VM_PROT_WRITE };
	kernel_pmap.n++;
	return (0);
}

void
pmap_kremove(vaddr_t va)
{
	struct fake_pte *pte;

	check_kva(va);
	KASSERT((pte = lookup(&kernel_pmap, va)) != NULL, "pmap_kremove of nothing");
	pte->va = 0;
	kernel_pmap.n--;
}

bool
pmap_kextract(vaddr_t va, vm_prot_t *prot)
{
	struct fake_pte *pte;

	if (trunc_page(va) == 0 || (pte = lookup(&kernel_pmap, trunc_page(va))) == NULL)
		return (false);
	if (prot != NULL)
		*prot = pte->prot;
	return (true);
}

size_t
fake_pmap_kcount(void)
{
	return (kernel_pmap.n);
}

bool
fake_pmap_kpa(vaddr_t va, paddr_t *pa)
{
	struct fake_pte *pte;

	if ((pte = lookup(&kernel_pmap, trunc_page(va))) == NULL)
		return (false);
	*pa = pte->pa;
	return (true);
}

void
fake_pmap_fail_kenter(int after)
{
	kenter_fail_after = after;
}

size_t
fake_pmap_count_prot(struct pmap *pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	size_t n = 0;

	for (size_t i = 0; i < FAKE_PMAP_SLOTS; i++)
		if (pm->pte[i].va != 0 && pm->pte[i].va >= sva && pm->pte[i].va < eva &&
		    (pm->pte[i].prot & prot) == prot)
			n++;
	return (n);
}

size_t
fake_pmap_count(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	return (fake_pmap_count_prot(pm, sva, eva, VM_PROT_NONE));
}

int
fake_pmap_live(void)
{
	return (live);
}

void
fake_pmap_fail_enter(int n)
{
	fail_enter = n;
}

void
fake_pmap_fail_create(int n)
{
	fail_create = n;
}

int
fake_pmap_protect_calls(void)
{
	return (protect_calls);
}

void
fake_pmap_fail_copy(int n)
{
	fail_copy = n;
}

int
fake_pmap_copy_calls(void)
{
	return (copy_calls);
}
