/*
 * Duplicating an address space for fork, in time proportional to the
 * number of entries and page-table pages, not to the memory mapped.
 * Private entries become copy-on-write: the child's entry shares the
 * parent's object and both are marked ME_NEEDS_COPY (see vm.h).  The
 * child's pmap shares the parent's page-table pages, read-only for both
 * (pmap_copy), so that neither faults to read and each one's first write
 * into a table copies that table.  Shared entries keep pointing at the same
 * object.  Each entry's inheritance (minherit(2)) picks which of these the
 * child gets, or a hole, or new zeroes (entry_inherit).
 */
#include "pmap.h"
#include "vm_object.h"

static struct vm_map_entry *
entry_fork(struct vm_map_entry *e)
{
	unsigned flags = e->flags;
	struct vm_map_entry *ne;

	if (!(flags & ME_SHARED))
		flags |= ME_NEEDS_COPY;
	ne = vm_entry_alloc(e->start, e->end, e->prot, flags, e->obj, e->obj_off);
	if (ne == NULL)
		return (NULL);
	vm_object_hold(e->obj);
	if (!(e->flags & ME_SHARED))
		e->flags |= ME_NEEDS_COPY;
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
entry_inherit(struct vm_map_entry *e, struct vm_map_entry **nep)
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
			if ((*nep = entry_fork(e)) == NULL)
				e->flags |= ME_SHARED;
			break;
		}
		/* FALLTHROUGH */
	case VM_INHERIT_SHARE:
		KASSERT(vm_entry_inherit(e) == VM_INHERIT_COPY || (e->flags & ME_SHARED),
		    "a private entry inherited as shared");
		*nep = entry_fork(e);
		break;
	}
	return (*nep == NULL ? ENOMEM : 0);
}

/* Does the child see e's pages as the parent does (so that it may share its tables)? */
static bool
entry_keeps_pages(struct vm_map_entry *e)
{
	return (vm_entry_inherit(e) == VM_INHERIT_COPY ||
	    vm_entry_inherit(e) == VM_INHERIT_SHARE);
}

/*
 * The child gets the parent's page tables over the ranges its entries
 * cover, each widened to whole tables, so that tables holding several
 * entries are shared too, and merged where they meet: the walk visits the
 * tables in use, not the whole user range.  Widening is sound because the
 * pmap maps nothing outside entries; an entry whose pages the child does
 * not get (a hole or zeroes) bounds the ranges on both sides, so a table
 * holding part of it is copied leaf by leaf, never shared.
 */
static int
fork_pmap(struct vmspace *child, struct vmspace *parent)
{
	vaddr_t sva = 0, eva = 0, floor = VM_MIN_USER, s, t;
	struct vm_map_entry *e;
	int error;

	TAILQ_FOREACH(e, &parent->entries, link) {
		if (!entry_keeps_pages(e)) {
			eva = MIN(eva, e->start);
			floor = e->end;
			continue;
		}
		s = MAX(e->start & ~(PMAP_TABLE_SPAN - 1), floor);
		t = MIN((e->end + PMAP_TABLE_SPAN - 1) & ~(PMAP_TABLE_SPAN - 1), VM_MAX_USER);
		if (sva < eva && s <= eva) {
			eva = MAX(eva, t);
			continue;
		}
		if (sva < eva && (error = pmap_copy(child->pmap, parent->pmap, sva, eva)) != 0)
			return (error);
		sva = s;
		eva = t;
	}
	return (sva < eva ? pmap_copy(child->pmap, parent->pmap, sva, eva) : 0);
}

int
vm_fork(struct vmspace *parent, struct vmspace **childp)
{
	struct vm_map_entry *e, *ne;
	struct vmspace *child;
	int error = 0;

	if ((child = vmspace_alloc()) == NULL)
		return (ENOMEM);
	spin_lock(&parent->lock);
	TAILQ_FOREACH(e, &parent->entries, link) {
		if (entry_inherit(e, &ne) != 0) {
			error = ENOMEM;
			goto out;
		}
		if (ne != NULL)
			TAILQ_INSERT_TAIL(&child->entries, ne, link);
	}
	if ((error = fork_pmap(child, parent)) != 0)
		goto out;
	child->brk_base = parent->brk_base;
	child->mmap_base = parent->mmap_base;
	child->brk = parent->brk;
out:
	spin_unlock(&parent->lock);
	if (error != 0) {
		vmspace_release(child);
		return (error);
	}
	*childp = child;
	return (0);
}
