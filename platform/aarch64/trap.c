/*
 * Trap dispatch: decode ESR_EL1 and hand off to the core (trap.h).
 * trap.S saves the registers and calls trap_user() for traps from EL0,
 * trap_kernel() for exceptions at EL1 and trap_irq() for interrupts.
 */
#include "kernel.h"
#include "hal.h"
#include "proc.h"
#include "kstack.h"
#include "trap.h"

#include "machdep.h"
#include "aarch64.h"

/*
 * The GIC's interrupt, from either mode: the virtual timer, or SGI 0,
 * another CPU's IPI (hal_ipi_send).  The SGI is ended before ipi_intr()
 * looks at what is pending, so that an IPI posted meanwhile raises it
 * again; the timer only after it is re-armed, or its still-high line
 * would pend it again at once.
 */
void
trap_irq(struct trapframe *tf, bool from_user)
{
	unsigned intid;

	(void)tf;
	while ((intid = gic_ack()) < 1020) {
		if (intid == INTID_VTIMER) {
			/* Re-armed first: the level-sensitive PPI is low at the EOI. */
			timer_intr(from_user);
			gic_eoi(intid);
		} else if (intid == INTID_SGI_IPI) {
			gic_eoi(intid);
			ipi_intr();
		} else {
			gic_eoi(intid);
			printf("aarch64: stray interrupt %u\n", intid);
		}
	}
}

/* A data or instruction abort from EL0: a page fault, or a signal. */
static void
user_abort(struct lwp *l, struct trapframe *tf, uint64_t esr, vm_prot_t access)
{
	unsigned fsc = ISS_FSC(ESR_ISS(esr));

	/* Translation, access flag and permission faults, at any level. */
	if (fsc >= 0x04 && fsc <= 0x0f)
		trap_pagefault(l, tf->tf_far, access);
	else if (fsc == FSC_ALIGN)
		trap_fault(l, TK_MISALIGNED, tf->tf_far);
	else
		trap_fault(l, TK_BUSERR, tf->tf_far);
}

/*
 * A trap from user mode.  tf is the frame at the top of curlwp's kernel
 * stack; interrupts are off.  Every exception either is resolved (system
 * call, page fault) or goes to trap_fault(), which ends the process or
 * returns to have userret() start the handler.  Returns curlwp's frame,
 * read again after userret(), which may have switched away and back.
 */
struct trapframe *
trap_user(struct trapframe *tf, bool irq)
{
	struct lwp *l = curlwp;
	uint64_t esr = tf->tf_esr;

	KASSERT(tf == l->l_md.md_tf, "trap_user: frame is not curlwp's");
	if (irq) {
		trap_irq(tf, true);
		userret(curlwp);
		return (curlwp->l_md.md_tf);
	}
	switch (ESR_EC(esr)) {
	case EC_SVC64:
		/* ELR is past the svc already. */
		syscall(l);
		break;
	case EC_DABT_LOW:
		user_abort(l, tf, esr, (ESR_ISS(esr) & ISS_WNR) &&
		    !(ESR_ISS(esr) & ISS_CM) ? VM_PROT_WRITE : VM_PROT_READ);
		break;
	case EC_IABT_LOW:
		user_abort(l, tf, esr, VM_PROT_EXEC);
		break;
	case EC_PC_ALIGN:
		trap_fault(l, TK_MISALIGNED, tf->tf_elr);
		break;
	case EC_SP_ALIGN:
		trap_fault(l, TK_MISALIGNED, tf->tf_sp);
		break;
	case EC_FP_EXC:
		trap_fault(l, TK_FPE, tf->tf_elr);
		break;
	case EC_BRK:
		trap_fault(l, TK_BREAKPOINT, tf->tf_elr);
		break;
	case EC_UNKNOWN:
	case EC_ILLEGAL:
	case EC_MSR:
	case EC_WFX:
	case EC_FP:
	case EC_SVE:
	case EC_SME:
		trap_fault(l, TK_ILLEGAL, tf->tf_elr);
		break;
	default:
		trap_fault(l, TK_UNKNOWN, tf->tf_elr);
		break;
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

/* Kernel exceptions run on the exception stack (trap.S). */
void
hal_trap_stack(uintptr_t *lo, uintptr_t *hi)
{
	*hi = curcpu()->ci_md[CPU_MD_EXC_STACK];
	*lo = *hi - EXC_STACK_SIZE;
}

/*
 * A synchronous exception at EL1, on this CPU's exception stack.  The
 * kernel has no legal ones: it never touches user addresses, and the
 * architecture caches no failed walk, so a fault on a kernel stack
 * another CPU has just mapped cannot happen (the mapping CPU's dsb makes
 * its entry visible to every walker).  A fault in the guard page under a
 * kernel stack is that stack's overflow: kstack_overflow() names the lwp.
 */
extern char semihost_hlt[];

void
trap_kernel(struct trapframe *tf)
{
	uint64_t esr = tf->tf_esr, ec = ESR_EC(esr);

	/* hal_poweroff's semihosting call on a QEMU without -semihosting. */
	if (ec == EC_UNKNOWN && tf->tf_elr == (uintptr_t)semihost_hlt) {
		tf->tf_elr += 4;
		return;
	}
	if ((ec == EC_DABT_CUR || ec == EC_IABT_CUR) && kstack_is_guard(tf->tf_far))
		kstack_overflow(tf->tf_far);
	panic("kernel trap: esr %#lx (class %#lx) elr %#lx far %#lx sp %#lx",
	    (unsigned long)esr, (unsigned long)ec, (unsigned long)tf->tf_elr,
	    (unsigned long)tf->tf_far, (unsigned long)tf->tf_sp);
}

/*
 * First C code of a new lwp (from fork_trampoline): load its FP state,
 * which cpu_fork() or cpu_set_user() prepared, before fork_return() can
 * switch away and save the live registers over it.
 */
struct trapframe *
lwp_trampoline(struct lwp *l)
{
	fpu_restore(lwp_fpstate(l->l_md.md_kstack));
	__asm__ volatile("msr tpidr_el0, %0" : : "r"(l->l_md.md_private));
	fork_return(l);
	return (curlwp->l_md.md_tf);
}
