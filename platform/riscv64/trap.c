/*
 * Trap dispatch: decode scause and hand off to the core (trap.h).
 * trap.S saves the registers and calls trap_user() for traps from user
 * mode and trap_kernel() for traps from supervisor mode.
 */
#include "kernel.h"
#include "hal.h"
#include "proc.h"
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
 * page fault) or goes to trap_signal(), which ends the process or returns
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
			trap_signal(l, SIGILL, "illegal instruction",
			    tf->tf_sepc);
			break;
		case SCAUSE_INST_MISALIGNED:
		case SCAUSE_LOAD_MISALIGNED:
		case SCAUSE_STORE_MISALIGNED:
			trap_signal(l, SIGBUS, "misaligned access", va);
			break;
		case SCAUSE_INST_ACCESS_FAULT:
		case SCAUSE_LOAD_ACCESS_FAULT:
		case SCAUSE_STORE_ACCESS_FAULT:
			trap_signal(l, SIGSEGV, "access fault", va);
			break;
		case SCAUSE_BREAKPOINT:
			trap_signal(l, SIGSEGV, "breakpoint", tf->tf_sepc);
			break;
		default:
			trap_signal(l, SIGSEGV, "unknown exception", va);
			break;
		}
	}
	userret(curlwp);
	return (curlwp->l_md.md_tf);
}

/*
 * A trap from supervisor mode.  The kernel runs with interrupts off except
 * in hal_idle(), so the only legal causes are the timer and the IPI;
 * anything else is a kernel bug.
 */
void
trap_kernel(struct trapframe *tf)
{
	uint64_t cause = tf->tf_scause;

	if ((cause & SCAUSE_INTR) && trap_intr(cause, false))
		return;
	panic("kernel trap: scause %#lx (%s%lu) sepc %#lx stval %#lx",
	    (unsigned long)cause, (cause & SCAUSE_INTR) ? "interrupt " : "",
	    (unsigned long)SCAUSE_CODE(cause), (unsigned long)tf->tf_sepc,
	    (unsigned long)tf->tf_stval);
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
