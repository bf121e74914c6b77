/*
 * Anonymous objects: the page arrays behind map entries.
 */
#include "page.h"
#include "vm_object.h"

struct vm_object *
vm_object_alloc(size_t npages)
{
	struct vm_object *obj;

	if ((obj = kmalloc(sizeof(*obj))) == NULL)
		return (NULL);
	if ((obj->pages = kzalloc(npages * sizeof(paddr_t))) == NULL) {
		kfree(obj);
		return (NULL);
	}
	obj->ref = 1;
	obj->npages = npages;
	return (obj);
}

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
	if (--obj->ref > 0)
		return;
	vm_object_free_range(obj, 0, obj->npages);
	kfree(obj->pages);
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
