/*
 * Physical maps: the machine-dependent half of an address space, FreeBSD's
 * pmap(9) in spirit.  The machine-independent VM (mm/) decides what is
 * mapped; a pmap only holds the hardware page tables that say so.
 *
 * All ranges are half-open [start, end), page-aligned, and inside
 * [VM_MIN_USER, VM_MAX_USER): a pmap describes user mappings only; the
 * kernel half (direct map and kernel image) is present, supervisor-only, in
 * every pmap and never changes after boot.
 *
 * TLB, on every CPU: a pmap knows the CPUs it is active on (pmap_activate
 * keeps the set and curcpu()->ci_pmap).  Every function that removes or
 * lowers a mapping, or replaces one with another page, invalidates what it
 * changed on each of those CPUs before it returns: locally, and on the
 * others in one round per call (an IPI cross-call on x86_64, SBI's remote
 * sfence.vma on riscv64), counted in vm.stats.sys.v_ipi_shootdown.  A
 * pmap active only here costs no IPI.  Page-table pages a call drops are
 * freed only after that round.  Raising the rights of the same page is
 * flushed only here: elsewhere a stale entry costs at most one spurious
 * fault, which vm_fault answers by entering the mapping again (so it must
 * always call pmap_enter for an access the map allows).  Callers never
 * flush, and hold the vmspace's map lock around every call on a user pmap;
 * pmap_activate takes no lock.
 *
 * Page-table pages come from page_alloc() and go back with page_free(),
 * their reference count being the number of pmaps that use them
 * (pmap_copy).  A pmap never takes or drops references on the pages it
 * maps: every page a pmap maps, in a table of its own or a shared one, is
 * held by an object of the vmspace that pmap belongs to.
 */
#ifndef _PMAP_H_
#define _PMAP_H_

#include "types.h"
#include "vmparam.h"

struct pmap;

/* A new, empty user pmap with the kernel half installed; NULL when out of memory. */
struct pmap *pmap_create(void);

/*
 * Free every page-table page of pm and pm itself.  pm must not be active;
 * its mappings need not have been removed first.
 */
void	pmap_destroy(struct pmap *pm);

/*
 * Map va to pa with prot (VM_PROT_*, user-accessible), replacing any
 * mapping va had.  Returns 0, or ENOMEM when a page-table page could not be
 * allocated, in which case the pmap is as it was.
 */
int	pmap_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot);

/* Remove every mapping in [sva, eva); absent ones are skipped. */
void	pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva);

/*
 * Set the protection of every existing mapping in [sva, eva) to prot;
 * VM_PROT_NONE removes them.  Used to lower rights (copy-on-write).
 */
void	pmap_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot);

/*
 * Look va up.  True if mapped, with the physical address of va (page
 * offset kept) and the protection in *pa and *prot (either may be NULL).
 */
bool	pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pa, vm_prot_t *prot);

/*
 * Fork: dst (new, empty, active nowhere) gets src's mappings in
 * [sva, eva), and they lose their write right in both pmaps, so that the
 * first write by either side faults and vm_fault decides (copy-on-write).
 * Page-table pages wholly inside the range are not copied but shared: each
 * pmap holds a reference, and any call that would change a shared table
 * (pmap_enter, pmap_remove, pmap_protect) first gives the calling pmap a
 * copy of its own, so neither sees the other's changes.  So fork costs a
 * step per table, not per page, and neither side faults to read what the
 * parent had mapped.  How a table is write-protected differs per
 * architecture (see each pmap.c).  One shootdown round for src per call.
 * ENOMEM when a table could not be had: dst holds what it got so far (to
 * be destroyed), src's rights may be lowered, which costs spurious faults
 * only.
 */
int	pmap_copy(struct pmap *dst, struct pmap *src, vaddr_t sva, vaddr_t eva);

/*
 * What one leaf page table maps (512 entries of 4 KiB on both platforms):
 * the unit pmap_copy shares, and what vm_fork rounds its ranges to.
 */
#define PMAP_TABLE_SPAN	(512 * PAGE_SIZE)

/*
 * Kernel mappings outside the direct map, in a region the platform sets
 * aside at boot for kernel stacks ([kstack_region_base, +size), whose
 * upper-level tables exist from boot and are shared by every pmap, so
 * that a mapping made there is seen in every address space).  Used by
 * core/kstack.c, which keeps an unmapped guard page under each stack.
 * pmap_kenter maps va to pa supervisor-only, readable and writable, never
 * executable: 0, or ENOMEM when a leaf table could not be had (nothing
 * changed); a leaf table it makes is never freed (pmap_ktable_pages).  pmap_kremove unmaps va and invalidates it on every CPU
 * before it returns.  Neither is called with any spinlock held but
 * kmem's own callers' (they may take the page lock).
 */
extern vaddr_t kstack_region_base;
extern size_t kstack_region_size;
/*
 * The leaf tables pmap_kenter has made in the region, which stay (a
 * high-water mark, like the heap's slabs): each platform adds to it,
 * vm.kstack.table_pages shows it, and leak checks count it back.
 */
extern volatile unsigned pmap_ktable_pages;
int	pmap_kenter(vaddr_t va, paddr_t pa);
void	pmap_kremove(vaddr_t va);

/*
 * The kernel's own mapping of va (any kernel address: image, direct map,
 * kernel stacks): true if mapped, with its rights in *prot (VM_PROT_*),
 * for the W^X test's debug knob.
 */
bool	pmap_kextract(vaddr_t va, vm_prot_t *prot);

/* Make pm the address space of this CPU; NULL selects the kernel-only pmap. */
void	pmap_activate(struct pmap *pm);

#endif /* !_PMAP_H_ */
