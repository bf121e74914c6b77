/*
 * Threads of control: the machine-dependent part of an lwp.
 *
 * Every lwp has a kernel stack of KSTACK_SIZE bytes at l_kstack (a
 * direct-map address).  The platform keeps, at the top of that stack, the
 * user register frame saved on a trap, and in l_ctx the callee-saved
 * registers cpu_switch() needs.  The core never looks inside either.
 */
#ifndef _CPU_H_
#define _CPU_H_

#include "types.h"

struct lwp;

/* Room in struct lwp for the platform's switch context; each platform asserts it fits. */
#define CPU_CTX_WORDS	16

/*
 * The machine-dependent part of struct lwp (struct lwp's l_md): owned by the
 * platform, zeroed by the core when the lwp is allocated.  The kernel
 * stack [kstack, kstack + KSTACK_SIZE) is allocated and freed by the core.
 * The platform keeps its user frame (and FPU state, if it saves one there)
 * at the top of the kernel stack; tf points at it once cpu_fork() or
 * cpu_set_user() has run.
 */
struct lwp_md {
	uintptr_t md_ctx[CPU_CTX_WORDS];	/* cpu_switch() state */
	void	*md_tf;				/* saved user registers */
	uintptr_t md_kstack;			/* base of the kernel stack */
};

/*
 * Make child a copy of parent's user state: the same user registers, except
 * that its system call returns 0 with no error.  child's kernel stack is
 * set so that the first cpu_switch() to it enters fork_return(child) and
 * then returns to user mode.  parent must be in a system call.
 */
void	cpu_fork(struct lwp *parent, struct lwp *child);

/*
 * Give l a fresh user frame: user mode, pc, stack pointer sp, first
 * argument register = arg, everything else zero, interrupts enabled in user
 * mode.  If l is not the running lwp, its kernel context is also reset so
 * that the first cpu_switch() to it enters fork_return(l) and then user
 * mode.  If l is running (execv), it takes effect when the current trap returns.
 * sp must be 16-byte aligned; the platform applies its own ABI's entry
 * convention (x86-64 pushes nothing: the entry point is not a call).
 */
void	cpu_set_user(struct lwp *l, vaddr_t pc, vaddr_t sp, uintptr_t arg);

/*
 * Make l a kernel thread: its first cpu_switch() in calls entry(l) on l's
 * own kernel stack, in supervisor mode with interrupts disabled.  entry
 * never returns (it ends through exit1()).  l has no user frame.
 */
void	cpu_set_kthread(struct lwp *l, void (*entry)(struct lwp *));

/*
 * Save the callee-saved state of the running lwp `from` and resume `to`,
 * also pointing the trap entry at to's kernel stack (sscratch / TSS.rsp0).
 * Returns when something switches back to `from`.  The caller has already
 * activated to's pmap.  Interrupts are disabled.
 */
void	cpu_switch(struct lwp *from, struct lwp *to);

/*
 * System call ABI: number and up to six arguments from the frame of the
 * running lwp l; the result goes back as rv, or as -error when error != 0.
 * (riscv64: a7, a0-a5 -> a0; x86_64: rax, rdi rsi rdx r10 r8 r9 -> rax.)
 */
void	cpu_syscall_args(struct lwp *l, register_t *code, register_t args[6]);
void	cpu_syscall_return(struct lwp *l, int error, register_t rv);

/* The user pc of l's saved frame (for fault messages). */
vaddr_t	cpu_user_pc(struct lwp *l);

#endif /* !_CPU_H_ */
