/*
 * Duplicating an address space for fork, in time proportional to the
 * number of entries and page-table pages, not to the memory mapped.
 * Private entries become copy-on-write: the child's entry shares the
 * parent's object and both are marked ME_NEEDS_COPY (see vm.h); the parent
 * loses its mappings of writable private entries, so that its next write
 * faults.  The child starts with an empty pmap and faults its pages in as
 * it touches them.  Shared entries keep pointing at the same object.
 */
#include "pmap.h"
#include "vm_object.h"

static struct vm_map_entry *
entry_fork(struct vmspace *parent, struct vm_map_entry *e)
{
	unsigned flags = e->flags;
	struct vm_map_entry *ne;

	if (!(flags & ME_SHARED))
		flags |= ME_NEEDS_COPY;
	ne = vm_entry_alloc(e->start, e->end, e->prot, flags, e->obj, e->obj_off);
	if (ne == NULL)
		return (NULL);
	vm_object_hold(e->obj);
	if (!(e->flags & ME_SHARED)) {
		e->flags |= ME_NEEDS_COPY;
		/*
		 * With the parent's other lwps running elsewhere, this is
		 * where fork pays for a TLB shootdown (pmap.h).
		 */
		if (e->prot & VM_PROT_WRITE)
			pmap_remove(parent->pmap, e->start, e->end);
	}
	return (ne);
}

int
vm_fork(struct vmspace *parent, struct vmspace **childp)
{
	struct vm_map_entry *e, *ne;
	struct vmspace *child;

	if ((child = vmspace_alloc()) == NULL)
		return (ENOMEM);
	spin_lock(&parent->lock);
	/* One shootdown round for the whole parent, not one an entry. */
	pmap_batch_begin(parent->pmap);
	TAILQ_FOREACH(e, &parent->entries, link) {
		if ((ne = entry_fork(parent, e)) == NULL) {
			pmap_batch_end(parent->pmap);
			spin_unlock(&parent->lock);
			vmspace_release(child);
			return (ENOMEM);
		}
		TAILQ_INSERT_TAIL(&child->entries, ne, link);
	}
	pmap_batch_end(parent->pmap);
	child->brk_base = parent->brk_base;
	child->brk = parent->brk;
	spin_unlock(&parent->lock);
	*childp = child;
	return (0);
}
