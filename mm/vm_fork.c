/*
 * Duplicating an address space for fork, in time proportional to the
 * number of entries and page-table pages, not to the memory mapped.
 * Private entries become copy-on-write: the child's entry shares the
 * parent's object and both are marked ME_NEEDS_COPY (see vm.h).  The
 * child's pmap shares the parent's page-table pages, read-only for both
 * (pmap_copy), so that neither faults to read and each one's first write
 * into a table copies that table.  Shared entries keep pointing at the same
 * object.
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
 * The child gets the parent's page tables over the ranges its entries
 * cover, each widened to whole tables, so that tables holding several
 * entries are shared too, and merged where they meet: the walk visits the
 * tables in use, not the whole user range.  Widening is sound because the
 * pmap maps nothing outside entries, and every entry the child has maps
 * the parent's pages as they are.
 */
static int
fork_pmap(struct vmspace *child, struct vmspace *parent)
{
	vaddr_t sva = 0, eva = 0, s, t;
	struct vm_map_entry *e;
	int error;

	TAILQ_FOREACH(e, &parent->entries, link) {
		s = MAX(e->start & ~(PMAP_TABLE_SPAN - 1), VM_MIN_USER);
		t = MIN((e->end + PMAP_TABLE_SPAN - 1) & ~(PMAP_TABLE_SPAN - 1), VM_MAX_USER);
		if (eva != 0 && s <= eva) {
			eva = MAX(eva, t);
			continue;
		}
		if (eva != 0 && (error = pmap_copy(child->pmap, parent->pmap, sva, eva)) != 0)
			return (error);
		sva = s;
		eva = t;
	}
	return (eva != 0 ? pmap_copy(child->pmap, parent->pmap, sva, eva) : 0);
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
		if ((ne = entry_fork(e)) == NULL) {
			error = ENOMEM;
			goto out;
		}
		TAILQ_INSERT_TAIL(&child->entries, ne, link);
	}
	if ((error = fork_pmap(child, parent)) != 0)
		goto out;
	child->brk_base = parent->brk_base;
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
