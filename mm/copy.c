/*
 * copyin, copyout, copyinstr.  The kernel never dereferences a user
 * address: each page of the range is looked up in the process's pmap
 * (faulted in, or copied on write, when needed) and reached through the
 * direct map.  So a kernel address, a hole or a read-only page in a user
 * range is an EFAULT here, never a kernel fault, whatever the CPU's
 * user-access protection (SUM, SMAP) is set to.
 */
#include "hal.h"
#include "pmap.h"
#include "vm.h"

static bool
user_range(vaddr_t uaddr, size_t len)
{
	return (uaddr >= VM_MIN_USER && uaddr <= VM_MAX_USER &&
	    len <= VM_MAX_USER - uaddr);
}

/* The direct-map address of user va, with `access` rights guaranteed. */
static int
user_page(struct vmspace *vm, vaddr_t va, vm_prot_t access, char **kva)
{
	vm_prot_t prot;
	paddr_t pa;
	int error;

	if (!pmap_extract(vm->pmap, va, &pa, &prot) || (prot & access) != access) {
		if ((error = vm_fault_locked(vm, va, access)) != 0)
			return (error);
		if (!pmap_extract(vm->pmap, va, &pa, NULL))
			return (EFAULT);
	}
	*kva = phys_to_kva(pa);
	return (0);
}

/*
 * copyin and copyout are two loops on purpose: one loop choosing its
 * direction on each page cost lwp_create_exit 42 to 82 instructions
 * (bench --check, 0.8 to 1.3 %).
 */
int
copyin(struct vmspace *vm, vaddr_t uaddr, void *kaddr, size_t len)
{
	char *dst = kaddr, *src;
	int error = 0;

	if (!user_range(uaddr, len))
		return (EFAULT);
	spin_lock(&vm->lock);
	while (len > 0) {
		size_t n = MIN(len, PAGE_SIZE - (uaddr & PAGE_MASK));

		if ((error = user_page(vm, uaddr, VM_PROT_READ, &src)) != 0)
			break;
		memcpy(dst, src, n);
		dst += n;
		uaddr += n;
		len -= n;
	}
	spin_unlock(&vm->lock);
	return (error);
}

int
copyout(struct vmspace *vm, const void *kaddr, vaddr_t uaddr, size_t len)
{
	const char *src = kaddr;
	char *dst;
	int error = 0;

	if (!user_range(uaddr, len))
		return (EFAULT);
	spin_lock(&vm->lock);
	while (len > 0) {
		size_t n = MIN(len, PAGE_SIZE - (uaddr & PAGE_MASK));

		if ((error = user_page(vm, uaddr, VM_PROT_WRITE, &dst)) != 0)
			break;
		memcpy(dst, src, n);
		src += n;
		uaddr += n;
		len -= n;
	}
	spin_unlock(&vm->lock);
	return (error);
}

int
copyinstr(struct vmspace *vm, vaddr_t uaddr, char *kaddr, size_t maxlen)
{
	size_t done = 0;
	char *src;
	int error = ENAMETOOLONG;

	spin_lock(&vm->lock);
	while (done < maxlen) {
		size_t n = MIN(maxlen - done, PAGE_SIZE - (uaddr & PAGE_MASK));

		if (!user_range(uaddr, n)) {
			error = EFAULT;
			break;
		}
		if ((error = user_page(vm, uaddr, VM_PROT_READ, &src)) != 0)
			break;
		error = ENAMETOOLONG;
		for (size_t i = 0; i < n; i++) {
			if ((kaddr[done + i] = src[i]) == '\0') {
				error = 0;
				goto out;
			}
		}
		done += n;
		uaddr += n;
	}
out:
	spin_unlock(&vm->lock);
	return (error);
}
