/*
 * Duplicating an address space for fork.  Private entries become
 * copy-on-write: the child's object takes a reference on each of the
 * parent's pages, and the parent loses its write right so that its next
 * write faults and copies (or reclaims the page once the child is gone).
 * The child starts with an empty pmap and faults its pages in as it
 * touches them.  Shared entries keep pointing at the same object.
 */
#include "page.h"
#include "pmap.h"
#include "vm_object.h"

static struct vm_map_entry *
entry_fork(struct vmspace *parent, struct vm_map_entry *e)
{
	size_t npages = (e->end - e->start) >> PAGE_SHIFT;
	struct vm_map_entry *ne;
	struct vm_object *obj;

	if (e->flags & ME_SHARED) {
		ne = vm_entry_alloc(e->start, e->end, e->prot, e->flags, e->obj,
		    e->obj_off);
		if (ne != NULL)
			e->obj->ref++;
		return (ne);
	}
	if ((obj = vm_object_alloc(npages)) == NULL)
		return (NULL);
	if ((ne = vm_entry_alloc(e->start, e->end, e->prot, e->flags, obj, 0)) == NULL) {
		vm_object_release(obj);
		return (NULL);
	}
	for (size_t i = 0; i < npages; i++) {
		paddr_t pa = e->obj->pages[e->obj_off + i];

		if (pa != 0) {
			page_hold(pa);
			obj->pages[i] = pa;
		}
	}
	if (e->prot & VM_PROT_WRITE)
		pmap_protect(parent->pmap, e->start, e->end,
		    e->prot & ~VM_PROT_WRITE);
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
	TAILQ_FOREACH(e, &parent->entries, link) {
		if ((ne = entry_fork(parent, e)) == NULL) {
			spin_unlock(&parent->lock);
			vmspace_release(child);
			return (ENOMEM);
		}
		TAILQ_INSERT_TAIL(&child->entries, ne, link);
	}
	child->brk_base = parent->brk_base;
	child->brk = parent->brk;
	spin_unlock(&parent->lock);
	*childp = child;
	return (0);
}
