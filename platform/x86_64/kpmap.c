/*
 * The kernel half of every address space (x86.h gives the layout): drawn
 * once at boot in place of start.S's tables, and changed afterwards only
 * in the kernel-stack region (pmap_kenter, pmap_kremove).
 *
 * W^X.  No kernel page is both writable and executable.  The image has
 * 4 KiB pages with each section's rights (kernel.ld): text R+X, the PVH
 * note and rodata R, data and bss R+W (the boot page tables and boot
 * stack, the per-CPU GDTs, TSSs and double-fault stacks live there), but
 * for the boot stack's guard page, which is not mapped (map_image).  The
 * direct map is R+W and never executable, with 2 MiB pages, except where
 * it aliases the image's text and rodata: those it maps read-only, with
 * 4 KiB pages, so that no kernel address writes code or constants.  The
 * kernel-stack region is R+W.  NX needs EFER.NXE, which start.S and
 * mpboot.S set on every CPU when CPUID has NX; CR0.WP, which they set
 * too, makes read-only pages read-only to the kernel itself.
 *
 * The direct map covers [0, x86_dmap_end): every RAM range of the PVH
 * memory map, and the first 4 GiB whatever they hold (the local APIC,
 * ACPI tables).  A 2 MiB page without RAM is uncached (MMIO).
 *
 * Kernel stacks.  PML4 slot PML4_KSTACK points from boot at a
 * page-directory-pointer table that every pmap copies with the rest of the
 * upper half (pmap_create, mp.c's bring-up PML4), so the directories and
 * leaf tables pmap_kenter adds later show in every address space at once.
 * They stay until the machine stops: core/kstack.c reuses the region's
 * slots, and its tables are a few pages per thousand stacks.
 *
 * Kernel entries are not global (CR4.PGE stays off): a CR3 load flushes
 * them too, which costs nothing under TCG, where a CR3 write empties the
 * whole software TLB anyway.
 *
 * Lock key: (b) set at boot, constant after; (k) kpmap_lock.  kpmap_lock
 * covers the kernel-stack region's tables and is a leaf: page_alloc,
 * page_free and the shootdown happen outside it.  pmap_kextract reads
 * without it: tables are never freed and an entry is one 64-bit store.
 */
#include "hal.h"
#include "kernel.h"
#include "kstack.h"
#include "page.h"
#include "physmem.h"
#include "pmap.h"
#include "proc.h"
#include "smp.h"
#include "x86.h"

#define KPTP_BITS	(PG_P | PG_RW)	/* kernel tables: the leaf decides */
#define PG_UNCACHED	(PG_PCD | PG_PWT)
#define PD_SPAN		(1ul << PDRSHIFT)
#define PDP_SPAN	(1ul << PDPSHIFT)

_Static_assert(((KSTACK_REGION_BASE >> PML4SHIFT) & (NPTEPG - 1)) == PML4_KSTACK,
    "the kernel-stack region is PML4 slot PML4_KSTACK");
_Static_assert(KSTACK_REGION_SIZE <= (1ul << PML4SHIFT) &&
    (KSTACK_REGION_BASE & ((1ul << PML4SHIFT) - 1)) == 0,
    "the kernel-stack region fits its PML4 slot");
_Static_assert(((DMAP_BASE >> PML4SHIFT) & (NPTEPG - 1)) == PML4_KERNEL &&
    DMAP_BASE + DMAP_MAX <= KSTACK_REGION_BASE,
    "the direct map ends below the kernel-stack region");

vaddr_t kstack_region_base = KSTACK_REGION_BASE;
size_t kstack_region_size = KSTACK_REGION_SIZE;
paddr_t x86_dmap_end;		/* (b) */
uint64_t *x86_kernel_pml4;	/* (b) direct-mapped */
paddr_t x86_kernel_pml4_pa;	/* (b) */

static uint64_t kpg_nx;		/* (b) PG_NX when EFER.NXE is on, else 0 */
static struct spinlock kpmap_lock = SPINLOCK_INIT("kpmap");

/*
 * A zeroed page for good for the kernel's page tables, before the page
 * allocator exists: from RAM start.S's direct map (the first 4 GiB)
 * reaches.
 */
static paddr_t
boot_page(void)
{
	paddr_t pa = physmem_steal(PAGE_SIZE, DMAP_BOOT_SIZE);

	memset(phys_to_kva(pa), 0, PAGE_SIZE);
	return (pa);
}

/* The table *entry points at; a new one from boot_page() if none. */
static uint64_t *
boot_table(uint64_t *entry)
{
	if (!(*entry & PG_P))
		*entry = boot_page() | KPTP_BITS;
	return (phys_to_kva(*entry & PG_FRAME));
}

/*
 * The entry that maps va at the level whose entries span 1 << shift
 * (PAGE_SHIFT: a leaf, PDRSHIFT: a page-directory entry), in the kernel
 * PML4 being drawn, with the tables above it made as needed.
 */
static uint64_t *
boot_entry(vaddr_t va, int shift)
{
	uint64_t *t = x86_kernel_pml4;
	int s;

	for (s = PML4SHIFT; s > shift; s -= 9)
		t = boot_table(&t[(va >> s) & (NPTEPG - 1)]);
	return (&t[(va >> shift) & (NPTEPG - 1)]);
}

/*
 * The rights of the image's page at va: in its own mapping, or in the
 * direct map's alias of it, which never executes.
 */
static uint64_t
image_bits(vaddr_t va, bool alias)
{
	if (va >= (vaddr_t)__data_start)
		return (PG_P | PG_RW | kpg_nx);
	if (va >= (vaddr_t)__text_start && va < (vaddr_t)__rodata_start && !alias)
		return (PG_P);
	return (PG_P | kpg_nx);
}

/*
 * Every page of the image but the boot stack's guard (start.S), which
 * stays unmapped here, where the boot stack is addressed, so that its
 * overflow faults.  Its alias in the direct map stays R+W like the rest
 * of .bss (map_dmap): no stack pointer ever holds a direct-map address of
 * the boot stack, so unmapping the alias would guard nothing, and it
 * could cost the direct map a 2 MiB page.
 */
static void
map_image(void)
{
	vaddr_t va;

	for (va = (vaddr_t)__kernel_start; va < (vaddr_t)__kernel_end;
	    va += PAGE_SIZE)
		if (va != (vaddr_t)boot_stack_guard)
			*boot_entry(va, PAGE_SHIFT) = (va - KERNBASE) |
			    image_bits(va, false);
}

static void
map_dmap(void)
{
	paddr_t ib = trunc_page((vaddr_t)__kernel_start - KERNBASE);
	paddr_t ie = round_page((vaddr_t)__data_start - KERNBASE);
	paddr_t pa, p;
	uint64_t bits;

	x86_dmap_end = (MAX(physmem_ram_end(), DMAP_BOOT_SIZE) + PDP_SPAN - 1) &
	    ~(PDP_SPAN - 1);
	for (pa = 0; pa < x86_dmap_end; pa += PD_SPAN) {
		bits = PG_P | PG_RW | kpg_nx |
		    (physmem_ram_overlaps(pa, PD_SPAN) ? 0 : PG_UNCACHED);
		if (pa >= ie || pa + PD_SPAN <= ib) {
			*boot_entry(DMAP_BASE + pa, PDRSHIFT) = pa | bits | PG_PS;
			continue;
		}
		for (p = pa; p < pa + PD_SPAN; p += PAGE_SIZE)
			*boot_entry(DMAP_BASE + p, PAGE_SHIFT) = p |
			    (p >= ib && p < ie ? image_bits(p + KERNBASE, true) : bits);
	}
}

/*
 * Called by x86_start() on the boot CPU, after the PVH memory map is known
 * and before the page allocator exists: draw the kernel half in a new
 * PML4 (its tables from boot_page()) and switch to it.  start.S's
 * tables stay for mp.c, whose bring-up PML4 borrows their identity map.
 */
void
x86_kpmap_bootstrap(void)
{
	KASSERT(rcr0() & CR0_WP, "start.S sets CR0.WP");
	kpg_nx = (rdmsr(MSR_EFER) & EFER_NXE) ? PG_NX : 0;
	x86_kernel_pml4_pa = boot_page();
	x86_kernel_pml4 = phys_to_kva(x86_kernel_pml4_pa);
	map_dmap();
	map_image();
	(void)boot_table(&x86_kernel_pml4[PML4_KSTACK]);
	lcr3(x86_kernel_pml4_pa);
	kstack_guard_register((vaddr_t)boot_stack_guard, &lwp0);
	printf("x86: direct map %lu MiB (RAM up to %#lx), kernel W^X%s\n",
	    x86_dmap_end >> 20, physmem_ram_end(),
	    kpg_nx != 0 ? "" : " but data executable: the CPU has no NX");
}

/*
 * The leaf entry for va in the kernel-stack region, kpmap_lock held.  A
 * missing directory or leaf table is made from *spare (which is then 0),
 * or, when there is none (spare NULL or *spare 0), the answer is NULL.
 */
static uint64_t *
kpte(vaddr_t va, paddr_t *spare)
{
	uint64_t *t = x86_kernel_pml4, *e;
	int s;

	KASSERT(spin_held(&kpmap_lock), "kpte: kpmap_lock");
	for (s = PML4SHIFT; s > PAGE_SHIFT; s -= 9) {
		e = &t[(va >> s) & (NPTEPG - 1)];
		if (!(*e & PG_P)) {
			KASSERT(s != PML4SHIFT, "the region's PML4 entry is made at boot");
			if (spare == NULL || *spare == 0)
				return (NULL);
			*e = *spare | KPTP_BITS;
			*spare = 0;
		}
		t = phys_to_kva(*e & PG_FRAME);
	}
	return (&t[(va >> PAGE_SHIFT) & (NPTEPG - 1)]);
}

static void
kinval_remote(void *arg)
{
	invlpg((vaddr_t)arg);
}

/*
 * Flush va on every CPU: a kernel mapping is in every address space, so
 * any CPU may cache it whatever it runs.
 */
static void
kinval(vaddr_t va)
{
	cpuset_t others = __atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE) &
	    ~CPUSET_BIT(curcpu()->ci_id);

	invlpg(va);
	if (others != 0) {
		smp_call(others, kinval_remote, (void *)va);
		smp_shootdown_count((unsigned)__builtin_popcountll(others), 1);
	}
}

static void
kregion_check(vaddr_t va)
{
	KASSERT(va >= kstack_region_base &&
	    va - kstack_region_base < kstack_region_size &&
	    (va & PAGE_MASK) == 0, "pmap_kenter/kremove: va outside the region");
}

/*
 * pmap.h.  A table it lacks is allocated with the lock dropped, and the
 * walk retried: another CPU may have made it meanwhile, and then the page
 * goes back.  Mapping over a mapping flushes the old one everywhere.
 */
int
pmap_kenter(vaddr_t va, paddr_t pa)
{
	paddr_t spare = 0;
	uint64_t *pte, old;
	bool took = false;

	kregion_check(va);
	KASSERT((pa & PAGE_MASK) == 0, "pmap_kenter: pa not page-aligned");
	spin_lock(&kpmap_lock);
	while ((pte = kpte(va, &spare)) == NULL) {
		spin_unlock(&kpmap_lock);
		if (page_alloc(&spare, PG_ZERO) != 0)
			return (ENOMEM);
		took = true;
		spin_lock(&kpmap_lock);
	}
	old = *pte;
	*pte = pa | PG_P | PG_RW | PG_A | PG_D | kpg_nx;
	spin_unlock(&kpmap_lock);
	if (spare != 0)
		page_free(spare);
	else if (took)
		__atomic_add_fetch(&pmap_ktable_pages, 1, __ATOMIC_RELAXED);
	if ((old & PG_P) && (old & PG_FRAME) != pa)
		kinval(va);
	return (0);
}

void
pmap_kremove(vaddr_t va)
{
	uint64_t *pte, old = 0;

	kregion_check(va);
	spin_lock(&kpmap_lock);
	if ((pte = kpte(va, NULL)) != NULL) {
		old = *pte;
		*pte = 0;
	}
	spin_unlock(&kpmap_lock);
	if (old & PG_P)
		kinval(va);
}

/*
 * pmap.h.  The rights are what a walk grants: write if every level has
 * R/W, execute if none has NX; a 1 GiB or 2 MiB page ends the walk.
 */
bool
pmap_kextract(vaddr_t va, vm_prot_t *prot)
{
	uint64_t *t = x86_kernel_pml4, e, rw = PG_RW, nx = 0;
	int s;

	if (va < DMAP_BASE)
		return (false);		/* user half, or not canonical */
	for (s = PML4SHIFT; ; s -= 9) {
		e = t[(va >> s) & (NPTEPG - 1)];
		if (!(e & PG_P))
			return (false);
		rw &= e;
		nx |= e & PG_NX;
		if (s == PAGE_SHIFT || (s <= PDPSHIFT && (e & PG_PS)))
			break;
		t = phys_to_kva(e & PG_FRAME);
	}
	if (prot != NULL)
		*prot = VM_PROT_READ | ((rw & PG_RW) ? VM_PROT_WRITE : 0) |
		    (nx != 0 ? 0 : VM_PROT_EXEC);
	return (true);
}
