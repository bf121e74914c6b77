/*
 * Physical memory at boot (mm/physmem.c, after FreeBSD's subr_physmem.c):
 * the one place that knows which RAM the page allocator may have.  The
 * platform, during start-up and before kmain(), registers the RAM it
 * found (device tree, boot loader's memory map) and every part of it
 * still in use (firmware, the kernel image, the device tree, its boot page
 * tables), and takes pages for good through physmem_steal() while no page
 * allocator exists.  page_init() then reads what is left; from that first
 * physmem_foreach() on, the tables are fixed.
 *
 * All of it runs on the boot CPU before any other starts, so there is no
 * lock.  Ranges are [base, base + len); each table holds at most
 * PHYSMEM_MAX_RANGES separate ranges (touching ones merge) and panics
 * past that.
 */
#ifndef _PHYSMEM_H_
#define _PHYSMEM_H_

#include "types.h"

#define PHYSMEM_MAX_RANGES	32

/* RAM: shrunk to whole pages when the free list is made. */
void	physmem_add_ram(paddr_t base, size_t len);

/* Memory the page allocator must never see: widened to whole pages. */
void	physmem_exclude(paddr_t base, size_t len);

/*
 * The lowest len bytes (a multiple of PAGE_SIZE) of free memory that lie
 * wholly below `limit` (what the boot mapping reaches), excluded for good.
 * Not zeroed.  Panics if there are none.
 */
paddr_t	physmem_steal(size_t len, paddr_t limit);

/*
 * Call fn once for each free range, in ascending order: RAM less every
 * exclusion, page-aligned, neither empty nor touching the next.  No
 * exclusion or steal may follow.
 */
void	physmem_foreach(void (*fn)(paddr_t base, size_t len));

/* The end of the highest RAM range, free or not; 0 before any. */
paddr_t	physmem_ram_end(void);

/* Whether any RAM, free or not, lies in [base, base + len). */
bool	physmem_ram_overlaps(paddr_t base, size_t len);

#endif /* !_PHYSMEM_H_ */
