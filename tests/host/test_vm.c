/*
 * The map-entry code (insert, split, remove, lookup, findspace, sbrk,
 * mprotect, minherit) and copy-on-write reference counting (vm_fork,
 * vm_fault, copyout), against
 * the fake pmap of fake_pmap.c and the real page allocator and heap.
 */

#include "fake_hal.h"
#include "fake_pmap.h"
#include "host_libc.h"
#include "hal.h"
#include "kernel.h"
#include "page.h"
#include "pmap.h"
#include "tap.h"
#include "vm.h"
#include "vm_object.h"
#include "vmmeter.h"


#define MIB		(1ul << 20)
#define ARENA		(16 * MIB)
#define PG(n)		((vaddr_t)(n) * PAGE_SIZE)
#define BASE		0x100000ul	/* where the tests map things */
#define RW		(VM_PROT_READ | VM_PROT_WRITE)

static int
nentries(struct vmspace *vm)
{
	struct vm_map_entry *e;
	int n = 0;

	TAILQ_FOREACH(e, &vm->entries, link)
		n++;
	return (n);
}

static struct vm_map_entry *
last_entry(struct vmspace *vm)
{
	struct vm_map_entry *e, *last = NULL;

	TAILQ_FOREACH(e, &vm->entries, link)
		last = e;
	return (last);
}

/* Entries sorted, non-empty, page-aligned and disjoint. */
static bool
map_sane(struct vmspace *vm)
{
	struct vm_map_entry *e;
	vaddr_t last = 0;

	TAILQ_FOREACH(e, &vm->entries, link) {
		if (e->start >= e->end || e->start < last ||
		    (e->start & PAGE_MASK) != 0 || (e->end & PAGE_MASK) != 0 ||
		    e->obj_off + ((e->end - e->start) >> PAGE_SHIFT) > e->obj->npages)
			return (false);
		last = e->end;
	}
	return (true);
}

static bool
has_entry(struct vmspace *vm, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *e = vm_map_lookup(vm, start);

	return (e != NULL && e->start == start && e->end == end);
}

/* The page behind va in the entry's object (0: not yet touched). */
static paddr_t
obj_page(struct vmspace *vm, vaddr_t va)
{
	struct vm_map_entry *e = vm_map_lookup(vm, va);
	bool private;

	if (e == NULL)
		return (0);
	return (vm_object_lookup(e->obj, e->obj_off + ((trunc_page(va) - e->start) >> PAGE_SHIFT),
	    &private));
}

static paddr_t
mapped_pa(struct vmspace *vm, vaddr_t va)
{
	paddr_t pa;

	return (pmap_extract(vm->pmap, va, &pa, NULL) ? trunc_page(pa) : 0);
}

static vm_prot_t
mapped_prot(struct vmspace *vm, vaddr_t va)
{
	vm_prot_t prot;

	return (pmap_extract(vm->pmap, va, NULL, &prot) ? prot : 0);
}

/* Write byte v at va the way the CPU would: through the pmap, faulting first if needed. */
static int
poke(struct vmspace *vm, vaddr_t va, unsigned char v)
{
	int error;

	if ((mapped_prot(vm, va) & VM_PROT_WRITE) == 0 &&
	    (error = vm_fault(vm, va, VM_PROT_WRITE)) != 0)
		return (error);
	*(unsigned char *)phys_to_kva(mapped_pa(vm, va) + (va & PAGE_MASK)) = v;
	return (0);
}

static int
peek(struct vmspace *vm, vaddr_t va)
{
	if (mapped_pa(vm, va) == 0 && vm_fault(vm, va, VM_PROT_READ) != 0)
		return (-1);
	return (*(unsigned char *)phys_to_kva(mapped_pa(vm, va) + (va & PAGE_MASK)));
}

static void
test_insert_lookup(void)
{
	uint64_t free0 = v_free_count;
	struct vmspace *vm = vmspace_alloc();
	struct vm_map_entry *e;
	int n;

	ok(vm != NULL && nentries(vm) == 0 && vm->ref == 1, "a new vmspace is empty with one reference");
	ok(vm_map_anon(vm, BASE + PG(10), PG(4), RW, 0) == 0, "vm_map_anon maps a free range");
	e = vm_map_lookup(vm, BASE + PG(10));
	ok(e != NULL && e->start == BASE + PG(10) && e->end == BASE + PG(14) &&
	    e->prot == RW && e->flags == 0 && e->obj != NULL && e->obj->npages == 4,
	    "the new entry has the range, protection and a 4-page object");
	ok(vm_map_lookup(vm, BASE + PG(14) - 1) == e && vm_map_lookup(vm, BASE + PG(12) + 123) == e,
	    "vm_map_lookup finds the entry from its last byte and from inside it");
	ok(vm_map_lookup(vm, BASE + PG(14)) == NULL && vm_map_lookup(vm, BASE + PG(10) - 1) == NULL,
	    "vm_map_lookup finds nothing at the entry's end or just before its start");
	ok(vm_map_anon(vm, BASE + PG(2), PG(2), RW, 0) == 0 &&
	    vm_map_anon(vm, BASE + PG(20), PG(1), VM_PROT_READ, ME_SHARED) == 0 &&
	    vm_map_anon(vm, BASE + PG(6), PG(2), RW, 0) == 0,
	    "entries below, above and between existing ones are accepted");
	ok(nentries(vm) == 4 && map_sane(vm) &&
	    TAILQ_FIRST(&vm->entries)->start == BASE + PG(2) &&
	    last_entry(vm)->start == BASE + PG(20),
	    "the entry list stays sorted by address");
	ok(vm_map_anon(vm, BASE + PG(14), PG(2), RW, 0) == 0 &&
	    vm_map_anon(vm, BASE + PG(8), PG(2), RW, 0) == 0,
	    "ranges that touch an entry at either end are accepted");
	n = nentries(vm);
	uint64_t before = v_free_count;
	ok(vm_map_anon(vm, BASE + PG(9), PG(2), RW, 0) == ENOMEM &&
	    vm_map_anon(vm, BASE + PG(13), PG(2), RW, 0) == ENOMEM &&
	    vm_map_anon(vm, BASE + PG(11), PG(1), RW, 0) == ENOMEM &&
	    vm_map_anon(vm, BASE + PG(1), PG(30), RW, 0) == ENOMEM &&
	    vm_map_anon(vm, BASE + PG(10), PG(4), RW, 0) == ENOMEM,
	    "a range overlapping an entry's head, tail, inside, all of it, or exactly is ENOMEM");
	ok(nentries(vm) == n && map_sane(vm) && v_free_count == before,
	    "a refused mapping leaves the map and the free page count as they were");
	ok(vm_map_anon(vm, BASE + 1, PG(1), RW, 0) == EINVAL &&
	    vm_map_anon(vm, BASE, PG(1) + 1, RW, 0) == EINVAL &&
	    vm_map_anon(vm, BASE, 0, RW, 0) == EINVAL &&
	    vm_map_anon(vm, VM_MIN_USER - PAGE_SIZE, PG(1), RW, 0) == EINVAL &&
	    vm_map_anon(vm, VM_MAX_USER - PAGE_SIZE, PG(2), RW, 0) == EINVAL &&
	    vm_map_anon(vm, VM_MAX_USER, PG(1), RW, 0) == EINVAL &&
	    vm_map_anon(vm, BASE, (size_t)-PAGE_SIZE, RW, 0) == EINVAL,
	    "unaligned, empty, below-user, past-the-top and wrapping ranges are EINVAL");
	ok(vm_map_anon(vm, VM_MIN_USER, PG(1), RW, 0) == 0 &&
	    vm_map_anon(vm, VM_MAX_USER - PAGE_SIZE, PG(1), RW, 0) == 0,
	    "the first and the last user page can be mapped");
	ok(vm_map_lookup(vm, VM_MAX_USER - 1) != NULL && vm_map_lookup(vm, VM_MIN_USER) != NULL &&
	    vm_map_lookup(vm, 0) == NULL, "vm_map_lookup at the user range's edges");
	vmspace_release(vm);
	ok(v_free_count == free0 && fake_pmap_live() == 0,
	    "releasing the vmspace returns every page and destroys its pmap");
}

static void
test_unmap(void)
{
	uint64_t free0 = v_free_count, before;
	struct vmspace *vm = vmspace_alloc();
	paddr_t pa6, pa0;
	bool all = true;

	vm_map_anon(vm, BASE, PG(8), RW, 0);
	for (int i = 0; i < 8; i++)
		all &= poke(vm, BASE + PG(i), (unsigned char)(0x10 + i)) == 0;
	ok(all && fake_pmap_count(vm->pmap, BASE, BASE + PG(8)) == 8,
	    "writing 8 pages of an entry faults each in, writable");
	pa6 = mapped_pa(vm, BASE + PG(6));
	pa0 = mapped_pa(vm, BASE);
	before = v_free_count;
	ok(vm_unmap(vm, BASE + PG(2), BASE + PG(5)) == 0, "vm_unmap of a hole in the middle succeeds");
	ok(nentries(vm) == 2 && map_sane(vm) && has_entry(vm, BASE, BASE + PG(2)) &&
	    has_entry(vm, BASE + PG(5), BASE + PG(8)),
	    "the hole splits the entry in two: [0,2) and [5,8) pages");
	ok(vm_map_lookup(vm, BASE + PG(2)) == NULL && vm_map_lookup(vm, BASE + PG(4) + 99) == NULL,
	    "nothing is found in the hole");
	ok(fake_pmap_count(vm->pmap, BASE + PG(2), BASE + PG(5)) == 0 &&
	    fake_pmap_count(vm->pmap, BASE, BASE + PG(8)) == 5,
	    "the hole's mappings are removed from the pmap, the others stay");
	ok(v_free_count == before + 3, "the hole's 3 pages go back to the free list (%ld)",
	    (long)(v_free_count - before));
	ok(mapped_pa(vm, BASE + PG(6)) == pa6 && obj_page(vm, BASE + PG(6)) == pa6 &&
	    mapped_pa(vm, BASE) == pa0 && peek(vm, BASE + PG(6)) == 0x16 && peek(vm, BASE + PG(1)) == 0x11,
	    "the tail entry's object offset still reaches the same pages and data");
	pmap_remove(vm->pmap, BASE, BASE + PG(8));
	ok(peek(vm, BASE + PG(7)) == 0x17 && peek(vm, BASE) == 0x10 && v_free_count == before + 3,
	    "faulting the pages in again finds the same data, with no new page");
	ok(vm_fault(vm, BASE + PG(3), VM_PROT_READ) == EFAULT, "a fault in the hole is EFAULT");

	before = v_free_count;
	ok(vm_unmap(vm, BASE, BASE + PG(1)) == 0 && has_entry(vm, BASE + PG(1), BASE + PG(2)) &&
	    v_free_count == before + 1 && peek(vm, BASE + PG(1)) == 0x11,
	    "unmapping an entry's first page trims its head and keeps the rest");
	ok(vm_unmap(vm, BASE + PG(7), BASE + PG(8)) == 0 && has_entry(vm, BASE + PG(5), BASE + PG(7)) &&
	    v_free_count == before + 2 && peek(vm, BASE + PG(6)) == 0x16,
	    "unmapping an entry's last page trims its tail and keeps the rest");
	ok(nentries(vm) == 2 && map_sane(vm), "two entries remain");

	before = v_free_count;
	ok(vm_unmap(vm, BASE + PG(100), BASE + PG(110)) == 0 && nentries(vm) == 2 &&
	    v_free_count == before, "unmapping an empty range succeeds and changes nothing");
	ok(vm_unmap(vm, BASE + 1, BASE + PG(2)) == EINVAL && vm_unmap(vm, BASE, BASE) == EINVAL &&
	    vm_unmap(vm, BASE + PG(2), BASE) == EINVAL && nentries(vm) == 2,
	    "vm_unmap of a misaligned or empty range is EINVAL");

	vm_map_anon(vm, BASE + PG(10), PG(4), RW, 0);
	vm_map_anon(vm, BASE + PG(20), PG(4), RW, 0);
	for (int i = 10; i < 24; i++)
		poke(vm, BASE + PG(i), 1);
	before = v_free_count;
	ok(vm_unmap(vm, BASE + PG(12), BASE + PG(22)) == 0 && has_entry(vm, BASE + PG(10), BASE + PG(12)) &&
	    has_entry(vm, BASE + PG(22), BASE + PG(24)) && nentries(vm) == 4 && map_sane(vm),
	    "one unmap across two entries and the gap between trims both");
	ok(v_free_count == before + 4, "and frees exactly the 4 resident pages it covered (%ld)",
	    (long)(v_free_count - before));
	ok(vm_unmap(vm, VM_MIN_USER, VM_MAX_USER) == 0 && nentries(vm) == 0 &&
	    fake_pmap_count(vm->pmap, VM_MIN_USER, VM_MAX_USER) == 0,
	    "unmapping the whole user range removes every entry and mapping");
	vmspace_release(vm);
	ok(v_free_count == free0, "every page is back after the unmap tests");
}

/* Where vm_map_anon_anywhere puts len bytes for hint: map, note the address, unmap. */
static int
findspace(struct vmspace *vm, vaddr_t hint, size_t len, vaddr_t *addr)
{
	int error = vm_map_anon_anywhere(vm, hint, len, RW, 0, addr);

	if (error == 0)
		error = vm_unmap(vm, *addr, *addr + len);
	return (error);
}

static void
test_findspace(void)
{
	struct vmspace *vm = vmspace_alloc();
	vaddr_t a = 0;

	ok(findspace(vm, BASE, PG(3), &a) == 0 && a == BASE,
	    "findspace in an empty map returns the hint");
	ok(findspace(vm, 0, PG(1), &a) == 0 && a == VM_MIN_USER,
	    "findspace with hint 0 starts at VM_MIN_USER");
	ok(findspace(vm, BASE + 5, PG(1), &a) == 0 && a == BASE + PAGE_SIZE,
	    "an unaligned hint is rounded up to a page");
	vm_map_anon(vm, BASE, PG(4), RW, 0);
	vm_map_anon(vm, BASE + PG(6), PG(4), RW, 0);	/* a 2-page gap at 4 */
	vm_map_anon(vm, BASE + PG(13), PG(4), RW, 0);	/* a 3-page gap at 10 */
	ok(findspace(vm, BASE, PG(2), &a) == 0 && a == BASE + PG(4),
	    "findspace takes a gap of exactly the size asked");
	ok(findspace(vm, BASE, PG(3), &a) == 0 && a == BASE + PG(10),
	    "findspace skips a gap that is too small");
	ok(findspace(vm, BASE, PG(4), &a) == 0 && a == BASE + PG(17),
	    "findspace goes past the last entry when no gap fits");
	ok(findspace(vm, BASE + PG(7), PG(1), &a) == 0 && a == BASE + PG(10),
	    "a hint inside an entry moves to that entry's end");
	ok(findspace(vm, BASE, 0, &a) == ENOMEM &&
	    findspace(vm, BASE, VM_MAX_USER, &a) == ENOMEM &&
	    findspace(vm, VM_MAX_USER - PG(1), PG(2), &a) == ENOMEM,
	    "an empty, too large, or past-the-top request is ENOMEM");
	vm_map_anon(vm, VM_MAX_USER - PG(4), PG(4), RW, 0);
	ok(findspace(vm, VM_MAX_USER - PG(6), PG(3), &a) == ENOMEM &&
	    findspace(vm, VM_MAX_USER - PG(6), PG(2), &a) == 0 && a == VM_MAX_USER - PG(6),
	    "findspace below an entry at the top: the room that is there and no more");
	ok(vm_map_anon(vm, a, PG(2), RW, 0) == 0, "the range findspace returned can be mapped");
	vmspace_release(vm);
}

static void
test_sbrk(void)
{
	uint64_t free0 = v_free_count;
	struct vmspace *vm = vmspace_alloc();
	paddr_t gone[3];
	vaddr_t old = 0;
	int n;

	vm->brk_base = vm->brk = BASE + PG(4);
	ok(vm_sbrk(vm, 0, &old) == 0 && old == BASE + PG(4) && nentries(vm) == 0,
	    "sbrk(0) returns the break and maps nothing");
	ok(vm_sbrk(vm, (intptr_t)PG(3) + 100, &old) == 0 && old == BASE + PG(4) &&
	    vm->brk == BASE + PG(7) + 100 && has_entry(vm, BASE + PG(4), BASE + PG(8)),
	    "growing by 3 pages and 100 bytes maps 4 whole pages above the old break");
	ok(vm_sbrk(vm, 100, &old) == 0 && old == BASE + PG(7) + 100 && nentries(vm) == 1,
	    "growing inside the last page maps nothing new");
	ok(vm_sbrk(vm, (intptr_t)PG(2), &old) == 0 && vm_map_lookup(vm, BASE + PG(9)) != NULL &&
	    vm->brk == BASE + PG(9) + 200,
	    "growing again maps the pages above");
	for (vaddr_t va = BASE + PG(4); va < vm->brk; va += PAGE_SIZE)
		poke(vm, va, 7);
	for (int i = 0; i < 3; i++)
		gone[i] = mapped_pa(vm, BASE + PG(7 + i));
	ok(vm_sbrk(vm, -(intptr_t)PG(3), &old) == 0 && old == BASE + PG(9) + 200 &&
	    vm->brk == BASE + PG(6) + 200 && vm_map_lookup(vm, BASE + PG(7)) == NULL &&
	    vm_map_lookup(vm, BASE + PG(6)) != NULL,
	    "shrinking by 3 pages unmaps the pages above the new break");
	ok(page_refcount(gone[0]) == 0 && page_refcount(gone[1]) == 0 && page_refcount(gone[2]) == 0 &&
	    page_refcount(mapped_pa(vm, BASE + PG(6))) == 1 &&
	    fake_pmap_count(vm->pmap, BASE + PG(7), BASE + PG(10)) == 0,
	    "and frees exactly those 3 pages and their mappings");
	ok(vm_sbrk(vm, -(intptr_t)PG(10), &old) == EINVAL && vm->brk == BASE + PG(6) + 200,
	    "shrinking below the heap's base is EINVAL and leaves the break");
	vm_map_anon(vm, BASE + PG(12), PG(1), RW, 0);
	n = nentries(vm);
	ok(vm_sbrk(vm, (intptr_t)PG(8), &old) == ENOMEM && vm->brk == BASE + PG(6) + 200 &&
	    nentries(vm) == n, "growing into another mapping is ENOMEM and leaves the break");
	ok(vm_sbrk(vm, INTPTR_MAX, &old) == ENOMEM && vm->brk == BASE + PG(6) + 200,
	    "a huge increment is ENOMEM");
	ok(vm_sbrk(vm, -(intptr_t)(PG(2) + 200), &old) == 0 && vm->brk == vm->brk_base &&
	    vm_map_lookup(vm, BASE + PG(4)) == NULL,
	    "shrinking back to the base unmaps the whole heap");
	vmspace_release(vm);
	ok(v_free_count == free0, "every page is back after the sbrk tests");
}

#define NPRIV	8
#define PRIV	BASE			/* 8 private pages */
#define SHR	(BASE + PG(16))		/* 2 shared pages */
#define RO	(BASE + PG(32))		/* 1 read-only page */

static void
test_cow(void)
{
	uint64_t free0 = v_free_count, before;
	struct vmspace *p, *c, *c2;
	paddr_t orig[NPRIV];
	bool same = true, held = true;
	int calls, copies, error;

	p = vmspace_alloc();
	vm_map_anon(p, PRIV, PG(NPRIV + 2), RW, 0);	/* 2 pages stay untouched */
	vm_map_anon(p, SHR, PG(2), RW, ME_SHARED);
	vm_map_anon(p, RO, PG(1), VM_PROT_READ, 0);
	p->brk_base = 0x4000000;
	p->brk = 0x4000123;
	for (int i = 0; i < NPRIV; i++) {
		poke(p, PRIV + PG(i), (unsigned char)(0xa0 + i));
		orig[i] = mapped_pa(p, PRIV + PG(i));
	}
	poke(p, SHR, 0x55);
	peek(p, RO);
	ok(fake_pmap_count_prot(p->pmap, PRIV, PRIV + PG(NPRIV), RW) == NPRIV &&
	    mapped_prot(p, RO) == VM_PROT_READ,
	    "before fork the parent's private pages are mapped writable");

	before = v_free_count;
	calls = fake_pmap_protect_calls();
	copies = fake_pmap_copy_calls();
	error = vm_fork(p, &c);
	ok(error == 0 && c != NULL && c != p && c->pmap != p->pmap,
	    "vm_fork makes a new vmspace with its own pmap");
	ok(before - v_free_count <= 2,
	    "vm_fork copies no page (%ld pages used, for entries and objects)",
	    (long)(before - v_free_count));
	ok(nentries(c) == 3 && has_entry(c, PRIV, PRIV + PG(NPRIV + 2)) && has_entry(c, SHR, SHR + PG(2)) &&
	    has_entry(c, RO, RO + PG(1)) && map_sane(c) && c->brk_base == p->brk_base &&
	    c->brk == p->brk, "the child has the parent's entries and break");
	ok(vm_map_lookup(c, SHR)->obj == vm_map_lookup(p, SHR)->obj &&
	    vm_map_lookup(c, SHR)->obj->ref == 2,
	    "a shared entry's object is the parent's, with a second reference");
	ok(vm_map_lookup(c, PRIV)->obj == vm_map_lookup(p, PRIV)->obj &&
	    vm_map_lookup(p, PRIV)->obj->ref == 2 &&
	    (vm_map_lookup(c, PRIV)->flags & ME_NEEDS_COPY) &&
	    (vm_map_lookup(p, PRIV)->flags & ME_NEEDS_COPY),
	    "a private entry shares the parent's object until a write, both marked needs-copy");
	for (int i = 0; i < NPRIV; i++) {
		same &= obj_page(c, PRIV + PG(i)) == orig[i];
		held &= page_refcount(orig[i]) == 1;
	}
	ok(same && obj_page(c, PRIV + PG(NPRIV)) == 0,
	    "the child sees the parent's pages, untouched ones stay empty");
	ok(held, "fork does no per-page work: no page gains a reference");
	ok(fake_pmap_count(p->pmap, PRIV, PRIV + PG(NPRIV)) == NPRIV &&
	    fake_pmap_count_prot(p->pmap, PRIV, PRIV + PG(NPRIV), RW) == 0,
	    "the parent keeps its private mappings, read-only: reads do not fault, a write does");
	ok(fake_pmap_count_prot(p->pmap, SHR, SHR + PG(1), VM_PROT_READ) == 1 &&
	    fake_pmap_count_prot(p->pmap, SHR, SHR + PG(1), RW) == 0,
	    "the parent's shared page is mapped read-only too (its write right comes back on a fault)");
	ok(fake_pmap_protect_calls() == calls && fake_pmap_copy_calls() == copies + 1 &&
	    mapped_prot(p, RO) == VM_PROT_READ,
	    "one pmap_copy call and no pmap_protect pass; the read-only page keeps its mapping");
	ok(fake_pmap_count(c->pmap, VM_MIN_USER, VM_MAX_USER) ==
	    fake_pmap_count(p->pmap, VM_MIN_USER, VM_MAX_USER) &&
	    fake_pmap_count_prot(c->pmap, VM_MIN_USER, VM_MAX_USER, RW) == 0 &&
	    mapped_pa(c, PRIV + PG(1)) == orig[1],
	    "the child's pmap maps what the parent's does, all read-only");

	/*
	 * The child writes page 0: its entry gets an object sharing the
	 * parent's chunk, then copies the chunk and the page; the parent keeps
	 * its page.
	 */
	before = v_free_count;
	error = vm_fault(c, PRIV, VM_PROT_WRITE);
	ok(error == 0 && v_free_count == before - 2,
	    "a write fault in the child copies exactly one page and one chunk (%ld)",
	    (long)(before - v_free_count));
	ok(mapped_pa(c, PRIV) != orig[0] && obj_page(c, PRIV) == mapped_pa(c, PRIV) &&
	    (mapped_prot(c, PRIV) & VM_PROT_WRITE) && peek(c, PRIV) == 0xa0,
	    "the child's copy is a new page, writable, with the parent's data");
	poke(c, PRIV, 0x01);
	ok(obj_page(p, PRIV) == orig[0] && peek(p, PRIV) == 0xa0 &&
	    page_refcount(orig[0]) == 1 && page_refcount(mapped_pa(c, PRIV)) == 1,
	    "the parent keeps its page and data; each page has one reference");

	/* The parent writes page 1: one copy, the child keeps the original. */
	before = v_free_count;
	error = vm_fault(p, PRIV + PG(1), VM_PROT_WRITE);
	ok(error == 0 && v_free_count == before - 1,
	    "a write fault in the parent copies exactly one page (%ld)", (long)(before - v_free_count));
	poke(p, PRIV + PG(1), 0x02);
	ok(obj_page(c, PRIV + PG(1)) == orig[1] && peek(c, PRIV + PG(1)) == 0xa1 &&
	    mapped_pa(p, PRIV + PG(1)) != orig[1] && page_refcount(orig[1]) == 1,
	    "the child keeps the original page and data");

	/* The parent writes page 0, which the child has already copied: nothing to copy. */
	before = v_free_count;
	ok(vm_fault(p, PRIV, VM_PROT_WRITE) == 0 && v_free_count == before &&
	    mapped_pa(p, PRIV) == orig[0] && (mapped_prot(p, PRIV) & VM_PROT_WRITE),
	    "the last holder's write fault copies nothing and gives the write right back");
	/* The child reads page 2: shared, read-only, no copy. */
	before = v_free_count;
	ok(vm_fault(c, PRIV + PG(2), VM_PROT_READ) == 0 && v_free_count == before &&
	    mapped_pa(c, PRIV + PG(2)) == orig[2] && mapped_prot(c, PRIV + PG(2)) == VM_PROT_READ,
	    "a read fault in the child maps the shared page read-only, with no copy");
	/* Untouched page: demand zero in each, separately. */
	before = v_free_count;
	ok(vm_fault(c, PRIV + PG(NPRIV), VM_PROT_WRITE) == 0 && v_free_count == before - 1 &&
	    obj_page(p, PRIV + PG(NPRIV)) == 0 && peek(c, PRIV + PG(NPRIV)) == 0,
	    "a page untouched at fork is demand-zero in the child alone");
	/* Shared: the same page on both sides. */
	before = v_free_count;
	ok(poke(c, SHR, 0x66) == 0 && peek(p, SHR) == 0x66 && v_free_count == before &&
	    mapped_pa(c, SHR) == mapped_pa(p, SHR),
	    "a write to the shared page in the child is the parent's page, no copy");
	ok(poke(c, SHR + PG(1), 0x77) == 0 && peek(p, SHR + PG(1)) == 0x77 && v_free_count == before - 1,
	    "a shared page first touched after fork is seen by the parent");
	ok(vm_fault(c, RO, VM_PROT_WRITE) == EFAULT && vm_fault(c, BASE + PG(40), VM_PROT_READ) == EFAULT,
	    "a write to a read-only entry and a fault outside every entry are EFAULT");

	/* Kernel copy-on-write: copyout into a shared page copies it. */
	{
		uint32_t v = 0xdeadbeef, r = 0;

		before = v_free_count;
		ok(copyout(c, &v, PRIV + PG(3) + 8, sizeof(v)) == 0 && v_free_count == before - 1 &&
		    peek(p, PRIV + PG(3) + 8) == 0 && obj_page(p, PRIV + PG(3)) == orig[3],
		    "copyout into a copy-on-write page copies it and leaves the parent's alone");
		ok(copyin(c, PRIV + PG(3) + 8, &r, sizeof(r)) == 0 && r == v,
		    "copyin reads back what copyout wrote");
		ok(copyout(c, &v, RO, sizeof(v)) == EFAULT && copyout(c, &v, BASE + PG(40), 4) == EFAULT &&
		    copyin(c, BASE + PG(40), &r, 4) == EFAULT,
		    "copyout to a read-only page and copyin/copyout of a hole are EFAULT");
	}

	/* A second child: three holders of page 4 once the parent writes. */
	ok(vm_fork(p, &c2) == 0 && page_refcount(orig[4]) == 2 &&
	    vm_map_lookup(c2, PRIV)->obj == vm_map_lookup(p, PRIV)->obj,
	    "a second fork shares the parent's object again and leaves page counts alone");
	before = v_free_count;
	ok(vm_fault(c, PRIV + PG(4), VM_PROT_WRITE) == 0 && vm_fault(p, PRIV + PG(4), VM_PROT_WRITE) == 0 &&
	    v_free_count == before - 3 && page_refcount(orig[4]) == 1,
	    "two of three holders copy, one page each, and the parent (sharing its chunk "
	    "with the second child) that chunk too (%ld)", (long)(before - v_free_count));
	before = v_free_count;
	ok(vm_fault(c2, PRIV + PG(4), VM_PROT_WRITE) == 0 && v_free_count == before &&
	    mapped_pa(c2, PRIV + PG(4)) == orig[4] && peek(c2, PRIV + PG(4)) == 0xa4,
	    "the third, now alone, copies nothing");
	before = v_free_count;
	vmspace_release(c2);
	ok(v_free_count > before, "releasing the second child frees its pages");

	/* The child goes: the parent becomes the last holder of every page. */
	vmspace_hold(c);
	vmspace_release(c);
	ok(c->ref == 1 && fake_pmap_live() == 2, "a held vmspace survives one release");
	before = v_free_count;
	vmspace_release(c);
	ok(v_free_count > before && page_refcount(orig[5]) == 1 && fake_pmap_live() == 1,
	    "releasing the child frees its pages and leaves the parent's with one reference");
	before = v_free_count;
	ok(vm_fault(p, PRIV + PG(5), VM_PROT_WRITE) == 0 && v_free_count == before &&
	    mapped_pa(p, PRIV + PG(5)) == orig[5] && peek(p, PRIV + PG(5)) == 0xa5,
	    "after the child is gone, the parent's write copies nothing");
	ok(peek(p, PRIV + PG(2)) == 0xa2 && peek(p, PRIV + PG(3) + 8) == 0,
	    "the parent's data survived every write of the children");
	vmspace_release(p);
	ok(v_free_count == free0 && fake_pmap_live() == 0,
	    "releasing both vmspaces returns every page (%ld short)", (long)(free0 - v_free_count));
}

/* The entry holding va has prot and inheritance inh. */
static bool
entry_is(struct vmspace *vm, vaddr_t start, vaddr_t end, vm_prot_t prot, int inh)
{
	struct vm_map_entry *e = vm_map_lookup(vm, start);

	return (e != NULL && e->start == start && e->end == end && e->prot == prot &&
	    vm_entry_inherit(e) == inh);
}

#define RO_	VM_PROT_READ
#define RWX	(VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC)
#define PRIV2	(BASE + PG(48))
#define PRIV3	(BASE + PG(56))

/* mprotect: splitting, the pmap's rights, errors, copy-on-write kept. */
static void
test_mprotect(void)
{
	uint64_t free0 = v_free_count, before;
	struct vmspace *vm = vmspace_alloc(), *c;
	bool all = true;
	paddr_t pa;
	int n, calls;

	vm_map_anon(vm, BASE, PG(8), RW, 0);
	for (int i = 0; i < 8; i++)
		poke(vm, BASE + PG(i), (unsigned char)(0x30 + i));
	ok(vm_map_protect(vm, BASE + PG(2), BASE + PG(5), VM_PROT_READ) == 0,
	    "vm_map_protect of 3 pages in the middle of an entry succeeds");
	ok(nentries(vm) == 3 && map_sane(vm) && entry_is(vm, BASE, BASE + PG(2), RW, VM_INHERIT_COPY) &&
	    entry_is(vm, BASE + PG(2), BASE + PG(5), RO_, VM_INHERIT_COPY) &&
	    entry_is(vm, BASE + PG(5), BASE + PG(8), RW, VM_INHERIT_COPY),
	    "it splits the entry at both edges; the rest keeps its rights");
	ok(fake_pmap_count(vm->pmap, BASE + PG(2), BASE + PG(5)) == 3 &&
	    fake_pmap_count_prot(vm->pmap, BASE + PG(2), BASE + PG(5), VM_PROT_WRITE) == 0 &&
	    fake_pmap_count_prot(vm->pmap, BASE, BASE + PG(8), RW) == 5,
	    "the range's mappings lose the write right, the others keep it");
	ok(vm_fault(vm, BASE + PG(3), VM_PROT_WRITE) == EFAULT && peek(vm, BASE + PG(3)) == 0x33 &&
	    poke(vm, BASE + PG(5), 0x45) == 0,
	    "a write fault in the read-only part is EFAULT, a read works, the rest stays writable");
	calls = fake_pmap_protect_calls();
	ok(vm_map_protect(vm, BASE + PG(2), BASE + PG(5), RW) == 0 && nentries(vm) == 1 &&
	    entry_is(vm, BASE, BASE + PG(8), RW, VM_INHERIT_COPY) && map_sane(vm),
	    "giving the write right back joins the three entries into one again");
	ok(fake_pmap_protect_calls() == calls &&
	    fake_pmap_count_prot(vm->pmap, BASE + PG(2), BASE + PG(5), VM_PROT_WRITE) == 0,
	    "raising rights leaves the pmap alone (faults do it)");
	ok(poke(vm, BASE + PG(3), 0x43) == 0 && peek(vm, BASE + PG(3)) == 0x43 &&
	    (mapped_prot(vm, BASE + PG(3)) & VM_PROT_WRITE),
	    "and the next write fault maps the page writable");

	ok(vm_map_protect(vm, BASE, BASE + PG(1), VM_PROT_NONE) == 0 &&
	    fake_pmap_count(vm->pmap, BASE, BASE + PG(1)) == 0 &&
	    vm_fault(vm, BASE, VM_PROT_READ) == EFAULT,
	    "PROT_NONE removes the mapping and a read fault is EFAULT");
	ok(vm_map_protect(vm, BASE, BASE + PG(1), VM_PROT_READ) == 0 && peek(vm, BASE) == 0x30 &&
	    mapped_prot(vm, BASE) == VM_PROT_READ && nentries(vm) == 2,
	    "PROT_READ after PROT_NONE reads the data again");
	ok(vm_map_protect(vm, BASE, BASE + PG(8), RW) == 0 && nentries(vm) == 1,
	    "one call over both pieces joins them");

	vm_map_anon(vm, BASE + PG(10), PG(2), RW, 0);
	n = nentries(vm);
	ok(vm_map_protect(vm, BASE + PG(6), BASE + PG(11), VM_PROT_READ) == ENOMEM &&
	    vm_map_protect(vm, BASE + PG(9), BASE + PG(10), VM_PROT_READ) == ENOMEM &&
	    vm_map_protect(vm, BASE + PG(11), BASE + PG(13), VM_PROT_READ) == ENOMEM,
	    "a range with an unmapped page (in the middle, alone, at the end) is ENOMEM");
	ok(nentries(vm) == n && entry_is(vm, BASE, BASE + PG(8), RW, VM_INHERIT_COPY) &&
	    entry_is(vm, BASE + PG(10), BASE + PG(12), RW, VM_INHERIT_COPY) &&
	    fake_pmap_count_prot(vm->pmap, BASE + PG(6), BASE + PG(8), RW) == 2,
	    "and changes nothing, not even a split");
	ok(vm_map_protect(vm, BASE + 1, BASE + PG(1), RW) == EINVAL &&
	    vm_map_protect(vm, BASE, BASE + 1, RW) == EINVAL &&
	    vm_map_protect(vm, BASE, BASE, RW) == EINVAL &&
	    vm_map_protect(vm, BASE, BASE + PG(1), 0x8) == EINVAL,
	    "unaligned, empty, or unknown protection bits are EINVAL");

	/* A shared entry: lowering and raising keep writing in place. */
	vm_map_anon(vm, BASE + PG(20), PG(1), RW, ME_SHARED);
	poke(vm, BASE + PG(20), 0x50);
	pa = mapped_pa(vm, BASE + PG(20));
	ok(vm_map_protect(vm, BASE + PG(20), BASE + PG(21), RO_) == 0 &&
	    mapped_prot(vm, BASE + PG(20)) == RO_ &&
	    vm_map_protect(vm, BASE + PG(20), BASE + PG(21), RW) == 0 &&
	    poke(vm, BASE + PG(20), 0x51) == 0 && mapped_pa(vm, BASE + PG(20)) == pa,
	    "a shared page made read-only then writable again is written in place");

	/*
	 * Copy-on-write survives: after fork, the parent's read maps the
	 * shared page read-only; neither raising the write right nor lowering
	 * only the exec right may let a write reach it without a copy.
	 */
	vm_map_anon(vm, BASE + PG(30), PG(2), RWX, 0);
	poke(vm, BASE + PG(30), 0x60);
	poke(vm, BASE + PG(31), 0x61);
	ok(vm_fork(vm, &c) == 0, "fork");
	pa = obj_page(vm, BASE + PG(30));
	ok(peek(vm, BASE + PG(30)) == 0x60 && peek(vm, BASE + PG(31)) == 0x61 &&
	    !(mapped_prot(vm, BASE + PG(30)) & VM_PROT_WRITE),
	    "after fork the parent's read maps its copy-on-write page read-only");
	ok(vm_map_protect(vm, BASE + PG(30), BASE + PG(32), RO_) == 0 &&
	    vm_map_protect(vm, BASE + PG(30), BASE + PG(32), RWX) == 0 &&
	    !(mapped_prot(vm, BASE + PG(30)) & VM_PROT_WRITE),
	    "mprotect read-only then read-write: the page stays read-only in the pmap");
	ok(vm_map_protect(vm, BASE + PG(30), BASE + PG(32), RW) == 0 &&
	    mapped_prot(vm, BASE + PG(30)) == RO_ && mapped_prot(vm, BASE + PG(31)) == RO_,
	    "taking only the exec right away does not give a copy-on-write page the write right");
	before = v_free_count;
	all = poke(vm, BASE + PG(30), 0x70) == 0 && obj_page(vm, BASE + PG(30)) != pa;
	ok(all && peek(c, BASE + PG(30)) == 0x60 && obj_page(c, BASE + PG(30)) == pa &&
	    v_free_count < before,
	    "the parent's write after it copies the page; the child keeps 0x60");
	ok(vm_map_protect(c, BASE + PG(31), BASE + PG(32), RW) == 0 &&
	    poke(c, BASE + PG(31), 0x71) == 0 && peek(vm, BASE + PG(31)) == 0x61,
	    "the child's write after its own mprotect does not reach the parent");
	ok(entry_is(c, BASE + PG(30), BASE + PG(31), RWX, VM_INHERIT_COPY) &&
	    entry_is(vm, BASE + PG(30), BASE + PG(32), RW, VM_INHERIT_COPY),
	    "each side's entries carry their own protection");
	vmspace_release(c);
	vmspace_release(vm);
	ok(v_free_count == free0 && fake_pmap_live() == 0,
	    "every page is back after the mprotect tests (%ld short)", (long)(free0 - v_free_count));
}

/* minherit: splitting, what vm_fork gives the child for each value. */
static void
test_minherit(void)
{
	uint64_t free0 = v_free_count, before;
	struct vmspace *p = vmspace_alloc(), *c, *c1, *g;
	struct vm_map_entry *e;
	paddr_t pa[4];
	int n;

	vm_map_anon(p, PRIV, PG(4), RW, 0);
	vm_map_anon(p, SHR, PG(2), RW, ME_SHARED);
	for (int i = 0; i < 4; i++) {
		poke(p, PRIV + PG(i), (unsigned char)(0x80 + i));
		pa[i] = obj_page(p, PRIV + PG(i));
	}
	poke(p, SHR, 0x90);
	ok(entry_is(p, PRIV, PRIV + PG(4), RW, VM_INHERIT_COPY) &&
	    entry_is(p, SHR, SHR + PG(2), RW, VM_INHERIT_SHARE),
	    "by default a private entry is inherited as a copy, a shared one shared");
	n = nentries(p);
	ok(vm_map_inherit(p, PRIV, PRIV + PG(1), -1) == EINVAL &&
	    vm_map_inherit(p, PRIV, PRIV + PG(1), 4) == EINVAL &&
	    vm_map_inherit(p, PRIV + 1, PRIV + PG(1), VM_INHERIT_NONE) == EINVAL &&
	    vm_map_inherit(p, PRIV + PG(3), PRIV + PG(5), VM_INHERIT_NONE) == ENOMEM &&
	    nentries(p) == n && entry_is(p, PRIV, PRIV + PG(4), RW, VM_INHERIT_COPY),
	    "a bad value or range is EINVAL, a hole ENOMEM, and nothing changes");
	ok(vm_map_inherit(p, PRIV + PG(1), PRIV + PG(2), VM_INHERIT_NONE) == 0 &&
	    vm_map_inherit(p, PRIV + PG(2), PRIV + PG(3), VM_INHERIT_ZERO) == 0 &&
	    nentries(p) == n + 3 && map_sane(p) &&
	    entry_is(p, PRIV, PRIV + PG(1), RW, VM_INHERIT_COPY) &&
	    entry_is(p, PRIV + PG(1), PRIV + PG(2), RW, VM_INHERIT_NONE) &&
	    entry_is(p, PRIV + PG(2), PRIV + PG(3), RW, VM_INHERIT_ZERO) &&
	    entry_is(p, PRIV + PG(3), PRIV + PG(4), RW, VM_INHERIT_COPY),
	    "minherit of single pages splits the entry; the rest keeps the default");
	ok(fake_pmap_count_prot(p->pmap, PRIV, PRIV + PG(4), RW) == 4 && obj_page(p, PRIV + PG(2)) == pa[2],
	    "NONE and ZERO change nothing in the parent itself");

	before = v_free_count;
	ok(vm_fork(p, &c) == 0, "fork");
	ok(vm_map_lookup(c, PRIV + PG(1)) == NULL && vm_map_lookup(c, PRIV) != NULL &&
	    vm_map_lookup(c, PRIV + PG(3)) != NULL && vm_fault(c, PRIV + PG(1), VM_PROT_READ) == EFAULT,
	    "INHERIT_NONE: the child has a hole there");
	e = vm_map_lookup(c, PRIV + PG(2));
	ok(e != NULL && e->obj != vm_map_lookup(p, PRIV + PG(2))->obj && e->prot == RW &&
	    !(e->flags & (ME_SHARED | ME_NEEDS_COPY)) && vm_entry_inherit(e) == VM_INHERIT_ZERO &&
	    peek(c, PRIV + PG(2)) == 0 && peek(p, PRIV + PG(2)) == 0x82,
	    "INHERIT_ZERO: the child's page is a new zero page; the parent keeps its data");
	ok(poke(c, PRIV + PG(2), 0x11) == 0 && peek(p, PRIV + PG(2)) == 0x82 &&
	    poke(c, PRIV + PG(3), 0x12) == 0 && peek(p, PRIV + PG(3)) == 0x83 &&
	    peek(c, PRIV) == 0x80,
	    "INHERIT_COPY and ZERO: the child's writes stay its own");
	ok(poke(c, SHR, 0x91) == 0 && peek(p, SHR) == 0x91, "INHERIT_SHARE (default): seen both ways");
	vmspace_release(c);
	ok(v_free_count == before, "the child's pages all come back (%ld)", (long)(before - v_free_count));

	/*
	 * INHERIT_SHARE of a private entry still copy-on-write with an
	 * earlier child c1: the parent gets pages of its own (c1 keeps the
	 * originals), and from then on shares them with later children.
	 */
	ok(vm_map_inherit(p, PRIV, PRIV + PG(4), VM_INHERIT_COPY) == 0 &&
	    vm_entry_inherit(vm_map_lookup(p, PRIV + PG(1))) == VM_INHERIT_COPY &&
	    vm_entry_inherit(vm_map_lookup(p, PRIV + PG(2))) == VM_INHERIT_COPY &&
	    has_entry(p, PRIV + PG(1), PRIV + PG(3)) && map_sane(p),
	    "minherit COPY over the pieces sets them all back, joining the two alike");
	vm_map_anon(p, PRIV2, PG(4), RW, 0);
	for (int i = 0; i < 4; i++) {
		poke(p, PRIV2 + PG(i), (unsigned char)(0x80 + i));
		pa[i] = obj_page(p, PRIV2 + PG(i));
	}
	n = nentries(p);
	ok(vm_fork(p, &c1) == 0, "fork c1");
	before = v_free_count;
	ok(vm_map_inherit(p, PRIV2, PRIV2 + PG(4), VM_INHERIT_SHARE) == 0, "minherit SHARE of the private entry");
	e = vm_map_lookup(p, PRIV2);
	ok(e->flags & ME_SHARED && !(e->flags & ME_NEEDS_COPY) && e->obj != vm_map_lookup(c1, PRIV2)->obj &&
	    vm_entry_inherit(e) == VM_INHERIT_SHARE && nentries(p) == n,
	    "it becomes a shared entry with an object of its own");
	ok(before - v_free_count == 5 && obj_page(c1, PRIV2) == pa[0] && page_refcount(pa[0]) == 1,
	    "the 4 pages it still shared with c1 are copied into a chunk of their own (%ld pages), "
	    "c1 keeps the originals",
	    (long)(before - v_free_count));
	ok(fake_pmap_count(p->pmap, PRIV2, PRIV2 + PG(4)) == 0 && peek(p, PRIV2 + PG(1)) == 0x81,
	    "the parent's old mappings went; it reads its data from the copies");
	ok(vm_fork(p, &c) == 0 && vm_map_lookup(c, PRIV2)->obj == e->obj &&
	    (vm_map_lookup(c, PRIV2)->flags & ME_SHARED) &&
	    vm_entry_inherit(vm_map_lookup(c, PRIV2)) == VM_INHERIT_SHARE,
	    "a fork now shares the object; the child's entry is inherited SHARE too");
	ok(poke(c, PRIV2, 0x21) == 0 && peek(p, PRIV2) == 0x21 && poke(p, PRIV2 + PG(1), 0x22) == 0 &&
	    peek(c, PRIV2 + PG(1)) == 0x22 && peek(c1, PRIV2) == 0x80 && peek(c1, PRIV2 + PG(1)) == 0x81,
	    "writes are seen both ways between parent and child, not by c1");
	ok(vm_fork(c, &g) == 0 && poke(g, PRIV2 + PG(3), 0x23) == 0 && peek(p, PRIV2 + PG(3)) == 0x23,
	    "a grandchild shares it too (inheritance is inherited)");
	vmspace_release(g);
	vmspace_release(c);
	vmspace_release(c1);

	/* SHARE of a private entry that is all its own: pages move, none is copied. */
	vm_map_anon(p, RO, PG(2), RW, 0);
	poke(p, RO, 0x40);
	pa[0] = obj_page(p, RO);
	before = v_free_count;
	ok(vm_map_inherit(p, RO, RO + PG(2), VM_INHERIT_SHARE) == 0 && obj_page(p, RO) == pa[0] &&
	    before - v_free_count <= 1 && page_refcount(pa[0]) == 1 && peek(p, RO) == 0x40,
	    "SHARE of an unshared private entry moves its page over, copying none");

	/*
	 * SHARE of a private entry that has its own object since a write
	 * after fork, its other pages still held by a child's chunks too:
	 * those are copied and lose the parent's reference, the written one
	 * moves.
	 */
	vm_map_anon(p, PRIV3, PG(3), RW, 0);
	for (int i = 0; i < 3; i++) {
		poke(p, PRIV3 + PG(i), (unsigned char)(0xc0 + i));
		pa[i] = obj_page(p, PRIV3 + PG(i));
	}
	ok(vm_fork(p, &c1) == 0 && poke(p, PRIV3, 0xd0) == 0 && !(vm_map_lookup(p, PRIV3)->flags & ME_NEEDS_COPY) &&
	    page_refcount(pa[1]) == 2 && page_refcount(pa[2]) == 2,
	    "after fork and one write the parent's array holds the other pages with the child's");
	pa[0] = obj_page(p, PRIV3);
	before = v_free_count;
	ok(vm_map_inherit(p, PRIV3, PRIV3 + PG(3), VM_INHERIT_SHARE) == 0 && before - v_free_count <= 3 &&
	    before - v_free_count >= 2 && obj_page(p, PRIV3) == pa[0] && obj_page(p, PRIV3 + PG(1)) != pa[1] &&
	    page_refcount(pa[1]) == 1 && page_refcount(pa[2]) == 1 && obj_page(c1, PRIV3 + PG(1)) == pa[1],
	    "SHARE copies the two pages the child still holds (%ld) and moves the parent's own",
	    (long)(before - v_free_count));
	ok(peek(p, PRIV3) == 0xd0 && peek(p, PRIV3 + PG(2)) == 0xc2 && peek(c1, PRIV3) == 0xc0 &&
	    poke(p, PRIV3 + PG(1), 0xd1) == 0 && peek(c1, PRIV3 + PG(1)) == 0xc1,
	    "each side keeps its data; the parent's writes no longer reach the child");
	vmspace_release(c1);

	/* COPY of a shared entry: both sides become copy-on-write (FreeBSD). */
	ok(vm_map_inherit(p, SHR, SHR + PG(2), VM_INHERIT_COPY) == 0 &&
	    entry_is(p, SHR, SHR + PG(2), RW, VM_INHERIT_COPY), "minherit COPY of the shared entry");
	ok(vm_fork(p, &c) == 0 && !(vm_map_lookup(p, SHR)->flags & ME_SHARED) &&
	    !(vm_map_lookup(c, SHR)->flags & ME_SHARED), "after fork neither side's entry is shared");
	ok(poke(c, SHR, 0x92) == 0 && peek(p, SHR) == 0x91 && poke(p, SHR, 0x93) == 0 &&
	    peek(c, SHR) == 0x92, "the child's copy and the parent's page go their own ways");
	vmspace_release(c);

	/* ZERO of a shared entry: the child's is private and zero. */
	ok(vm_map_inherit(p, RO, RO + PG(2), VM_INHERIT_ZERO) == 0 && vm_fork(p, &c) == 0 &&
	    peek(c, RO) == 0 && !(vm_map_lookup(c, RO)->flags & ME_SHARED) && poke(c, RO, 1) == 0 &&
	    peek(p, RO) == 0x40, "INHERIT_ZERO of a shared entry: the child's memory is its own zeroes");
	vmspace_release(c);
	vmspace_release(p);
	ok(v_free_count == free0 && fake_pmap_live() == 0,
	    "every page is back after the minherit tests (%ld short)", (long)(free0 - v_free_count));
}

/* minherit and a fork honouring it when memory runs out: ENOMEM, nothing changed or leaked. */
static void
test_inherit_oom(void)
{
	uint64_t free0 = v_free_count, before;
	struct vmspace *p = vmspace_alloc(), *c, *c2;
	paddr_t *hog = calloc(v_free_count + 1, sizeof(paddr_t)), pa, orig;
	size_t nhog = 0;
	struct vm_map_entry *e;
	bool clean = true;

	vm_map_anon(p, PRIV, PG(4), RW, 0);
	for (int i = 0; i < 4; i++)
		poke(p, PRIV + PG(i), (unsigned char)(0xe0 + i));
	orig = obj_page(p, PRIV);
	vm_fork(p, &c);
	while (page_alloc(&pa, 0) == 0)
		hog[nhog++] = pa;
	before = v_free_count;
	e = vm_map_lookup(p, PRIV);
	ok(vm_map_inherit(p, PRIV, PRIV + PG(4), VM_INHERIT_SHARE) == ENOMEM &&
	    v_free_count == before && vm_map_lookup(p, PRIV) == e && !(e->flags & ME_SHARED) &&
	    (e->flags & ME_NEEDS_COPY) && e->obj == vm_map_lookup(c, PRIV)->obj &&
	    vm_entry_inherit(e) == VM_INHERIT_COPY && page_refcount(orig) == 1,
	    "minherit SHARE with no page to copy into is ENOMEM and leaves the entry as it was");
	while (nhog > 0)
		page_free(hog[--nhog]);
	vmspace_release(c);

	/* A fork that must make zero objects with k pages free: works or ENOMEM, leaks nothing. */
	ok(vm_map_inherit(p, PRIV + PG(1), PRIV + PG(3), VM_INHERIT_ZERO) == 0, "two pages inherited ZERO");
	vm_map_anon(p, SHR, PG(2), RW, ME_SHARED);
	vm_map_inherit(p, SHR, SHR + PG(2), VM_INHERIT_COPY);
	for (int k = 0; k < 6; k++) {
		int error;

		while (v_free_count > (uint64_t)k && page_alloc(&pa, 0) == 0)
			hog[nhog++] = pa;
		before = v_free_count;
		error = vm_fork(p, &c2);
		if (error == 0)
			vmspace_release(c2);
		if ((error != 0 && error != ENOMEM) || v_free_count != before || fake_pmap_live() != 1)
			clean = false;
		while (nhog > 0)
			page_free(hog[--nhog]);
	}
	ok(clean, "vm_fork of ZERO and shared-as-COPY entries with 0..5 free pages works or is "
	    "ENOMEM and leaves every page as it was");
	vmspace_release(p);
	ok(v_free_count == free0 && fake_pmap_live() == 0,
	    "every page is back after the minherit out-of-memory tests (%ld short)",
	    (long)(free0 - v_free_count));
	free(hog);
}

/* vm_fork and vm_fault when memory runs out: ENOMEM, nothing leaked. */
#define BIG	(BASE + PG(64))		/* 1024 pages: a root and two leaf chunks */

static void
test_cow_oom(void)
{
	uint64_t free0 = v_free_count, before;
	struct vmspace *p = vmspace_alloc(), *c;
	paddr_t *hog = calloc(v_free_count + 1, sizeof(paddr_t)), pa;
	size_t nhog = 0;
	bool clean = true, failed = false;
	int error;

	vm_map_anon(p, PRIV, PG(NPRIV), RW, 0);
	vm_map_anon(p, SHR, PG(2), RW, ME_SHARED);
	vm_map_anon(p, BIG, PG(1024), RW, 0);
	for (int i = 0; i < NPRIV; i++)
		poke(p, PRIV + PG(i), (unsigned char)i);
	poke(p, BIG, 1);
	/* A first fork settles the entries (needs-copy marks); from then on the count is exact. */
	if (vm_fork(p, &c) == 0)
		vmspace_release(c);
	/* With k free pages left, vm_fork either works or fails cleanly. */
	for (int k = 0; k < 8; k++) {
		int error;

		while (v_free_count > (uint64_t)k && page_alloc(&pa, 0) == 0)
			hog[nhog++] = pa;
		before = v_free_count;
		error = vm_fork(p, &c);
		if (error == 0)
			vmspace_release(c);
		else
			failed = true;
		if ((error != 0 && error != ENOMEM) || v_free_count != before ||
		    fake_pmap_live() != 1 || page_refcount(obj_page(p, PRIV)) != 1)
			clean = false;
	}
	/*
	 * vm_fork takes no pages of its own beyond small heap objects, so it
	 * may well succeed even with none free; what matters is that either
	 * way nothing is left behind.
	 */
	ok(clean, "vm_fork with 0..7 free pages works or is ENOMEM (%s), and leaves every "
	    "page and reference as it was", failed ? "some failed" : "all worked");
	while (nhog > 0)
		page_free(hog[--nhog]);
	fake_pmap_fail_create(1);
	before = v_free_count;
	ok(vm_fork(p, &c) == ENOMEM && v_free_count == before && fake_pmap_live() == 1,
	    "vm_fork is ENOMEM when the child's pmap cannot be made, and leaks nothing");
	fake_pmap_fail_create(0);

	/* Fork with pages to spare, then take them all away before the child writes. */
	if (vm_fork(p, &c) == 0) {
		while (page_alloc(&pa, 0) == 0)
			hog[nhog++] = pa;
		before = v_free_count;
		error = vm_fault(c, PRIV, VM_PROT_WRITE);
		/* The child's object and the parent's share one chunk: the page has one holder. */
		ok(error == ENOMEM && obj_page(c, PRIV) == obj_page(p, PRIV) &&
		    page_refcount(obj_page(p, PRIV)) == 1 && v_free_count == before,
		    "a copy-on-write fault with no free page is ENOMEM and changes nothing (%d, ref %u, %ld)",
		    error, page_refcount(obj_page(p, PRIV)), (long)(before - v_free_count));
		ok(vm_fault(c, BIG + PG(1), VM_PROT_WRITE) == ENOMEM && obj_page(c, BIG + PG(1)) == 0,
		    "a demand-zero fault with no free page is ENOMEM");
		while (nhog > 0)
			page_free(hog[--nhog]);
		fake_pmap_fail_enter(1);
		ok(vm_fault(c, BIG + PG(2), VM_PROT_WRITE) == ENOMEM,
		    "a fault whose pmap_enter fails is ENOMEM");
		before = v_free_count;
		ok(vm_fault(c, BIG + PG(2), VM_PROT_WRITE) == 0 && v_free_count == before,
		    "retrying it maps the page the failed attempt kept: nothing more is taken");
		vmspace_release(c);
	} else
		ok(0, "vm_fork with memory to spare");
	vmspace_release(p);
	ok(v_free_count == free0 && fake_pmap_live() == 0,
	    "every page is back after the out-of-memory tests (%ld short)",
	    (long)(free0 - v_free_count));
	free(hog);
}

/*
 * The chunk tree of a large object (mm/vm_object.c): three levels for a
 * 3 GiB mapping.  Every chunk is a page from the allocator, so the free
 * count says exactly what each step took: a first touch the page and the
 * chunks on its path, a copy-on-write write after fork one chunk a level
 * that is still shared and the page, whatever the object's size; munmap
 * of part of a shared range and the last release give everything back.
 */
#define HUGE		0x1000000000ul		/* 64 GiB: far from the other tests */
#define HUGE_PAGES	(3ul << 18)		/* 3 GiB */

static void
test_chunks(void)
{
	const size_t idx[] = { 0, 511, 512, 262143, 262144, HUGE_PAGES - 1 };
	uint64_t free0 = v_free_count, before;
	struct vmspace *p = vmspace_alloc(), *c;
	bool same = true;
	int error;

	ok(vm_map_anon(p, HUGE, PG(HUGE_PAGES), RW, 0) == 0 &&
	    vm_map_lookup(p, HUGE)->obj->height == 2 && vm_map_lookup(p, HUGE)->obj->root == 0,
	    "a 3 GiB mapping has a three-level chunk tree and no chunk until touched");
	before = v_free_count;
	for (int i = 0; i < 6; i++)
		poke(p, HUGE + PG(idx[i]), (unsigned char)(0x30 + i));
	/* 6 pages; root 1; level-1 chunks for [0, 1G), [1G, 2G), [2G, 3G): 3; leaves: 5. */
	ok(before - v_free_count == 6 + 1 + 3 + 5,
	    "six first touches take six pages and the 9 chunks on their paths (%ld)",
	    (long)(before - v_free_count));

	ok(vm_fork(p, &c) == 0, "fork of the 3 GiB parent");
	before = v_free_count;
	error = vm_fault(c, HUGE + PG(262144), VM_PROT_WRITE);
	ok(error == 0 && before - v_free_count == 4,
	    "the child's first write copies the root, a level-1 chunk, a leaf and the page (%ld)",
	    (long)(before - v_free_count));
	before = v_free_count;
	error = vm_fault(p, HUGE + PG(511), VM_PROT_WRITE);
	ok(error == 0 && before - v_free_count == 3,
	    "the parent's first write elsewhere copies its level-1 chunk, leaf and page: its root "
	    "is its own again (%ld)", (long)(before - v_free_count));
	before = v_free_count;
	error = vm_fault(p, HUGE + PG(0), VM_PROT_WRITE);
	ok(error == 0 && before - v_free_count == 1,
	    "a second write in the same leaf copies the page only (%ld)",
	    (long)(before - v_free_count));
	for (int i = 0; i < 6; i++)
		same &= peek(c, HUGE + PG(idx[i])) == 0x30 + i;
	ok(same && peek(p, HUGE + PG(262144)) == 0x34, "both sides still read what was written");

	/* The child unmaps the second gigabyte, which it shares but for one leaf. */
	before = v_free_count;
	ok(vm_unmap(c, HUGE + PG(262144), HUGE + PG(2 * 262144)) == 0,
	    "the child unmaps a gigabyte whose chunks it partly shares");
	ok(v_free_count - before == 1 + 1 + 1,
	    "only what the child held alone goes: its page, its leaf and its level-1 chunk (%ld)",
	    (long)(v_free_count - before));
	ok(peek(p, HUGE + PG(262144)) == 0x34 && peek(p, HUGE + PG(262143)) == 0x33,
	    "the parent keeps its pages there");
	vmspace_release(c);
	vmspace_release(p);
	ok(v_free_count == free0, "every page and chunk is back after both go (%ld short)",
	    (long)(free0 - v_free_count));
}

int
main(void)
{
	const struct fake_range ranges[] = {
		{ FAKE_PHYS_BASE + PAGE_SIZE, ARENA - PAGE_SIZE },
	};

	fake_mem_setup(ARENA, ranges, 1);
	page_init();
	kmem_init();
	vm_fault_init();
	test_insert_lookup();
	test_unmap();
	test_findspace();
	test_sbrk();
	test_cow();
	test_cow_oom();
	test_mprotect();
	test_minherit();
	test_inherit_oom();
	test_chunks();
	return (done());
}
