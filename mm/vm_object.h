/*
 * Anonymous memory objects (mm/ internal).
 */
#ifndef _MM_VM_OBJECT_H_
#define _MM_VM_OBJECT_H_

#include "vm.h"

struct vm_object *vm_object_alloc(size_t npages);
void	vm_object_hold(struct vm_object *);
void	vm_object_release(struct vm_object *);
bool	vm_object_shared(struct vm_object *);
/* Drop the pages in [first, first + n) and clear their slots. */
void	vm_object_free_range(struct vm_object *, size_t first, size_t n);
/* Copy-on-write: a new object sharing [first, first + n) of src's pages. */
struct vm_object *vm_object_copy(struct vm_object *src, size_t first, size_t n);
paddr_t	vm_object_lookup(struct vm_object *, size_t idx, bool *private);
int	vm_object_slot(struct vm_object *, size_t idx, paddr_t **slotp);

struct vm_map_entry *vm_entry_alloc(vaddr_t start, vaddr_t end, vm_prot_t prot,
	    unsigned flags, struct vm_object *obj, size_t obj_off);
void	vm_entry_free(struct vm_map_entry *);

#endif
