/*
 * The kernel heap.  Small objects come from per-size-class slabs, one page
 * each, with the slab header at the start of the page; a slab goes back to
 * the page allocator as soon as its last object is freed, so the free page
 * count returns exactly to where it was once every object is gone.  Larger
 * requests take a run of 2^order pages with the same header.
 */
#include "hal.h"
#include "kernel.h"
#include "page.h"
#include "queue.h"
#include "sysctl.h"

#define KMEM_MAGIC	0x6b6d656du	/* "kmem" */
#define KMEM_MIN_SHIFT	4		/* 16 bytes */
#define KMEM_NCLASS	8		/* 16 .. 2048 */
#define KMEM_HDR_SIZE	64		/* objects and large blocks start here */

struct kmem_free {
	struct kmem_free *next;
};

struct slab {
	uint32_t	magic;
	uint16_t	cls;		/* size class, or KMEM_LARGE */
	uint16_t	inuse;
	uint32_t	order;		/* large blocks: 2^order pages */
	struct kmem_free *free;
	LIST_ENTRY(slab) link;		/* on its class's partial list */
};
_Static_assert(sizeof(struct slab) <= KMEM_HDR_SIZE, "slab header");

#define KMEM_LARGE	0xffff

static LIST_HEAD(, slab) partial[KMEM_NCLASS];	/* under kmem_lock */
static struct spinlock kmem_lock = SPINLOCK_INIT("kmem");
/*
 * (a) Pages the heap holds, and objects handed out.  A leak check compares
 * v_free_count + kmem_pages (memory outside the heap) and kmem_objects (the
 * heap's contents): the pages alone also move with how the slabs happen to
 * fill, which with several CPUs depends on the interleaving.
 */
volatile uint64_t kmem_pages, kmem_objects;
SYSCTL_INT("vm.kmem.pages", kmem_pages);
SYSCTL_INT("vm.kmem.objects", kmem_objects);

static unsigned
size_class(size_t size)
{
	unsigned cls = 0;

	while ((1ul << (cls + KMEM_MIN_SHIFT)) < size)
		cls++;
	return (cls);
}

static struct slab *
slab_new(unsigned cls)
{
	size_t osize = 1ul << (cls + KMEM_MIN_SHIFT);
	struct slab *s;
	paddr_t pa;

	if (page_alloc(&pa, 0) != 0)
		return (NULL);
	__atomic_add_fetch(&kmem_pages, 1, __ATOMIC_RELAXED);
	s = phys_to_kva(pa);
	s->magic = KMEM_MAGIC;
	s->cls = (uint16_t)cls;
	s->inuse = 0;
	s->order = 0;
	s->free = NULL;
	/* Objects are aligned to their size (64 at most: the header's room). */
	for (size_t off = PAGE_SIZE - osize; off >= KMEM_HDR_SIZE; off -= osize) {
		struct kmem_free *f = (void *)((char *)s + off);

		f->next = s->free;
		s->free = f;
	}
	return (s);
}

static void *
kmalloc_large(size_t size)
{
	unsigned order = 0;
	struct slab *s;
	paddr_t pa;

	while ((PAGE_SIZE << order) < size + KMEM_HDR_SIZE)
		order++;
	if (page_alloc_order(&pa, order, 0) != 0)
		return (NULL);
	__atomic_add_fetch(&kmem_pages, 1ul << order, __ATOMIC_RELAXED);
	__atomic_add_fetch(&kmem_objects, 1, __ATOMIC_RELAXED);
	s = phys_to_kva(pa);
	s->magic = KMEM_MAGIC;
	s->cls = KMEM_LARGE;
	s->order = order;
	return ((char *)s + KMEM_HDR_SIZE);
}

void *
kmalloc(size_t size)
{
	struct kmem_free *f;
	struct slab *s;
	unsigned cls;

	if (size == 0)
		size = 1;
	if (size > (1ul << (KMEM_MIN_SHIFT + KMEM_NCLASS - 1)))
		return (kmalloc_large(size));
	cls = size_class(size);
	spin_lock(&kmem_lock);
	s = LIST_FIRST(&partial[cls]);
	if (s == NULL) {
		spin_unlock(&kmem_lock);
		if ((s = slab_new(cls)) == NULL)
			return (NULL);
		spin_lock(&kmem_lock);
		LIST_INSERT_HEAD(&partial[cls], s, link);
	}
	f = s->free;
	s->free = f->next;
	s->inuse++;
	if (s->free == NULL)
		LIST_REMOVE(s, link);
	spin_unlock(&kmem_lock);
	__atomic_add_fetch(&kmem_objects, 1, __ATOMIC_RELAXED);
	return (f);
}

void *
kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p != NULL)
		memset(p, 0, size);
	return (p);
}

void
kfree(void *p)
{
	struct kmem_free *f = p;
	struct slab *s;

	if (p == NULL)
		return;
	s = (struct slab *)trunc_page((uintptr_t)p);
	KASSERT(s->magic == KMEM_MAGIC, "kfree of a pointer kmalloc never gave");
	__atomic_sub_fetch(&kmem_objects, 1, __ATOMIC_RELAXED);
	if (s->cls == KMEM_LARGE) {
		s->magic = 0;
		__atomic_sub_fetch(&kmem_pages, 1ul << s->order, __ATOMIC_RELAXED);
		page_free(kva_to_phys(s));
		return;
	}
	spin_lock(&kmem_lock);
	if (s->free == NULL)
		LIST_INSERT_HEAD(&partial[s->cls], s, link);
	f->next = s->free;
	s->free = f;
	if (--s->inuse == 0) {
		LIST_REMOVE(s, link);
		s->magic = 0;
		spin_unlock(&kmem_lock);
		__atomic_sub_fetch(&kmem_pages, 1, __ATOMIC_RELAXED);
		page_free(kva_to_phys(s));
		return;
	}
	spin_unlock(&kmem_lock);
}

void
kmem_init(void)
{
	for (unsigned i = 0; i < KMEM_NCLASS; i++)
		LIST_INIT(&partial[i]);
}
