/*
 * A fake pmap for host tests of mm/ and core/kstack.c: a small table of
 * va -> pa/prot per pmap, and one for the kernel's pmap_kenter mappings,
 * with counters that let a test see what the kernel asked of it.
 */
#ifndef _FAKE_PMAP_H_
#define _FAKE_PMAP_H_

#include "types.h"

struct pmap;

/* Mappings in [sva, eva) of pm: all of them, and those with `prot` rights among them. */
size_t	fake_pmap_count(struct pmap *pm, vaddr_t sva, vaddr_t eva);
size_t	fake_pmap_count_prot(struct pmap *pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot);
/* pmaps created and not yet destroyed. */
int	fake_pmap_live(void);
/* Make the next n pmap_enter calls fail with ENOMEM (0: none). */
void	fake_pmap_fail_enter(int n);
/* Make the next n pmap_create calls fail (0: none). */
void	fake_pmap_fail_create(int n);
/* How often pmap_protect has been called so far. */
int	fake_pmap_protect_calls(void);
/* Make the next n pmap_copy calls fail with ENOMEM; how many calls there were. */
void	fake_pmap_fail_copy(int n);
int	fake_pmap_copy_calls(void);
/* pmap_kenter's mappings: how many, and the page one maps. */
size_t	fake_pmap_kcount(void);
bool	fake_pmap_kpa(vaddr_t va, paddr_t *pa);
/* Let `after` more pmap_kenter calls succeed, then fail one with ENOMEM (-1: none). */
void	fake_pmap_fail_kenter(int after);

#endif
