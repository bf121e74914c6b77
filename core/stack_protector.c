/*
 * The kernel's stack protector.  Everything is built with
 * -fstack-protector-strong (the root meson.build): a function with a
 * local array or a local whose address escapes keeps a copy of
 * __stack_chk_guard below its return address and calls __stack_chk_fail
 * if the copy changed by the time it returns.
 *
 * The guard starts at 0 and is set once, from the random source, by
 * stack_protector_init(), which kmain() calls before anything else: the
 * frames live at that moment (the platform's early C code and kmain
 * itself) never return, and kmain and this function are built without
 * the protector, so no frame ever compares against a guard it did not
 * save.  Secondary CPUs start after it is set.
 */
#include "kernel.h"
#include "proc.h"
#include "random.h"
#include "sysctl.h"

uintptr_t __stack_chk_guard;	/* (b) set at boot, before any other CPU runs */

__no_stack_protector void
stack_protector_init(void)
{
	__stack_chk_guard = (uintptr_t)kern_random();
}

/* The caller's frame is corrupt: stop before it returns through it. */
__noreturn __no_stack_protector void
__stack_chk_fail(void)
{
	panic("stack smashing detected: return address %p",
	    __builtin_return_address(0));
}

/*
 * debug.stack_smash: root writes 1 to have the kernel overflow a local
 * array (the tests check that the protector panics).  The length comes
 * through a volatile so that the compiler cannot see the overflow.
 */
static volatile size_t smash_len = 48;

static __attribute__((noinline)) void
stack_smash(void)
{
	char buf[16];

	memset(buf, 'A', smash_len);
	__asm__ volatile("" : : "r"(buf) : "memory");
}

static int
debug_stack_smash_set(int v)
{
	if (v != 1)
		return (EINVAL);
	printf("debug.stack_smash: pid %d overflows a kernel stack array\n",
	    curproc()->p_pid);
	stack_smash();
	panic("debug.stack_smash: the overflow went undetected");
}
SYSCTL_ACTION("debug.stack_smash", debug_stack_smash_set);
