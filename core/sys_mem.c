/*
 * Memory system calls: sbrk, mmap (anonymous only), munmap, mprotect,
 * minherit.
 */
#include "proc.h"
#include "syscall.h"
#include "vm.h"
#include "vmparam.h"

int
sys_sbrk(struct lwp *l, const register_t *args, register_t *rv)
{
	vaddr_t old;
	int error;

	if ((error = vm_sbrk(l->l_proc->p_vmspace, (intptr_t)args[0], &old)) != 0)
		return (error);
	*rv = old;
	return (0);
}

/* mmap(addr, len, prot, flags, fd, off): anonymous memory, private or shared. */
int
sys_mmap(struct lwp *l, const register_t *args, register_t *rv)
{
	struct vmspace *vm = l->l_proc->p_vmspace;
	vaddr_t addr = args[0];
	size_t len = args[1];
	int prot = (int)args[2], flags = (int)args[3];
	int error;

	if (len == 0 || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) != 0 ||
	    (flags & ~(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANON)) != 0 ||
	    !(flags & MAP_ANON) ||
	    ((flags & MAP_SHARED) != 0) == ((flags & MAP_PRIVATE) != 0) ||
	    (int)args[4] != -1 || args[5] != 0)
		return (EINVAL);
	if (len > VM_MAX_USER)
		return (ENOMEM);
	len = round_page(len);
	if (flags & MAP_FIXED) {
		if ((addr & PAGE_MASK) != 0 || addr < VM_MIN_USER ||
		    addr > VM_MAX_USER - len)
			return (EINVAL);
		error = vm_map_anon_fixed(vm, addr, len, (vm_prot_t)prot,
		    (flags & MAP_SHARED) ? ME_SHARED : 0);
	} else {
		/* From the mmap base exec chose, above the heap's room to grow, unless the hint is higher. */
		error = vm_map_anon_anywhere(vm, MAX(addr, vm->mmap_base),
		    len, (vm_prot_t)prot, (flags & MAP_SHARED) ? ME_SHARED : 0, &addr);
	}
	if (error != 0)
		return (error);
	*rv = addr;
	return (0);
}

int
sys_munmap(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	vaddr_t addr = args[0];
	size_t len = round_page(args[1]);

	if ((addr & PAGE_MASK) != 0 || len == 0)
		return (EINVAL);
	return (vm_unmap(l->l_proc->p_vmspace, addr, addr + len));
}

/*
 * The range of mprotect and minherit: addr page-aligned (EINVAL, as POSIX
 * allows; FreeBSD rounds it down), len rounded up to whole pages, all of
 * it in user space (ENOMEM otherwise, wrapping past the top included, as
 * for a range that is not mapped).  0 with *endp == addr for len 0.
 */
static int
mem_range(vaddr_t addr, size_t len, vaddr_t *endp)
{
	if ((addr & PAGE_MASK) != 0)
		return (EINVAL);
	if (len != 0 && (len > VM_MAX_USER || addr < VM_MIN_USER ||
	    addr > VM_MAX_USER - round_page(len)))
		return (ENOMEM);
	*endp = addr + round_page(len);
	return (0);
}

/*
 * mprotect(addr, len, prot): FreeBSD's number and meaning, but a range
 * with a page that is not mapped is ENOMEM and changes nothing (POSIX;
 * FreeBSD skips the holes).
 */
int
sys_mprotect(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	vaddr_t addr = args[0], end;
	int prot = (int)args[2];
	int error;

	if ((prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) != 0)
		return (EINVAL);
	if ((error = mem_range(addr, args[1], &end)) != 0 || end == addr)
		return (error);
	return (vm_map_protect(l->l_proc->p_vmspace, addr, end, (vm_prot_t)prot));
}

/* minherit(addr, len, inherit): INHERIT_* (FreeBSD's values); the range as mprotect's. */
int
sys_minherit(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	vaddr_t addr = args[0], end;
	int inherit = (int)args[2];
	int error;

	_Static_assert(INHERIT_SHARE == VM_INHERIT_SHARE && INHERIT_COPY == VM_INHERIT_COPY &&
	    INHERIT_NONE == VM_INHERIT_NONE && INHERIT_ZERO == VM_INHERIT_ZERO,
	    "user and kernel inheritance values differ");
	if (inherit < INHERIT_SHARE || inherit > INHERIT_ZERO)
		return (EINVAL);
	if ((error = mem_range(addr, args[1], &end)) != 0 || end == addr)
		return (error);
	return (vm_map_inherit(l->l_proc->p_vmspace, addr, end, inherit));
}
