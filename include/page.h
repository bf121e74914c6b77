/*
 * Physical pages.  The buddy allocator in mm/page.c hands out naturally
 * aligned runs of 2^order pages; every page has a reference count that the
 * VM layer uses for copy-on-write.  v_free_count is exact at all times.
 */
#ifndef _PAGE_H_
#define _PAGE_H_

#include "types.h"

#define PG_ZERO		0x1	/* fill the pages with zeroes */

/* One page: 0 and *pa set, or ENOMEM. Reference count starts at 1. */
int	page_alloc(paddr_t *pa, int flags);
/* 2^order contiguous, aligned pages (the first carries the reference count). */
int	page_alloc_order(paddr_t *pa, unsigned order, int flags);
/* Drop one reference; the page (run) goes back to the free lists at zero. */
void	page_free(paddr_t pa);
/* Drop one reference unless it is the last: true (nothing dropped) when it is. */
bool	page_unref(paddr_t pa);
/* The same for each non-zero entry: those dropped are cleared, the last ones stay; their number. */
size_t	page_unref_array(paddr_t *pas, size_t n);
void	page_hold(paddr_t pa);
void	page_hold_array(const paddr_t *pas, size_t n);	/* zeros skipped */
/* Copy n page addresses, taking a reference on each non-zero one. */
void	page_copy_held(paddr_t *restrict dst, const paddr_t *restrict src, size_t n);
void	page_free_array(const paddr_t *pas, size_t n);	/* zeros skipped */
unsigned page_refcount(paddr_t pa);

void	page_init(void);
extern volatile uint64_t v_free_count;
extern uint64_t v_page_count;

#endif /* !_PAGE_H_ */
