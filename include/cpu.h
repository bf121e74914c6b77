/*
 * Threads of control: the machine-dependent part of an lwp.
 *
 * Every lwp has a kernel stack of KSTACK_SIZE bytes at l_md.md_kstack,
 * from core/kstack.c: in the platform's kernel-stack region, mapped page
 * by page over an unmapped guard page, so not a direct-map address
 * (kva_to_phys does not apply, and the pages are not physically
 * contiguous).  The platform keeps, at the top of that stack, the
 * user register frame saved on a trap, and in l_ctx the callee-saved
 * registers cpu_switch() needs.  The core never looks inside either.
 */
#ifndef _CPU_H_
#define _CPU_H_

#include "types.h"
#include "user/forkrt/abi.h"

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
	uintptr_t md_private;			/* user thread pointer, where the frame has none */
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
 * error == ERESTART writes nothing and backs the pc up to the system call
 * instruction, so that the same call, with the same arguments, runs again.
 */
void	cpu_syscall_args(struct lwp *l, register_t *code, register_t args[6]);
void	cpu_syscall_return(struct lwp *l, int error, register_t rv);

/*
 * Set l's user thread pointer (riscv64 tp, x86-64 FS base), what the C
 * library finds its thread with; l is the running lwp, in a system call.
 * cpu_fork() gives the child the parent's, cpu_set_user() makes it 0.
 */
void	cpu_lwp_setprivate(struct lwp *l, uintptr_t addr);

/* The user pc and stack pointer of l's saved frame. */
vaddr_t	cpu_user_pc(struct lwp *l);
vaddr_t	cpu_user_sp(struct lwp *l);

/*
 * Signal delivery: core/signal.c decides which signal, which handler and
 * which stack; the platform writes the frame.
 */
struct sigdeliver {
	vaddr_t		sd_handler;	/* the catching function */
	vaddr_t		sd_tramp;	/* where it returns: calls sigreturn(ucontext) */
	vaddr_t		sd_altsp;	/* top of the alternate stack, or 0: the interrupted one */
	siginfo_t	sd_info;
	sigset_t	sd_oldmask;	/* uc_sigmask: the mask sigreturn restores */
	stack_t		sd_oldstack;	/* uc_stack: the sigaltstack state at delivery */
};

/*
 * Make the running lwp l, on its way back to user mode, enter
 * handler(signo, &siginfo, &ucontext) with its return address sd_tramp.
 * The frame (a siginfo_t and a ucontext_t with every user register and
 * the FP state) goes below the interrupted stack pointer, past any red
 * zone of the ABI, or below sd_altsp; the handler's sp is aligned as the
 * ABI wants at a function's entry.  0, or EFAULT when the frame cannot be
 * written, in which case l's registers are unchanged.
 */
int	cpu_sendsig(struct lwp *l, const struct sigdeliver *sd);

/*
 * sigreturn(ucp): load l's user registers and FP state from the
 * ucontext_t at ucp, and its uc_sigmask into *mask.  The context is the
 * process's to change, so only what user mode could have set itself is
 * taken: user privilege, interrupts on, a pc below VM_MAX_USER, FP control
 * bits the hardware accepts.  0 (the frame is set: the system call returns
 * EJUSTRETURN), EFAULT when ucp cannot be read, EINVAL when the context is
 * not one user mode could have made; l is unchanged on error.
 */
int	cpu_sigreturn(struct lwp *l, vaddr_t ucp, sigset_t *mask);

#endif /* !_CPU_H_ */
