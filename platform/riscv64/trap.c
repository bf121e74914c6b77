/*
 * Trap dispatch: decode scause and hand off to the core (trap.h).
 * trap.S saves the registers and calls trap_user() for traps from user
 * mode and trap_kernel() for traps from supervisor mode.
 */
#include "kernel.h"
#include "hal.h"
#include "proc.h"
#include "kstack.h"
#include "trap.h"

#include "machdep.h"
#include "riscv.h"

/*
 * An interrupt, from either mode: the timer, or the supervisor software
 * interrupt another CPU raised through the SBI IPI extension
 * (hal_ipi_send).  SSIP is cleared before ipi_intr() looks at what is
 * pending, so that an IPI posted meanwhile raises it again.  False for a
 * cause the kernel never enables.
 */
static bool
trap_intr(uint64_t cause, bool from_user)
{
	switch (SCAUSE_CODE(cause)) {
	case IRQ_S_TIMER:
		timer_intr(from_user);
		return (true);
	case IRQ_S_SOFT:
		c_sip(SIP_SSIP);
		ipi_intr();
		return (true);
	default:
		return (false);
	}
}

/*
 * A trap from user mode.  tf is the frame at the top of curlwp's kernel
 * stack; interrupts are off.  Every exception either is resolved (syscall,
 * page fault) or goes to trap_fault(), which ends the process or returns
 * to have userret() start the signal's handler.  Returns the frame
 * trap.S restores: curlwp's, read again after userret(), which may have
 * switched away and back.
 */
struct trapframe *
trap_user(struct trapframe *tf)
{
	struct lwp *l = curlwp;
	uint64_t cause = tf->tf_scause;
	vaddr_t va = tf->tf_stval;

	KASSERT(tf == l->l_md.md_tf, "trap_user: frame is not curlwp's");
	if (cause & SCAUSE_INTR) {
		if (!trap_intr(cause, true))
			printf("riscv64: stray interrupt %lu from user mode\n",
			    (unsigned long)SCAUSE_CODE(cause));
	} else {
		switch (cause) {
		case SCAUSE_ECALL_U:
			tf->tf_sepc += 4;
			syscall(l);
			break;
		case SCAUSE_INST_PAGE_FAULT:
			trap_pagefault(l, va, VM_PROT_EXEC);
			break;
		case SCAUSE_LOAD_PAGE_FAULT:
			trap_pagefault(l, va, VM_PROT_READ);
			break;
		case SCAUSE_STORE_PAGE_FAULT:
			trap_pagefault(l, va, VM_PROT_WRITE);
			break;
		case SCAUSE_ILLEGAL_INSTRUCTION:
			trap_fault(l, TK_ILLEGAL, tf->tf_sepc);
			break;
		case SCAUSE_INST_MISALIGNED:
		case SCAUSE_LOAD_MISALIGNED:
		case SCAUSE_STORE_MISALIGNED:
			trap_fault(l, TK_MISALIGNED, va);
			break;
		case SCAUSE_INST_ACCESS_FAULT:
		case SCAUSE_LOAD_ACCESS_FAULT:
		case SCAUSE_STORE_ACCESS_FAULT:
			trap_fault(l, TK_BUSERR, va);
			break;
		case SCAUSE_BREAKPOINT:
			trap_fault(l, TK_BREAKPOINT, tf->tf_sepc);
			break;
		default:
			trap_fault(l, TK_UNKNOWN, va);
			break;
		}
	}
	userret(curlwp);
	return (curlwp->l_md.md_tf);
}

/* Each CPU's exception stack (trap.S, machdep.h). */
static char exc_stacks[MAXCPU][EXC_STACK_SIZE] __aligned(16);

void
trap_cpu_init(struct cpu *ci)
{
	ci->ci_md[CPU_MD_EXC_STACK] =
	    (uintptr_t)&exc_stacks[ci->ci_id][EXC_STACK_SIZE];
}

/* Kernel traps run on the exception stack (trap.S). */
void
hal_trap_stack(uintptr_t *lo, uintptr_t *hi)
{
	*hi = curcpu()->ci_md[CPU_MD_EXC_STACK];
	*lo = *hi - EXC_STACK_SIZE;
}

/* The access a page-fault cause was for; VM_PROT_NONE if not a page fault. */
static vm_prot_t
fault_prot(uint64_t cause)
{
	switch (cause) {
	case SCAUSE_INST_PAGE_FAULT:
		return (VM_PROT_EXEC);
	case SCAUSE_LOAD_PAGE_FAULT:
		return (VM_PROT_READ);
	case SCAUSE_STORE_PAGE_FAULT:
		return (VM_PROT_WRITE);
	default:
		return (VM_PROT_NONE);
	}
}

/*
 * A trap from supervisor mode: exceptions on this CPU's exception stack
 * (trap.S).  The kernel runs with interrupts off except in hal_idle(), so
 * the legal causes are the timer and the IPI, and a page fault on a
 * kernel stack another CPU has just mapped that this one still sees as
 * unmapped (pmap_kernel_spurious; after its flush the access cannot fault
 * again for that reason, so a second fault at the same address with no
 * other kernel trap between is a bug, not a stale entry).  A fault in the
 * guard page under a kernel stack is that stack's overflow:
 * kstack_overflow() names the lwp.  Anything else is a kernel bug.
 */
void
trap_kernel(struct trapframe *tf)
{
	static vaddr_t last_spurious[MAXCPU];	/* each CPU its own */
	uint64_t cause = tf->tf_scause;
	vaddr_t va = tf->tf_stval, *last = &last_spurious[curcpu()->ci_id];
	vm_prot_t prot;

	if (cause & SCAUSE_INTR) {
		*last = 0;
		if (trap_intr(cause, false))
			return;
	} else if ((prot = fault_prot(cause)) != VM_PROT_NONE) {
		if (kstack_is_guard(va))
			kstack_overflow(va);
		if (*last != va && pmap_kernel_spurious(va, prot)) {
			*last = va;
			return;
		}
	}
	*last = 0;
	panic("kernel trap: scause %#lx (%s%lu) sepc %#lx stval %#lx sp %#lx",
	    (unsigned long)cause, (cause & SCAUSE_INTR) ? "interrupt " : "",
	    (unsigned long)SCAUSE_CODE(cause), (unsigned long)tf->tf_sepc,
	    (unsigned long)tf->tf_stval, (unsigned long)tf->tf_x[REG_SP]);
}

/*
 * First C code of a new lwp (from fork_trampoline): load its FP state,
 * which cpu_fork() or cpu_set_user() prepared, before fork_return() can
 * switch away and save the live registers over it; then leave for user
 * mode through curlwp's frame.
 */
struct trapframe *
lwp_trampoline(struct lwp *l)
{
	fpu_restore(lwp_fpstate(l->l_md.md_kstack));
	fork_return(l);
	return (curlwp->l_md.md_tf);
}
