/*
 * The machine-independent address space: a vmspace is a sorted list of map
 * entries over [VM_MIN_USER, VM_MAX_USER) plus the pmap that realises them.
 *
 * Each entry is backed by an anonymous object: the entry's pages, filled on
 * first touch (demand zero), in a radix tree of page-sized chunks that
 * objects share copy-on-write (mm/vm_object.c).  A shared entry
 * (MAP_SHARED) holds a reference on an object other entries hold too, so
 * pages faulted in by one process are seen by the others.
 *
 * Fork and its first writes cost the same whatever the size mapped.  At
 * fork a private entry and its copy share one object, both marked
 * ME_NEEDS_COPY, and the child's pmap shares the parent's page-table pages,
 * read-only for both (pmap_copy): neither side faults to read.  The first
 * write fault through a marked entry whose object someone else still holds
 * gives the entry its own object, which shares the old one's chunks (one
 * reference); writing a page then copies the chunks on its path that are
 * still shared, one a level.  From then on the page reference counts rule:
 * a page with more than one reference is mapped read-only in private
 * entries and copied on the first write, and the last holder just gets its
 * write right back.
 */
#ifndef _VM_H_
#define _VM_H_

#include "kernel.h"
#include "queue.h"

struct pmap;

/*
 * Locking: (m) the vmspace's map lock, vm->lock, held for every change to
 * the entry list, the entries, the heap bounds and the pmap, and across
 * copyin/copyout's walk (so that no page they touch is freed under them);
 * (v) the object's lock, since one object may back entries of several
 * vmspaces; (a) atomic.  Order: vmspace -> vmobject -> page.
 */
struct vm_object {
	struct spinlock	lock;
	unsigned	ref;		/* (a) entries holding it */
	size_t		npages;		/* constant */
	unsigned	height;		/* constant: chunk levels above the leaves */
	paddr_t		root;		/* (v) the top chunk, 0 = nothing touched */
};

#define ME_SHARED	0x1		/* MAP_SHARED: survives fork shared */
#define ME_NEEDS_COPY	0x8		/* private, object shared since a fork */

/*
 * What fork gives the child of an entry (minherit(2)), FreeBSD's values.
 * An entry keeps its choice in its flags, so that splitting and fork carry
 * it along: ME_INHERIT_MASK holds 0 for the default (SHARE for a shared
 * entry, COPY for a private one) or the value minherit chose plus one.
 */
#define VM_INHERIT_SHARE	0	/* the child maps the same object */
#define VM_INHERIT_COPY		1	/* the child gets a copy-on-write copy */
#define VM_INHERIT_NONE		2	/* the child has a hole there */
#define VM_INHERIT_ZERO		3	/* the child gets new zero-filled memory */
#define ME_INHERIT_SHIFT	4
#define ME_INHERIT_MASK		(0x7u << ME_INHERIT_SHIFT)
#define ME_INHERIT(v)		(((unsigned)(v) + 1) << ME_INHERIT_SHIFT)

struct vm_map_entry {			/* all (m) */
	TAILQ_ENTRY(vm_map_entry) link;
	vaddr_t		start, end;	/* [start, end), page-aligned */
	vm_prot_t	prot;
	unsigned	flags;		/* ME_* */
	struct vm_object *obj;
	size_t		obj_off;	/* first page of the object this entry maps */
};

struct vmspace {
	TAILQ_HEAD(, vm_map_entry) entries;	/* (m) sorted by start */
	struct pmap	*pmap;		/* contents (m); the pointer is constant */
	unsigned	ref;		/* (a) processes sharing it (RFMEM) */
	vaddr_t		brk_base;	/* set by exec, then constant */
	vaddr_t		mmap_base;	/* set by exec, then constant: mmap's search starts here */
	vaddr_t		brk;		/* (m) the heap: [brk_base, brk) */
	struct spinlock	lock;		/* the (m) lock */
};

struct vmspace *vmspace_alloc(void);
void	vmspace_hold(struct vmspace *);
void	vmspace_release(struct vmspace *);	/* frees it with the last reference */

/*
 * Map [start, start + len) with prot and ME_* flags, backed by a new zero
 * object.  EINVAL outside the user range or unaligned, ENOMEM when the
 * range overlaps an entry or memory is short.
 */
int	vm_map_anon(struct vmspace *, vaddr_t start, size_t len, vm_prot_t prot,
	    unsigned flags);
/* The same, replacing whatever the range held (MAP_FIXED); on failure the old mapping stays. */
int	vm_map_anon_fixed(struct vmspace *, vaddr_t start, size_t len, vm_prot_t prot,
	    unsigned flags);
/*
 * Find room for len bytes at or above hint (the first gap, from hint
 * rounded up to a page and at least VM_MIN_USER) and map it there, in
 * one step; the address in *addr, or ENOMEM when no gap is large enough.
 */
int	vm_map_anon_anywhere(struct vmspace *, vaddr_t hint, size_t len,
	    vm_prot_t prot, unsigned flags, vaddr_t *addr);
/* Unmap [start, end), splitting entries that straddle its edges. */
int	vm_unmap(struct vmspace *, vaddr_t start, vaddr_t end);
/* The entry holding va, or NULL; the map lock is the caller's. */
struct vm_map_entry *vm_map_lookup(struct vmspace *, vaddr_t va);
int	vm_map_setprot(struct vmspace *, vaddr_t start, vm_prot_t prot);

/*
 * mprotect(2): set the protection of [start, end) to prot, splitting the
 * entries at the range's edges (and joining pieces that end up alike
 * again).  Rights taken away leave the pmap before this returns (TLB
 * shootdown included, pmap.h); rights given are left to faults, so a
 * copy-on-write page stays read-only until vm_fault decides otherwise.
 * EINVAL when start or end is unaligned, the range empty or outside user
 * space; ENOMEM when part of the range is not mapped or a split finds no
 * memory, and then nothing has changed.
 */
int	vm_map_protect(struct vmspace *, vaddr_t start, vaddr_t end, vm_prot_t prot);

/*
 * minherit(2): set the inheritance of [start, end) to a VM_INHERIT_*
 * value, splitting entries at the edges.  VM_INHERIT_SHARE of a private
 * entry makes it a shared one at once: a shared entry writes its pages in
 * place, so each page still held copy-on-write with another process is
 * copied here (work in the range's resident pages, paid once, so that
 * fork stays free of it).  EINVAL for another value and as
 * vm_map_protect; ENOMEM when part of the range is not mapped (nothing
 * changed) or memory is short (entries before the one that failed may
 * have changed).
 */
int	vm_map_inherit(struct vmspace *, vaddr_t start, vaddr_t end, int inherit);

/* e's VM_INHERIT_* value; the map lock is the caller's. */
static inline int
vm_entry_inherit(const struct vm_map_entry *e)
{
	unsigned v = (e->flags & ME_INHERIT_MASK) >> ME_INHERIT_SHIFT;

	if (v == 0)
		return ((e->flags & ME_SHARED) ? VM_INHERIT_SHARE : VM_INHERIT_COPY);
	return ((int)v - 1);
}

/*
 * For vm_fork: a new entry over e's range with e's protection and
 * inheritance and a new object of zeroes (what a child gets of a
 * VM_INHERIT_ZERO entry); NULL when memory is short.
 */
struct vm_map_entry *vm_entry_zero_clone(const struct vm_map_entry *e);

/* Resolve a fault at va wanting `access`; 0, EFAULT (no entry or no right) or ENOMEM. */
void	vm_fault_init(void);
int	vm_fault(struct vmspace *, vaddr_t va, vm_prot_t access);
int	vm_fault_locked(struct vmspace *, vaddr_t va, vm_prot_t access);

/*
 * A new vmspace for a forked child, each entry as its inheritance says:
 * by default private entries copy-on-write (no page and no page-table
 * entry is copied here) and shared entries shared; minherit may also leave
 * a hole or give zeroes.  ENOMEM leaves nothing behind in the child.
 */
int	vm_fork(struct vmspace *parent, struct vmspace **childp);

/* Grow or shrink the heap by incr bytes; the old break in *oldbrk. */
int	vm_sbrk(struct vmspace *, intptr_t incr, vaddr_t *oldbrk);

/*
 * Moving bytes across the user boundary.  Both check that the range is
 * user memory the process may access that way (faulting pages in and
 * breaking copy-on-write as needed) and return EFAULT otherwise; nothing
 * here ever touches a user address directly.
 */
int	copyin(struct vmspace *, vaddr_t uaddr, void *kaddr, size_t len);
int	copyout(struct vmspace *, const void *kaddr, vaddr_t uaddr, size_t len);
/* A NUL-terminated string of at most maxlen bytes (with the NUL); ENAMETOOLONG past that. */
int	copyinstr(struct vmspace *, vaddr_t uaddr, char *kaddr, size_t maxlen);

#endif /* !_VM_H_ */
