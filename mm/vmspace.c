/*
 * Address spaces: the sorted entry list, mapping, unmapping with
 * splitting, the heap, and the per-range attributes that split entries
 * too: protection (mprotect) and inheritance (minherit).
 */
#include "hal.h"
#include "page.h"
#include "pmap.h"
#include "sysctl.h"
#include "vm_object.h"
#include "vmmeter.h"

/* (a) The VM's event counters: forks by kind (fork1), faults (vm_fault). */
struct vmmeter vmcnt;
#define VMCNT_SYSCTL(field)	SYSCTL_INT("vm.stats.vm." #field, vmcnt.field)
VMCNT_SYSCTL(v_forks);
VMCNT_SYSCTL(v_vforks);
VMCNT_SYSCTL(v_rforks);
VMCNT_SYSCTL(v_kthreads);
VMCNT_SYSCTL(v_forkpages);
VMCNT_SYSCTL(v_vforkpages);
VMCNT_SYSCTL(v_rforkpages);
VMCNT_SYSCTL(v_kthreadpages);
VMCNT_SYSCTL(v_vm_faults);
VMCNT_SYSCTL(v_cow_faults);
VMCNT_SYSCTL(v_zfod);
VMCNT_SYSCTL(v_pt_shared);
VMCNT_SYSCTL(v_pt_copied);

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
 * Split the entries that straddle start or end, so that [start, end)
 * begins and ends on entry boundaries.  ENOMEM may leave the first edge
 * split and not the second: two entries that map what one did, which
 * changes no address's meaning.
 */
static int
clip_range(struct vmspace *vm, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *e, *tail;
	int error;

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
	return (0);
}

/* Does some entry hold every page of [start, end)? */
static bool
range_mapped(struct vmspace *vm, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *e;
	vaddr_t next = start;

	TAILQ_FOREACH(e, &vm->entries, link) {
		if (e->end <= next)
			continue;
		if (e->start > next)
			return (false);
		if ((next = e->end) >= end)
			return (true);
	}
	return (false);
}

/*
 * Undo the splits that left neighbours alike: join each entry of
 * [start, end), and the ones just outside it, with its successor when both
 * map consecutive pages of one object with the same protection and flags
 * (inheritance included).  The joined entry holds one reference fewer on
 * the object.
 */
static void
coalesce(struct vmspace *vm, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *e, *next;

	TAILQ_FOREACH(e, &vm->entries, link) {
		if (e->end < start)
			continue;
		if (e->start > end)
			break;
		while ((next = TAILQ_NEXT(e, link)) != NULL && next->start == e->end &&
		    next->obj == e->obj && next->prot == e->prot &&
		    next->flags == e->flags &&
		    next->obj_off == e->obj_off + ((e->end - e->start) >> PAGE_SHIFT)) {
			e->end = next->end;
			TAILQ_REMOVE(&vm->entries, next, link);
			vm_entry_free(next);
		}
	}
}

/*
 * The pmap goes first, shootdown included (pmap.h): no CPU can reach a
 * page through a stale TLB entry by the time the page is freed.
 */
static int
unmap_locked(struct vmspace *vm, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *e, *next;
	struct vm_object *obj;
	int error;

	if (end <= start || !range_ok(start, end - start))
		return (EINVAL);
	/* Split first, so that a failure leaves the map as it was. */
	if ((error = clip_range(vm, start, end)) != 0)
		return (error);
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
		    VM_PROT_READ | VM_PROT_WRITE, 0, false);
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

/*
 * The entries of [start, end) cut at its edges, for an operation on the
 * whole range; ENOMEM if part of it is unmapped.  The map lock is held.
 */
static int
clip_mapped(struct vmspace *vm, vaddr_t start, vaddr_t end)
{
	if (!range_mapped(vm, start, end))
		return (ENOMEM);
	return (clip_range(vm, start, end));
}

int
vm_map_protect(struct vmspace *vm, vaddr_t start, vaddr_t end, vm_prot_t prot)
{
	struct vm_map_entry *e;
	vm_prot_t lost, mask;
	int error;

	if (end <= start || !range_ok(start, end - start) || (prot & ~VM_PROT_ALL) != 0)
		return (EINVAL);
	spin_lock(&vm->lock);
	if ((error = clip_mapped(vm, start, end)) == 0) {
		for (e = vm_map_lookup(vm, start); e != NULL && e->start < end;
		    e = TAILQ_NEXT(e, link)) {
			lost = e->prot & ~prot;
			e->prot = prot;
			if (lost == 0)
				continue;
			/*
			 * pmap_protect sets rights, it does not only take
			 * them: a private entry's page may be mapped
			 * read-only because it is copy-on-write, and only
			 * vm_fault may decide that a write can go to it.
			 * So a private entry keeps no write right here (a
			 * write it still has faults once more); a shared
			 * entry's pages are always written in place.
			 */
			mask = (e->flags & ME_SHARED) ? VM_PROT_ALL : ~VM_PROT_WRITE;
			pmap_protect(vm->pmap, e->start, e->end, prot & mask);
		}
	}
	coalesce(vm, start, end);	/* after a failed split too */
	spin_unlock(&vm->lock);
	return (error);
}

/*
 * Make private entry e a shared one, for VM_INHERIT_SHARE.  A shared
 * entry writes its pages in place and its object is the one every sharer
 * sees, so e moves to a new object of its own window whose pages are that
 * object's alone: a page only e's window holds moves over, a page held by
 * another object too (copy-on-write since a fork) or by an object that
 * a fork's other side still reaches is copied.  The pmap's mappings of
 * e go first (they may be read-only copy-on-write ones, or the zero
 * page), so that nothing maps a page whose reference is dropped here.
 * ENOMEM leaves e as it was.  A page "only e's window holds" is one
 * whose chunks on the way (vm_object_lookup's private) and itself have
 * one reference each.
 */
static int
entry_make_shared(struct vmspace *vm, struct vm_map_entry *e)
{
	size_t npages = (e->end - e->start) >> PAGE_SHIFT;
	struct vm_object *old = e->obj, *obj;
	paddr_t *slot, pa, copy;
	bool mine, private;
	int error = 0;

	if ((obj = vm_object_alloc(npages)) == NULL)
		return (ENOMEM);
	pmap_remove(vm->pmap, e->start, e->end);
	spin_lock(&old->lock);
	/* As unmap_locked decides whether the window's pages are e's alone. */
	mine = !(e->flags & ME_NEEDS_COPY) || old->ref == 1;
	/*
	 * First what may fail, with nothing of old changed: copies of the
	 * pages others hold, and the chunks the moved ones will need.
	 */
	for (size_t i = 0; i < npages && error == 0; i++) {
		if ((pa = vm_object_lookup(old, e->obj_off + i, &private)) == 0)
			continue;
		if ((error = vm_object_slot(obj, i, &slot)) != 0)
			break;
		if (mine && private && page_refcount(pa) == 1)
			continue;
		if ((error = page_alloc(&copy, 0)) != 0)
			break;
		memcpy(phys_to_kva(copy), phys_to_kva(pa), PAGE_SIZE);
		*slot = copy;
	}
	if (error != 0) {
		spin_unlock(&old->lock);
		vm_object_release(obj);
		return (ENOMEM);
	}
	/*
	 * Then the moves, out of chunks e's object holds alone (so neither
	 * slot needs a new chunk now), and e's references on the rest go.
	 */
	for (size_t i = 0; i < npages && mine; i++) {
		if ((pa = vm_object_lookup(old, e->obj_off + i, &private)) == 0 ||
		    !private || page_refcount(pa) != 1 || vm_object_lookup(obj, i, &private) != 0)
			continue;
		(void)vm_object_slot(old, e->obj_off + i, &slot);
		*slot = 0;
		(void)vm_object_slot(obj, i, &slot);
		*slot = pa;
	}
	if (mine)
		vm_object_free_range(old, e->obj_off, npages);
	spin_unlock(&old->lock);
	vm_object_release(old);
	e->obj = obj;
	e->obj_off = 0;
	e->flags = (e->flags & ~ME_NEEDS_COPY) | ME_SHARED;
	return (0);
}

int
vm_map_inherit(struct vmspace *vm, vaddr_t start, vaddr_t end, int inherit)
{
	struct vm_map_entry *e;
	int error;

	if (end <= start || !range_ok(start, end - start) ||
	    inherit < VM_INHERIT_SHARE || inherit > VM_INHERIT_ZERO)
		return (EINVAL);
	spin_lock(&vm->lock);
	if ((error = clip_mapped(vm, start, end)) == 0) {
		for (e = vm_map_lookup(vm, start); e != NULL && e->start < end;
		    e = TAILQ_NEXT(e, link)) {
			if (inherit == VM_INHERIT_SHARE && !(e->flags & ME_SHARED) &&
			    (error = entry_make_shared(vm, e)) != 0)
				break;
			e->flags = (e->flags & ~ME_INHERIT_MASK) | ME_INHERIT(inherit);
		}
	}
	coalesce(vm, start, end);	/* after a failed split too */
	spin_unlock(&vm->lock);
	return (error);
}

struct vm_map_entry *
vm_entry_zero_clone(const struct vm_map_entry *e)
{
	struct vm_map_entry *ne;
	struct vm_object *obj;

	if ((obj = vm_object_alloc((e->end - e->start) >> PAGE_SHIFT)) == NULL)
		return (NULL);
	ne = vm_entry_alloc(e->start, e->end, e->prot,
	    e->flags & ~(ME_SHARED | ME_NEEDS_COPY), obj, 0);
	if (ne == NULL)
		vm_object_release(obj);
	return (ne);
}
