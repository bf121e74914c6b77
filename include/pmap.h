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
 * TLB: every function that removes or lowers a mapping of the pmap that is
 * active on this CPU invalidates the TLB for what it changed before it
 * returns (sfence.vma / invlpg or a full flush); callers never flush.
 *
 * Page-table pages come from page_alloc() and go back with page_free().
 * A pmap never takes or drops references on the pages it maps.
 */
#ifndef _PMAP_H_
#define _PMAP_H_

#include "types.h"

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

/* Make pm the address space of this CPU; NULL selects the kernel-only pmap. */
void	pmap_activate(struct pmap *pm);

/* Called once by kmain() after the page allocator is up. */
void	pmap_init(void);

#endif /* !_PMAP_H_ */
