/*
 * Trap dispatch: what trap.S hands to C.  From user mode, decode the
 * vector and pass it to the core (system call, page fault, signal, timer),
 * then userret(curlwp); trap.S restores curlwp's frame.  From kernel mode,
 * only the timer and IPIs (inside hal_idle) and spurious interrupts are
 * expected; anything else is a kernel bug and panics.
 */
#include "hal.h"
#include "kstack.h"
#include "proc.h"
#include "smp.h"
#include "trap.h"
#include "user/forkrt/abi.h"
#include "x86.h"

/* trap.S and switch.S hard-code these offsets. */
_Static_assert(offsetof(struct trapframe, tf_r11) == 4 * 8, "TF_R11");
_Static_assert(offsetof(struct trapframe, tf_rcx) == 12 * 8, "TF_RCX");
_Static_assert(offsetof(struct trapframe, tf_trapno) == 15 * 8, "TF_TRAPNO");
_Static_assert(offsetof(struct trapframe, tf_rip) == 17 * 8, "TF_RIP");
_Static_assert(offsetof(struct trapframe, tf_cs) == 18 * 8, "TF_CS");
_Static_assert(offsetof(struct trapframe, tf_rflags) == 19 * 8, "TF_RFLAGS");
_Static_assert(offsetof(struct trapframe, tf_rsp) == 20 * 8, "TF_RSP");
_Static_assert(sizeof(struct trapframe) == 22 * 8, "TF_SIZE");
_Static_assert(offsetof(struct lwp, l_md.md_tf) == 16 * 8, "LWP_MD_TF");
_Static_assert(offsetof(struct lwp, l_md.md_ctx) == 0, "md_ctx first");

void	trap_syscall(struct trapframe *tf);

static const char *const trap_names[32] = {
	[T_DE] = "divide error", [T_DB] = "debug", [T_NMI] = "NMI",
	[T_BP] = "breakpoint", [T_OF] = "overflow", [T_BR] = "bound range",
	[T_UD] = "invalid opcode", [T_NM] = "device not available",
	[T_DF] = "double fault", [T_TS] = "invalid TSS",
	[T_NP] = "segment not present", [T_SS] = "stack fault",
	[T_GP] = "general protection fault", [T_PF] = "page fault",
	[T_MF] = "x87 FP error", [T_AC] = "alignment check",
	[T_MC] = "machine check", [T_XM] = "SIMD FP exception",
	[T_VE] = "virtualization exception", [T_CP] = "control protection",
};

static const char *
trap_name(uint64_t trapno)
{
	if (trapno < nitems(trap_names) && trap_names[trapno] != NULL)
		return (trap_names[trapno]);
	return ("reserved exception");
}

/*
 * A user-mode exception: classify it for the core.  trap_fault() ends the
 * process, or returns when a handler is to run, which userret() sets up.
 * #NM is an illegal instruction: the kernel leaves the FPU on (CR0.TS
 * clear), so only an instruction the CPU lacks can raise it.
 */
static void
user_exception(struct lwp *l, struct trapframe *tf)
{
	vm_prot_t access;
	vaddr_t va;

	switch (tf->tf_trapno) {
	case T_PF:
		va = rcr2();
		if (tf->tf_err & PGEX_W)
			access = VM_PROT_WRITE;
		else if (tf->tf_err & PGEX_I)
			access = VM_PROT_EXEC;
		else
			access = VM_PROT_READ;
		trap_pagefault(l, va, access);
		break;
	case T_UD:
	case T_NM:
		trap_fault(l, TK_ILLEGAL, tf->tf_rip);
		break;
	case T_DE:
		trap_fault(l, TK_INTDIV, tf->tf_rip);
		break;
	case T_MF:
	case T_XM:
		trap_fault(l, TK_FPE, tf->tf_rip);
		break;
	case T_DB:
		trap_fault(l, TK_TRACE, tf->tf_rip);
		break;
	case T_BP:
		trap_fault(l, TK_BREAKPOINT, tf->tf_rip);
		break;
	case T_AC:
		trap_fault(l, TK_MISALIGNED, tf->tf_rip);
		break;
	case T_NMI:
		break;
	case T_MC:
		panic("x86: machine check in user mode at rip %#lx",
		    tf->tf_rip);
	default:
		/*
		 * #GP (non-canonical address, privileged instruction),
		 * #SS, #NP, #TS, #OF, #BR.
		 */
		trap_fault(l, TK_PROTECTION, tf->tf_rip);
		break;
	}
}

/*
 * A kernel stack that overflows runs into the guard page under it: the
 * CPU then cannot push the #PF frame there either and raises #DF, which
 * runs on the CPU's own stack (gdt.c's IST1) with CR2 in the guard.  A #PF
 * delivered normally can hit a guard too, through an access below the
 * stack pointer.
 */
static __noreturn void
kernel_trap(struct trapframe *tf)
{
	vaddr_t cr2 = rcr2();

	if ((tf->tf_trapno == T_PF || tf->tf_trapno == T_DF) && kstack_is_guard(cr2))
		kstack_overflow(cr2);
	panic("x86: kernel trap %lu (%s) err %#lx at rip %#lx, cr2 %#lx, "
	    "rsp %#lx", tf->tf_trapno, trap_name(tf->tf_trapno), tf->tf_err,
	    tf->tf_rip, cr2, tf->tf_rsp);
}

/* Every IDT vector comes here from trap.S, interrupts off. */
void
trap(struct trapframe *tf)
{
	bool user = (tf->tf_cs & SEL_RPL_MASK) != 0;

	switch (tf->tf_trapno) {
	case T_TIMER:
		x86_timer_intr(user);
		break;
	case T_IPI:
		x86_lapic_eoi();
		ipi_intr();
		break;
	case T_SPURIOUS:
		break;			/* the LAPIC wants no EOI for these */
	default:
		if (tf->tf_trapno >= T_PIC_BASE && tf->tf_trapno < T_PIC_BASE + 16)
			break;		/* spurious IRQ 7/15 of a masked 8259 */
		if (!user)
			kernel_trap(tf);
		user_exception(curlwp, tf);
		break;
	}
	if (user)
		userret(curlwp);
}

/* `syscall` from user mode: the saved rip is already past the instruction. */
void
trap_syscall(struct trapframe *tf __unused)
{
	syscall(curlwp);
	userret(curlwp);
}

void
cpu_syscall_args(struct lwp *l, register_t *code, register_t args[6])
{
	struct trapframe *tf = l->l_md.md_tf;

	*code = tf->tf_rax;
	args[0] = tf->tf_rdi;
	args[1] = tf->tf_rsi;
	args[2] = tf->tf_rdx;
	args[3] = tf->tf_r10;
	args[4] = tf->tf_r8;
	args[5] = tf->tf_r9;
}

/*
 * ERESTART: rax still holds the system call number (nothing wrote it),
 * rdi rsi rdx r10 r8 r9 the arguments; back rip up over the 2-byte
 * `syscall` so that the same call runs again.
 */
void
cpu_syscall_return(struct lwp *l, int error, register_t rv)
{
	struct trapframe *tf = l->l_md.md_tf;

	if (error == ERESTART) {
		tf->tf_rip -= 2;
		return;
	}
	tf->tf_rax = error != 0 ? (register_t)-(int64_t)error : rv;
}

vaddr_t
cpu_user_pc(struct lwp *l)
{
	return (((struct trapframe *)l->l_md.md_tf)->tf_rip);
}

vaddr_t
cpu_user_sp(struct lwp *l)
{
	return (((struct trapframe *)l->l_md.md_tf)->tf_rsp);
}
