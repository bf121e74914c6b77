/*
 * Duplicating an address space for fork, in time proportional to the
 * number of entries and page-table pages, not to the memory mapped.
 * Private entries become copy-on-write: the child's entry shares the
 * parent's object and both are marked ME_NEEDS_COPY (see vm.h); the parent
 * loses its mappings of writable private entries, so that its next write
 * faults.  The child starts with an empty pmap and faults its pages in as
 * it touches them.  Shared entries keep pointing at the same object.
 * Each entry's inheritance (minherit(2)) picks which of these the child
 * gets, or a hole, or new zeroes (entry_inherit).
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

/*
 * The child's entry for e by e's inheritance (minherit(2), vm.h): none (a
 * hole), a new zero-filled one, or entry_fork's shared or copy-on-write
 * one.  A shared entry inherited as a copy stops being shared in the
 * parent too, as in FreeBSD (vm_map_copy_entry makes both sides
 * copy-on-write): its pages are written in place, so the child's copy
 * would see the parent's writes otherwise.  An entry inherited as shared
 * is already a shared one (vm_map_inherit made it so).  0 with *nep NULL
 * for a hole, ENOMEM with e as it was (but a fork that fails on a later
 * entry leaves an earlier shared-turned-copy one copy-on-write).
 */
static int
entry_inherit(struct vmspace *parent, struct vm_map_entry *e,
    struct vm_map_entry **nep)
{
	*nep = NULL;
	switch (vm_entry_inherit(e)) {
	case VM_INHERIT_NONE:
		return (0);
	case VM_INHERIT_ZERO:
		*nep = vm_entry_zero_clone(e);
		break;
	case VM_INHERIT_COPY:
		if (e->flags & ME_SHARED) {
			e->flags &= ~ME_SHARED;
			if ((*nep = entry_fork(parent, e)) == NULL)
				e->flags |= ME_SHARED;
			break;
		}
		/* FALLTHROUGH */
	case VM_INHERIT_SHARE:
		KASSERT(vm_entry_inherit(e) == VM_INHERIT_COPY || (e->flags & ME_SHARED),
		    "a private entry inherited as shared");
		*nep = entry_fork(parent, e);
		break;
	}
	return (*nep == NULL ? ENOMEM : 0);
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
		if (entry_inherit(parent, e, &ne) != 0) {
			pmap_batch_end(parent->pmap);
			spin_unlock(&parent->lock);
			vmspace_release(child);
			return (ENOMEM);
		}
		if (ne != NULL)
			TAILQ_INSERT_TAIL(&child->entries, ne, link);
	}
	pmap_batch_end(parent->pmap);
	child->brk_base = parent->brk_base;
	child->brk = parent->brk;
	spin_unlock(&parent->lock);
	*childp = child;
	return (0);
}
