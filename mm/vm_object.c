/*
 * Anonymous objects: the page arrays behind map entries.
 */
#include "hal.h"
#include "page.h"
#include "vm_object.h"

/*
 * Page arrays of a page or more come straight from the page allocator, a
 * power of two of pages, so that a large mapping's array costs 8 bytes a
 * page and no more (the kernel heap's header would double a power of two).
 */
static unsigned
array_order(size_t npages)
{
	size_t bytes = npages * sizeof(paddr_t);
	unsigned order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	return (order);
}

static paddr_t *
pages_array_alloc(size_t npages)
{
	paddr_t pa;

	if (npages * sizeof(paddr_t) < PAGE_SIZE)
		return (kzalloc(npages * sizeof(paddr_t)));
	if (page_alloc_order(&pa, array_order(npages), PG_ZERO) != 0)
		return (NULL);
	return (phys_to_kva(pa));
}

static void
pages_array_free(paddr_t *pages, size_t npages)
{
	if (npages * sizeof(paddr_t) < PAGE_SIZE)
		kfree(pages);
	else
		page_free(kva_to_phys(pages));
}

struct vm_object *
vm_object_alloc(size_t npages)
{
	struct vm_object *obj;

	if ((obj = kmalloc(sizeof(*obj))) == NULL)
		return (NULL);
	if ((obj->pages = pages_array_alloc(npages)) == NULL) {
		kfree(obj);
		return (NULL);
	}
	spin_init(&obj->lock, "vmobject");
	obj->ref = 1;
	obj->npages = npages;
	return (obj);
}

/* The holder already has a reference (its entry), so the count cannot be 0 here. */
void
vm_object_hold(struct vm_object *obj)
{
	KASSERT(obj->ref > 0, "hold of a dead object");
	__atomic_add_fetch(&obj->ref, 1, __ATOMIC_RELAXED);
}

/* Is anyone else holding obj?  An answer only as good as the caller's lock on obj. */
bool
vm_object_shared(struct vm_object *obj)
{
	return (__atomic_load_n(&obj->ref, __ATOMIC_ACQUIRE) > 1);
}

/* obj's lock held, or obj is nobody else's. */
void
vm_object_free_range(struct vm_object *obj, size_t first, size_t n)
{
	KASSERT(first + n <= obj->npages, "range past the object");
	for (size_t i = first; i < first + n; i++) {
		if (obj->pages[i] != 0) {
			page_free(obj->pages[i]);
			obj->pages[i] = 0;
		}
	}
}

void
vm_object_release(struct vm_object *obj)
{
	KASSERT(obj->ref > 0, "object released too often");
	if (__atomic_sub_fetch(&obj->ref, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	vm_object_free_range(obj, 0, obj->npages);
	pages_array_free(obj->pages, obj->npages);
	kfree(obj);
}

struct vm_map_entry *
vm_entry_alloc(vaddr_t start, vaddr_t end, vm_prot_t prot, unsigned flags,
    struct vm_object *obj, size_t obj_off)
{
	struct vm_map_entry *e;

	if ((e = kmalloc(sizeof(*e))) == NULL)
		return (NULL);
	e->start = start;
	e->end = end;
	e->prot = prot;
	e->flags = flags;
	e->obj = obj;
	e->obj_off = obj_off;
	return (e);
}

void
vm_entry_free(struct vm_map_entry *e)
{
	vm_object_release(e->obj);
	kfree(e);
}
