/*
 * The page-fault handler: demand-zero fill and copy-on-write (see vm.h).
 *
 * A private entry still sharing its object since a fork gets an object of
 * its own on its first write fault, sharing the old one's chunks; the
 * write then makes the chunks on the page's path its own (vm_object_slot).
 * A private page held by more than one reference is mapped read-only; the
 * first write copies it, unless this mapping has meanwhile become its only
 * holder, in which case the write right is simply given back.
 */
#include "fail.h"
#include "hal.h"
#include "page.h"
#include "pmap.h"
#include "vm_object.h"
#include "vmmeter.h"

static paddr_t zero_page;

/* The page of zeroes every untouched private page reads as; never freed. */
void
vm_fault_init(void)
{
	if (page_alloc(&zero_page, PG_ZERO) != 0)
		panic("vm_fault_init: no page for the zero page");
}

/*
 * A page for a fault to fill or copy into.  debug.fail_point.vm_fault_page_alloc
 * makes it fail as if no page were free: the faulting process then gets
 * SIGKILL (trap_pagefault), as on a real shortage.
 */
static int
fault_page_alloc(paddr_t *pa, int flags)
{
	if (FAIL_POINT(vm_fault_page_alloc))
		return (ENOMEM);
	return (page_alloc(pa, flags));
}

/*
 * Give e an object of its own, sharing the old one's chunks over e's
 * window: a reference, not a copy.  ENOMEM leaves e as it was.
 */
static int
entry_own_object(struct vm_map_entry *e)
{
	struct vm_object *obj;

	spin_lock(&e->obj->lock);
	obj = vm_object_copy(e->obj, e->obj_off, (e->end - e->start) >> PAGE_SHIFT);
	spin_unlock(&e->obj->lock);
	if (obj == NULL)
		return (ENOMEM);
	vm_object_release(e->obj);
	e->obj = obj;
	e->flags &= ~ME_NEEDS_COPY;
	return (0);
}

/*
 * A read of a private page maps what is there, writable only if nothing
 * else can see the page (entry, chunks and page all this mapping's
 * alone).  A page nobody has written maps the one zero page, read-only:
 * memory is committed on the first write only, and a child's read never
 * puts a page into an object it shares with its parent (where it would
 * outlive the child).
 */
static int
fault_read_private(struct vmspace *vm, struct vm_map_entry *e, vaddr_t va, size_t idx)
{
	vm_prot_t prot = e->prot;
	bool private;
	paddr_t pa;

	if ((pa = vm_object_lookup(e->obj, idx, &private)) == 0)
		return (pmap_enter(vm->pmap, va, zero_page, prot & ~VM_PROT_WRITE));
	if ((e->flags & ME_NEEDS_COPY) || !private || page_refcount(pa) > 1)
		prot &= ~VM_PROT_WRITE;
	return (pmap_enter(vm->pmap, va, pa, prot));
}

/* The map lock is held (copyin and copyout keep it across their walk). */
int
vm_fault_locked(struct vmspace *vm, vaddr_t va, vm_prot_t access)
{
	struct vm_map_entry *e;
	struct vm_object *obj;
	vm_prot_t prot;
	paddr_t *slot, pa;
	size_t idx;
	int error;

	KASSERT(spin_held(&vm->lock), "vm_fault_locked without the map lock");
	VMCNT_ADD(v_vm_faults, 1);
	va = trunc_page(va);
	e = vm_map_lookup(vm, va);
	if (e == NULL || (e->prot & access) != access)
		return (EFAULT);
	if (e->flags & ME_NEEDS_COPY) {
		if (!vm_object_shared(e->obj))
			e->flags &= ~ME_NEEDS_COPY;
		else if ((access & VM_PROT_WRITE) && (error = entry_own_object(e)) != 0)
			return (error);
	}
	obj = e->obj;
	idx = e->obj_off + ((va - e->start) >> PAGE_SHIFT);
	spin_lock(&obj->lock);
	if (!(access & VM_PROT_WRITE) && !(e->flags & ME_SHARED)) {
		error = fault_read_private(vm, e, va, idx);
		goto out;
	}
	/*
	 * Shared entries need the real page even to read it, or a write
	 * through another mapping would go unseen here.
	 */
	if ((error = vm_object_slot(obj, idx, &slot)) != 0)
		goto out;
	if (*slot == 0) {
		if ((error = fault_page_alloc(&pa, PG_ZERO)) != 0)
			goto out;
		*slot = pa;
		VMCNT_ADD(v_zfod, 1);
	} else if ((access & VM_PROT_WRITE) && !(e->flags & ME_SHARED) &&
	    page_refcount(*slot) > 1) {
		/*
		 * The other holders are other leaf chunks: each copies for
		 * itself under its own object's lock, and the last one left
		 * keeps the page.
		 */
		if ((error = fault_page_alloc(&pa, 0)) != 0)
			goto out;
		memcpy(phys_to_kva(pa), phys_to_kva(*slot), PAGE_SIZE);
		page_free(*slot);
		*slot = pa;
		VMCNT_ADD(v_cow_faults, 1);
	}
	prot = e->prot;
	if (!(e->flags & ME_SHARED) &&
	    ((e->flags & ME_NEEDS_COPY) || page_refcount(*slot) > 1))
		prot &= ~VM_PROT_WRITE;
	error = pmap_enter(vm->pmap, va, *slot, prot);
out:
	spin_unlock(&obj->lock);
	return (error);
}

int
vm_fault(struct vmspace *vm, vaddr_t va, vm_prot_t access)
{
	int error;

	spin_lock(&vm->lock);
	error = vm_fault_locked(vm, va, access);
	spin_unlock(&vm->lock);
	return (error);
}
