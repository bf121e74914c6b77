/*
 * Kernel stacks (core/kstack.c): KSTACK_SIZE bytes each, mapped page by
 * page in the region the platform sets aside (pmap.h, kstack_region_base),
 * with an unmapped guard page below every stack, so that an overflow
 * faults instead of running into whatever lies below.
 *
 * The region is cut into slots of KSTACK_SLOT_SIZE: the guard page at the
 * slot's start, the stack above it.  A stack's base (the lowest address,
 * what kstack_alloc returns and lwp_md's md_kstack holds) is its slot's
 * start + PAGE_SIZE; stacks grow down towards the guard.  The pages are
 * not physically contiguous and not in the direct map: kva_to_phys does
 * not apply to a kernel stack.
 *
 * Lock: kstack_lock, a leaf (nothing is taken under it, and it is taken
 * with no other lock held: the pages are allocated, mapped, unmapped and
 * freed outside it).
 */
#ifndef _KSTACK_H_
#define _KSTACK_H_

#include "types.h"

struct lwp;

#define KSTACK_GUARD_SIZE	PAGE_SIZE
#define KSTACK_SLOT_SIZE	(KSTACK_GUARD_SIZE + KSTACK_SIZE)

/*
 * At most this many slots, whatever the region's size: the bitmap is
 * static, and the per-slot record of its pages (16 bytes) is taken from
 * the heap at boot for the slots memory could ever fill.
 */
#define KSTACK_SLOTS_MAX	65536

/* Freed stacks kept mapped for the next kstack_alloc, at most (kstack_cache_max, (b): tests lower it). */
#define KSTACK_CACHE		32
extern unsigned kstack_cache_max;

/*
 * Size the slot allocator from the platform's region (set before
 * kmain()); called once by kmain() after the page allocator is up and
 * before the first lwp_alloc().
 */
void	kstack_init(void);

/*
 * A new kernel stack: *base is its lowest address, [*base, *base +
 * KSTACK_SIZE) is mapped readable and writable, never executable, its
 * contents undefined.  0, or ENOMEM (no free slot, no page, no leaf
 * table), in which case everything taken is given back.  Called with no
 * spinlock held.
 */
int	kstack_alloc(vaddr_t *base);

/*
 * Give back a stack kstack_alloc returned: unmapped on every CPU, then its
 * pages and its slot freed.  No CPU may be running on it any more (the
 * scheduler frees a dead lwp's stack only once its CPU is off it;
 * proc_reap waits with lwp_wait_off_cpu).  Called with no spinlock held.
 */
void	kstack_free(vaddr_t base);

/*
 * A guard page outside the region: the page at guard_va (page-aligned),
 * which the platform leaves unmapped, under the stack of owner that
 * begins at guard_va + KSTACK_GUARD_SIZE.  For stacks the region does not
 * hold, such as the boot stack lwp0 keeps: each platform registers its
 * boot stack's guard once the kernel's own tables (which leave it
 * unmapped) are live.  Boot CPU only, before any other CPU runs; at most
 * KSTACK_GUARDS_EXTRA of them.
 */
#define KSTACK_GUARDS_EXTRA	4
void	kstack_guard_register(vaddr_t guard_va, struct lwp *owner);

/*
 * Whether va lies in the guard page of some slot of the region or in a
 * registered guard: what a platform's kernel page-fault handler asks
 * before calling kstack_overflow().  Arithmetic and a few loads, no lock:
 * safe on any stack, at any time, from a trap.
 */
bool	kstack_is_guard(vaddr_t va);

/*
 * Panic with "kernel stack overflow", naming curlwp (tid, pid, p_comm),
 * the faulting address and the stack it guards (kstack_is_guard(fault_va)
 * must hold), and whether that is curlwp's own.  Runs on whatever stack
 * the platform's trap handler switched to (x86_64 #DF's IST stack, the
 * riscv64 trap entry's emergency stack): small, no allocation, no lock
 * but panic's own.
 */
__noreturn void kstack_overflow(vaddr_t fault_va);

/* (a) Stacks handed out and not yet freed: sysctl vm.kstack.inuse. */
extern volatile unsigned kstack_inuse;
/* (a) Pages of the stacks kept mapped for reuse: vm.kstack.cached_pages (leak checks add them). */
extern volatile unsigned kstack_cached_pages;
/* (b) Slots in the region (0: the platform set none aside): vm.kstack.slots. */
extern unsigned kstack_nslots;

#endif /* !_KSTACK_H_ */
