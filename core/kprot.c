/*
 * The kernel's own protections, seen from user space through root-only
 * debug knobs (core/sysctl.c registers them), for the tests of W^X and of
 * the guard pages under kernel stacks:
 *
 *   debug.kernel_prot		write a KPROT_* selector (<forkrt.h>), read the
 *				rights pmap_kextract gives that kernel address
 *   debug.kernel_guard		read whether that address is in a guard page
 *				(kstack_is_guard: what the fault path asks)
 *   debug.write_kernel_text	write 1: store to kernel text, which must fault
 *				and panic
 *   debug.kstack_overflow	write 1: recurse until the guard page under the
 *				caller's kernel stack faults, which must panic
 *				with "kernel stack overflow"
 *   debug.read_user		write 1: load from the caller's user stack
 *				through its user address, which the CPU's
 *				user-access protection (hal_user_access_faults)
 *				must fault and panic
 *
 * The addresses are objects the compiler places in each section (so no
 * linker symbol one platform's kernel.ld lacks is needed), the
 * __bss_start/__bss_end pair both kernel.ld files define and boot_stack,
 * which each platform's start.S defines.
 */
#include "cpu.h"
#include "hal.h"
#include "kernel.h"
#include "kstack.h"
#include "pmap.h"
#include "proc.h"
#include "sysctl.h"
#include "vm.h"

static const char kprot_rodata[64] = "the kernel's read-only data";
static volatile int kprot_data = 1;
static int kprot_sel;	/* (a) the address debug.kernel_prot reports on */

/* What debug.write_kernel_text stores to: text nothing calls. */
static __attribute__((noinline)) int
kprot_text_target(int x)
{
	return (x * 3 + kprot_data);
}

/* The address selector sel names, as seen from the running lwp. */
static vaddr_t
kprot_addr(int sel, vaddr_t on_stack)
{
	struct lwp *l = curlwp;

	switch (sel) {
	case KPROT_TEXT:
		return ((vaddr_t)kprot_text_target);
	case KPROT_RODATA:
		return ((vaddr_t)kprot_rodata);
	case KPROT_DATA:
		return ((vaddr_t)&kprot_data);
	case KPROT_BSS:
		return ((vaddr_t)__bss_start);
	case KPROT_BSS_END:
		return ((vaddr_t)__bss_end - 1);
	case KPROT_DMAP:
		return ((vaddr_t)l);
	case KPROT_KSTACK:
		return (on_stack);
	case KPROT_KSTACK_BASE:
		return (l->l_md.md_kstack);
	case KPROT_BOOT_STACK:
		return ((vaddr_t)boot_stack);
	case KPROT_BOOT_STACK_GUARD:
		return ((vaddr_t)boot_stack - 1);
	case KPROT_KSTACK_GUARD:
	default:
		return (l->l_md.md_kstack - 1);
	}
}

/* VM_PROT_* of the selected address, or -1 when it is not mapped. */
static int
kernel_prot_get(void)
{
	volatile int here = 0;
	vm_prot_t prot;

	if (!pmap_kextract(kprot_addr(__atomic_load_n(&kprot_sel,
	    __ATOMIC_RELAXED), (vaddr_t)&here), &prot))
		return (-1);
	return ((int)prot);
}

/* 1 when the selected address is in a guard page the fault path knows, else 0. */
static int
kernel_guard_get(void)
{
	volatile int here = 0;

	return (kstack_is_guard(kprot_addr(__atomic_load_n(&kprot_sel,
	    __ATOMIC_RELAXED), (vaddr_t)&here)) ? 1 : 0);
}

/*
 * Select what the next read reports.  EINVAL for an unknown selector;
 * EOPNOTSUPP when pmap_kextract cannot see the kernel's own text, which is
 * certainly mapped: the platform does not implement it.
 */
static int
kernel_prot_set(int v)
{
	vm_prot_t prot;

	if (v < 0 || v >= KPROT_NSEL)
		return (EINVAL);
	if (!pmap_kextract((vaddr_t)kprot_text_target, &prot))
		return (EOPNOTSUPP);
	__atomic_store_n(&kprot_sel, v, __ATOMIC_RELAXED);
	return (0);
}
SYSCTL_PROC_RW("debug.kernel_prot", kernel_prot_get, kernel_prot_set);
SYSCTL_PROC("debug.kernel_guard", kernel_guard_get);

/*
 * Store a byte of kernel text back onto itself: with W^X the page is
 * read-only and the store faults, a panic naming the address; if it is
 * writable, nothing changes and the knob returns (the test's failure).
 */
static int
write_kernel_text_set(int v)
{
	volatile uint8_t *text = (volatile uint8_t *)kprot_text_target;
	vm_prot_t prot;

	if (v != 1)
		return (EINVAL);
	if (!pmap_kextract((vaddr_t)text, &prot))
		return (EOPNOTSUPP);
	printf("debug.write_kernel_text: pid %d stores to kernel text at %#lx\n",
	    (int)curproc()->p_pid, (unsigned long)text);
	*text = *text;
	printf("debug.write_kernel_text: the store to %#lx did not fault\n",
	    (unsigned long)text);
	return (0);
}
SYSCTL_ACTION("debug.write_kernel_text", write_kernel_text_set);

#define RECURSE_FRAME	768	/* under a page, so that no frame steps over the guard */

/*
 * A frame the compiler cannot fold into a loop: each passes its buffer
 * down (so it stays live across the call) and reads it after the call.
 */
static __attribute__((noinline)) int
kstack_recurse(volatile char *up, unsigned depth)
{
	volatile char frame[RECURSE_FRAME];

	frame[0] = (char)depth;
	frame[RECURSE_FRAME - 1] = up[0];
	if (depth == ~0u)
		return (frame[0]);
	return (kstack_recurse(frame, depth + 1) + frame[RECURSE_FRAME - 1]);
}

/*
 * Run the caller's kernel stack into its guard page.  EOPNOTSUPP when the
 * stack has no guard (no kernel-stack region): the recursion would run
 * over whatever lies below it.
 */
static int
kstack_overflow_set(int v)
{
	struct lwp *l = curlwp;
	volatile char top = 0;

	if (v != 1)
		return (EINVAL);
	if (!kstack_is_guard(l->l_md.md_kstack - 1))
		return (EOPNOTSUPP);
	printf("debug.kstack_overflow: lwp %d of pid %d (%s) recurses into the "
	    "guard at %#lx\n", (int)l->l_tid, (int)l->l_proc->p_pid,
	    l->l_proc->p_comm, (unsigned long)(l->l_md.md_kstack - KSTACK_GUARD_SIZE));
	kstack_recurse(&top, 0);
	panic("debug.kstack_overflow: the recursion came back");
}
SYSCTL_ACTION("debug.kstack_overflow", kstack_overflow_set);

/*
 * Load a byte of the caller's user stack straight through its user
 * address, which the kernel never does (copyin goes through the direct
 * map): the page is mapped (the stack is in use), so only the CPU's
 * user-access protection can make the load fault, a panic naming the
 * address.  If it reads, the knob returns (the test's failure); a CPU
 * without the protection answers EOPNOTSUPP (the test skips).
 */
static int
read_user_set(int v)
{
	struct vmspace *vm = curproc()->p_vmspace;
	vaddr_t va = cpu_user_sp(curlwp) & ~(vaddr_t)7;
	bool mapped;

	if (v != 1)
		return (EINVAL);
	if (!hal_user_access_faults())
		return (EOPNOTSUPP);
	spin_lock(&vm->lock);
	mapped = pmap_extract(vm->pmap, va, NULL, NULL);
	spin_unlock(&vm->lock);
	if (!mapped)
		return (EFAULT);
	printf("debug.read_user: pid %d loads from user address %#lx\n",
	    (int)curproc()->p_pid, (unsigned long)va);
	(void)*(volatile const uint8_t *)va;
	printf("debug.read_user: the load from %#lx did not fault\n", (unsigned long)va);
	return (0);
}
SYSCTL_ACTION("debug.read_user", read_user_set);
