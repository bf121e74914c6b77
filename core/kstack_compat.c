/*
 * TEMPORARY: stand-ins for the platform half of issue 15's seam
 * (include/pmap.h: kstack_region_base/size, pmap_kenter, pmap_kremove,
 * pmap_kextract), for a tree in which the platforms do not define them
 * yet.  Every symbol here is weak: a platform's own definition replaces
 * it at link time.  DELETE this file (and its line in core/meson.build)
 * once both platforms define the seam, so that a missing definition is
 * a link error rather than a kernel without guard pages.
 *
 * What they say: no kernel-stack region (core/kstack.c then hands out
 * direct-map stacks without guards), and no way to read the kernel's own
 * rights (debug.kernel_prot and debug.write_kernel_text answer EOPNOTSUPP,
 * and the tests that need them skip, saying so).
 */
#include "kernel.h"
#include "pmap.h"

__attribute__((weak)) vaddr_t kstack_region_base;
__attribute__((weak)) size_t kstack_region_size;

__attribute__((weak)) int
pmap_kenter(vaddr_t va, paddr_t pa __unused)
{
	panic("pmap_kenter(%#lx): this platform has no kernel-stack region",
	    (unsigned long)va);
}

__attribute__((weak)) void
pmap_kremove(vaddr_t va)
{
	panic("pmap_kremove(%#lx): this platform has no kernel-stack region",
	    (unsigned long)va);
}

__attribute__((weak)) bool
pmap_kextract(vaddr_t va __unused, vm_prot_t *prot __unused)
{
	return (false);
}
