/*
 * Address spaces: the sorted entry list, mapping, unmapping with
 * splitting, and the heap.
 */
#include "page.h"
#include "pmap.h"
#include "vm_object.h"

struct vmspace *
vmspace_alloc(void)
{
	struct vmspace *vm;

	if ((vm = kzalloc(sizeof(*vm))) == NULL)
		return (NULL);
	if ((vm->pmap = pmap_create()) == NULL) {
		kfree(vm);
		return (NULL);
	}
	TAILQ_INIT(&vm->entries);
	vm->ref = 1;
	spin_init(&vm->lock, "vmspace");
	return (vm);
}

void
vmspace_hold(struct vmspace *vm)
{
	__atomic_add_fetch(&vm->ref, 1, __ATOMIC_RELAXED);
}

/* The caller must not have vm active on this CPU when the last reference goes. */
void
vmspace_release(struct vmspace *vm)
{
	struct vm_map_entry *e, *next;

	KASSERT(vm->ref > 0, "vmspace released too often");
	if (__atomic_sub_fetch(&vm->ref, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	/* The last holder: nobody else can reach vm, so no lock. */
	TAILQ_FOREACH_SAFE(e, &vm->entries, link, next) {
		TAILQ_REMOVE(&vm->entries, e, link);
		vm_entry_free(e);
	}
	pmap_destroy(vm->pmap);
	kfree(vm);
}

struct vm_map_entry *
vm_map_lookup(struct vmspace *vm, vaddr_t va)
{
	struct vm_map_entry *e;

	TAILQ_FOREACH(e, &vm->entries, link) {
		if (va < e->start)
			return (NULL);
		if (va < e->end)
			return (e);
	}
	return (NULL);
}

static bool
range_ok(vaddr_t start, size_t len)
{
	return ((start & PAGE_MASK) == 0 && (len & PAGE_MASK) == 0 && len > 0 &&
	    start >= VM_MIN_USER && start <= VM_MAX_USER &&
	    len <= VM_MAX_USER - start);
}

/* Insert e in address order; ENOMEM if it overlaps an existing entry. */
static int
entry_insert(struct vmspace *vm, struct vm_map_entry *e)
{
	struct vm_map_entry *cur;

	TAILQ_FOREACH(cur, &vm->entries, link) {
		if (e->end <= cur->start) {
			TAILQ_INSERT_BEFORE(cur, e, link);
			return (0);
		}
		if (e->start < cur->end)
			return (ENOMEM);
	}
	TAILQ_INSERT_TAIL(&vm->entries, e, link);
	return (0);
}

static int	unmap_locked(struct vmspace *, vaddr_t, vaddr_t);
static int	findspace_locked(struct vmspace *, vaddr_t, size_t, vaddr_t *);

/*
 * With `replace` (MAP_FIXED), whatever was mapped in the range goes, but
 * only once the new entry exists: a failure leaves the old mapping.
 */
static int
map_anon_locked(struct vmspace *vm, vaddr_t start, size_t len, vm_prot_t prot,
    unsigned flags, bool replace)
{
	struct vm_map_entry *e;
	struct vm_object *obj;
	int error;

	if (!range_ok(start, len))
		return (EINVAL);
	if ((obj = vm_object_alloc(len >> PAGE_SHIFT)) == NULL)
		return (ENOMEM);
	if ((e = vm_entry_alloc(start, start + len, prot, flags, obj, 0)) == NULL) {
		vm_object_release(obj);
		return (ENOMEM);
	}
	if (replace && (error = unmap_locked(vm, start, start + len)) != 0) {
		vm_entry_free(e);
		return (error);
	}
	if ((error = entry_insert(vm, e)) != 0)
		vm_entry_free(e);
	return (error);
}

static int
map_anon(struct vmspace *vm, vaddr_t start, size_t len, vm_prot_t prot,
    unsigned flags, bool replace)
{
	int error;

	spin_lock(&vm->lock);
	error = map_anon_locked(vm, start, len, prot, flags, replace);
	spin_unlock(&vm->lock);
	return (error);
}

int
vm_map_anon(struct vmspace *vm, vaddr_t start, size_t len, vm_prot_t prot,
    unsigned flags)
{
	return (map_anon(vm, start, len, prot, flags, false));
}

int
vm_map_anon_fixed(struct vmspace *vm, vaddr_t start, size_t len, vm_prot_t prot,
    unsigned flags)
{
	return (map_anon(vm, start, len, prot, flags, true));
}

int
vm_map_anon_anywhere(struct vmspace *vm, vaddr_t hint, size_t len,
    vm_prot_t prot, unsigned flags, vaddr_t *addr)
{
	int error;

	spin_lock(&vm->lock);
	error = findspace_locked(vm, hint, len, addr);
	if (error == 0)
		error = map_anon_locked(vm, *addr, len, prot, flags, false);
	spin_unlock(&vm->lock);
	return (error);
}

int
vm_map_findspace(struct vmspace *vm, vaddr_t hint, size_t len, vaddr_t *addr)
{
	int error;

	spin_lock(&vm->lock);
	error = findspace_locked(vm, hint, len, addr);
	spin_unlock(&vm->lock);
	return (error);
}

static int
findspace_locked(struct vmspace *vm, vaddr_t hint, size_t len, vaddr_t *addr)
{
	struct vm_map_entry *e;
	vaddr_t start = MAX(round_page(hint), VM_MIN_USER);

	if (len == 0 || len > VM_MAX_USER)
		return (ENOMEM);
	TAILQ_FOREACH(e, &vm->entries, link) {
		if (e->end <= start)
			continue;
		if (start + len <= e->start)
			break;
		start = e->end;
	}
	if (start > VM_MAX_USER - len)
		return (ENOMEM);
	*addr = start;
	return (0);
}

/*
 * Cut e in two at va (strictly inside it): e keeps [start, va), a new entry
 * takes [va, end) and shares e's object with the matching offset.
 */
static int
entry_split(struct vm_map_entry *e, vaddr_t va, struct vm_map_entry **tailp)
{
	struct vm_map_entry *t;

	/*
	 * Needs-copy with no one else on the object is over: settle it before
	 * the halves' own references make the object look shared.
	 */
	if ((e->flags & ME_NEEDS_COPY) && !vm_object_shared(e->obj))
		e->flags &= ~ME_NEEDS_COPY;
	t = vm_entry_alloc(va, e->end, e->prot, e->flags, e->obj,
	    e->obj_off + ((va - e->start) >> PAGE_SHIFT));
	if (t == NULL)
		return (ENOMEM);
	vm_object_hold(e->obj);
	e->end = va;
	*tailp = t;
	return (0);
}

int
vm_unmap(struct vmspace *vm, vaddr_t start, vaddr_t end)
{
	int error;

	spin_lock(&vm->lock);
	error = unmap_locked(vm, start, end);
	spin_unlock(&vm->lock);
	return (error);
}

/*
 * The pmap goes first, shootdown included (pmap.h): no CPU can reach a
 * page through a stale TLB entry by the time the page is freed.
 */
static int
unmap_locked(struct vmspace *vm, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *e, *next, *tail;
	struct vm_object *obj;
	int error;

	if (end <= start || !range_ok(start, end - start))
		return (EINVAL);
	/* Split first, so that a failure leaves the map as it was. */
	TAILQ_FOREACH(e, &vm->entries, link) {
		if (e->start >= end)
			break;
		if (e->end <= start)
			continue;
		if (e->start < start) {
			if ((error = entry_split(e, start, &tail)) != 0)
				return (error);
			TAILQ_INSERT_AFTER(&vm->entries, e, tail, link);
			continue;
		}
		if (e->end > end) {
			if ((error = entry_split(e, end, &tail)) != 0)
				return (error);
			TAILQ_INSERT_AFTER(&vm->entries, e, tail, link);
		}
	}
	TAILQ_FOREACH_SAFE(e, &vm->entries, link, next) {
		if (e->start >= end)
			break;
		if (e->end <= start)
			continue;
		pmap_remove(vm->pmap, e->start, e->end);
		/*
		 * A private window is this entry's alone, unless a fork left
		 * the object shared: then the pages go with the object.
		 */
		obj = e->obj;
		spin_lock(&obj->lock);
		if (!(e->flags & ME_SHARED) &&
		    (!(e->flags & ME_NEEDS_COPY) || obj->ref == 1))
			vm_object_free_range(obj, e->obj_off,
			    (e->end - e->start) >> PAGE_SHIFT);
		spin_unlock(&obj->lock);
		TAILQ_REMOVE(&vm->entries, e, link);
		vm_entry_free(e);
	}
	return (0);
}

/*
 * The heap grows by new entries above the break and shrinks by unmapping,
 * so it never needs to resize an object.
 */
int
vm_sbrk(struct vmspace *vm, intptr_t incr, vaddr_t *oldbrk)
{
	vaddr_t old, new, oldtop, newtop;
	int error = 0;

	spin_lock(&vm->lock);
	old = vm->brk;
	new = old + (vaddr_t)incr;
	oldtop = round_page(old);
	if ((incr > 0 && new < old) || (incr < 0 && new > old) ||
	    new < vm->brk_base || new > VM_MAX_USER) {
		spin_unlock(&vm->lock);
		return (incr > 0 ? ENOMEM : EINVAL);
	}
	newtop = round_page(new);
	if (newtop > oldtop)
		error = map_anon_locked(vm, oldtop, newtop - oldtop,
		    VM_PROT_READ | VM_PROT_WRITE, ME_HEAP, false);
	else if (newtop < oldtop)
		error = unmap_locked(vm, newtop, oldtop);
	if (error == 0) {
		vm->brk = new;
		*oldbrk = old;
	}
	spin_unlock(&vm->lock);
	return (error);
}

/* Set the protection of the entry that starts at start (the ELF loader's last step). */
int
vm_map_setprot(struct vmspace *vm, vaddr_t start, vm_prot_t prot)
{
	struct vm_map_entry *e;
	int error = 0;

	spin_lock(&vm->lock);
	if ((e = vm_map_lookup(vm, start)) == NULL || e->start != start)
		error = EINVAL;
	else {
		e->prot = prot;
		pmap_protect(vm->pmap, e->start, e->end, prot);
	}
	spin_unlock(&vm->lock);
	return (error);
}
