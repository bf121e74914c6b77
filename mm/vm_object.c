/*
 * Anonymous objects: the pages behind map entries, kept in a radix tree of
 * chunks that objects share copy-on-write.
 *
 * A chunk is one page of CHUNK_SLOTS physical addresses: of data pages in
 * a leaf chunk, of the chunks one level down in an interior one (0: nothing
 * there yet; a page reads as zeroes).  Reference counts are the page
 * allocator's: a chunk has one for each object root or interior slot that
 * points at it, a data page one for each leaf slot.  A chunk with more
 * than one reference is never written: whoever would change it copies it
 * first (the copy takes a reference on everything it points at) and drops
 * the original.  So copying an object costs one reference on its root
 * (vm_object_copy), a first write afterwards copies one chunk a level on
 * its path, and dropping a shared subtree is one reference less, whatever
 * the sizes involved.
 *
 * Chunks the object holds alone are changed under its lock; shared ones
 * are read under it too, by any holder, since none may change them.  A
 * holder seeing a count of 1 is the only one left: the others dropped
 * theirs after they had finished reading (page_unref orders that).
 */
#include "hal.h"
#include "page.h"
#include "vm_object.h"

#define CHUNK_SLOTS	(PAGE_SIZE / sizeof(paddr_t))
#define CHUNK_SHIFT	9
_Static_assert(CHUNK_SLOTS == 1u << CHUNK_SHIFT, "a chunk is one page of slots");

static paddr_t *
chunk_slots(paddr_t chunk)
{
	return ((paddr_t *)phys_to_kva(chunk));
}

/* Pages a chunk of `level` covers (level 0: a leaf). */
static size_t
chunk_span(unsigned level)
{
	return ((size_t)CHUNK_SLOTS << (level * CHUNK_SHIFT));
}

/*
 * Slots a chunk of `level` whose first page is base uses: the last chunk
 * of each level may reach past the object's end, and loops over a small
 * object's chunk stop at its size.
 */
static size_t
chunk_nslots(const struct vm_object *obj, unsigned level, size_t base)
{
	size_t step = chunk_span(level) >> CHUNK_SHIFT;

	return (MIN(CHUNK_SLOTS, (obj->npages - base + step - 1) / step));
}

/*
 * Empty a chunk of obj's of `level` at base whose last reference the
 * caller holds, and free it: its pages and the chunks below it lose a
 * reference each, under one lock a chunk, and those whose last it was are
 * emptied in turn.  Private subtrees cost a step a slot, shared ones a
 * single step.
 */
static void
chunk_empty(const struct vm_object *obj, paddr_t chunk, unsigned level, size_t base)
{
	size_t n = chunk_nslots(obj, level, base), step = chunk_span(level) >> CHUNK_SHIFT;
	paddr_t *slots = chunk_slots(chunk);

	if (level == 0)
		page_free_array(slots, n);
	else if (page_unref_array(slots, n) > 0)
		for (size_t i = 0; i < n; i++)
			if (slots[i] != 0)
				chunk_empty(obj, slots[i], level - 1, base + i * step);
	page_free(chunk);
}

/* Drop one reference on obj's chunk of `level` at base. */
static void
chunk_release(const struct vm_object *obj, paddr_t chunk, unsigned level, size_t base)
{
	if (page_unref(chunk))
		chunk_empty(obj, chunk, level, base);
}

/*
 * Make obj's chunk of `level` at base that *slotp points at (or a new,
 * empty one if none) obj's alone, so that it may write to it.  Slots past
 * the object's end are left as they come.  ENOMEM leaves *slotp as it was.
 */
static int
chunk_own(const struct vm_object *obj, paddr_t *slotp, unsigned level, size_t base)
{
	paddr_t old = *slotp, new;

	if (old != 0 && page_refcount(old) == 1)
		return (0);
	if (page_alloc(&new, old == 0 ? PG_ZERO : 0) != 0)
		return (ENOMEM);
	if (old != 0) {
		page_copy_held(chunk_slots(new), chunk_slots(old),
		    chunk_nslots(obj, level, base));
		chunk_release(obj, old, level, base);
	}
	*slotp = new;
	return (0);
}

struct vm_object *
vm_object_alloc(size_t npages)
{
	struct vm_object *obj;

	if ((obj = kmalloc(sizeof(*obj))) == NULL)
		return (NULL);
	spin_init(&obj->lock, "vmobject");
	obj->ref = 1;
	obj->npages = npages;
	obj->height = 0;
	while (chunk_span(obj->height) < npages)
		obj->height++;
	obj->root = 0;
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

/* The page at index idx, or 0; *private says whether obj alone holds every chunk on the way. */
paddr_t
vm_object_lookup(struct vm_object *obj, size_t idx, bool *private)
{
	paddr_t chunk = obj->root;
	unsigned level = obj->height;

	KASSERT(idx < obj->npages, "lookup past the object");
	*private = true;
	for (;;) {
		if (chunk == 0)
			return (0);
		if (page_refcount(chunk) > 1)
			*private = false;
		chunk = chunk_slots(chunk)[(idx >> (level * CHUNK_SHIFT)) & (CHUNK_SLOTS - 1)];
		if (level-- == 0)
			return (chunk);
	}
}

/*
 * The slot of index idx, in a leaf chunk obj now holds alone (copying or
 * creating the chunks on the way as needed), for the caller to fill or
 * replace under obj's lock.  ENOMEM when a chunk could not be had; the
 * chunks already copied stay, which changes nothing anyone can see.
 */
int
vm_object_slot(struct vm_object *obj, size_t idx, paddr_t **slotp)
{
	paddr_t *slot = &obj->root;
	unsigned level = obj->height;
	size_t base = 0;
	int error;

	KASSERT(idx < obj->npages, "slot past the object");
	for (;;) {
		size_t i = (idx >> (level * CHUNK_SHIFT)) & (CHUNK_SLOTS - 1);

		if ((error = chunk_own(obj, slot, level, base)) != 0)
			return (error);
		slot = &chunk_slots(*slot)[i];
		base += i * (chunk_span(level) >> CHUNK_SHIFT);
		if (level-- == 0) {
			*slotp = slot;
			return (0);
		}
	}
}

/*
 * Drop the pages of [first, end) under the chunk of `level` at *slotp,
 * which covers the pages from base.  A subtree wholly inside goes as one
 * reference; one the range only cuts is made private first, and if there
 * is no memory for that its pages stay with the object.
 */
static void
range_free(const struct vm_object *obj, paddr_t *slotp, unsigned level, size_t base,
    size_t first, size_t end)
{
	size_t span = chunk_span(level), step = span >> CHUNK_SHIFT;
	paddr_t *slots;
	size_t i, last;

	if (*slotp == 0)
		return;
	if (first <= base && base + span <= end) {
		chunk_release(obj, *slotp, level, base);
		*slotp = 0;
		return;
	}
	if (chunk_own(obj, slotp, level, base) != 0)
		return;
	slots = chunk_slots(*slotp);
	i = first > base ? (first - base) / step : 0;
	last = MIN(CHUNK_SLOTS, (end - base + step - 1) / step);
	for (; i < last; i++) {
		if (level > 0) {
			range_free(obj, &slots[i], level - 1, base + i * step, first, end);
		} else if (slots[i] != 0) {
			page_free(slots[i]);
			slots[i] = 0;
		}
	}
}

/* obj's lock held, or obj is nobody else's. */
void
vm_object_free_range(struct vm_object *obj, size_t first, size_t n)
{
	KASSERT(first + n <= obj->npages, "range past the object");
	if (n > 0)
		range_free(obj, &obj->root, obj->height, 0, first, first + n);
}

/*
 * A new object with src's pages in [first, first + n) (the window of the
 * entry that asks) and nothing outside it: it shares src's chunks, copying
 * only those the window's edges cut.  src's lock is held.  NULL when
 * memory is short.
 */
struct vm_object *
vm_object_copy(struct vm_object *src, size_t first, size_t n)
{
	struct vm_object *obj;

	KASSERT(first + n <= src->npages, "copy past the object");
	if ((obj = vm_object_alloc(src->npages)) == NULL)
		return (NULL);
	if ((obj->root = src->root) != 0)
		page_hold(obj->root);
	vm_object_free_range(obj, 0, first);
	vm_object_free_range(obj, first + n, obj->npages - first - n);
	return (obj);
}

void
vm_object_release(struct vm_object *obj)
{
	KASSERT(obj->ref > 0, "object released too often");
	if (__atomic_sub_fetch(&obj->ref, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	if (obj->root != 0)
		chunk_release(obj, obj->root, obj->height, 0);
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
