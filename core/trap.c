/*
 * The way back to user mode, and the traps that end there (FreeBSD's
 * subr_trap.c): what every return from a system call, a fault or an
 * interrupt taken in user mode passes through (userret), a new lwp's
 * first return (fork_return), and the user faults a platform hands over
 * (trap_pagefault, trap_fault).  Kept apart from the scheduler, which
 * it calls, so that the scheduler calls nothing above it on this path.
 */
#include "exit.h"
#include "lwp.h"
#include "proc.h"
#include "rusage.h"
#include "sched.h"
#include "signalvar.h"
#include "trap.h"
#include "vm.h"

/*
 * The last check before user mode: an exit or exec of the process, a
 * stop, signals to take, a due switch, or a CPU this lwp may no longer
 * run on.
 */
void
userret(struct lwp *l)
{
	struct proc *p = l->l_proc;
	int flags, sig;

	for (;;) {
		flags = __atomic_load_n(&p->p_flags, __ATOMIC_ACQUIRE);
		if ((flags & (P_WEXIT | P_SINGLE)) && l != p->p_singlelwp) {
			lwp_exit_self(l);
			exit1(p, W_EXITCODE(0, 0));
		}
		if (flags & P_STOPPED) {
			sig_stopped_wait(l);
			continue;
		}
		if ((sig_any_deliverable(l) || l->l_hasoldmask) &&
		    (sig = sig_deliver(l)) != 0)
			sigexit(l, sig);
		if (!sched_must_yield(l))
			break;
		l->l_ru.rk_nivcsw++;
		sched_yield();
	}
	rusage_userret(l);
}

void
fork_return(struct lwp *l)
{
	KASSERT(l == curlwp, "fork_return on the wrong lwp");
	sched_lwp_start();
	userret(l);
}

/*
 * What each kind of user exception does to the process: FreeBSD's signal
 * and si_code, the same on every architecture.  Two choices are ours: a
 * fault that gives no address (TK_PROTECTION: an address no page table
 * can hold) is SIGSEGV, not SIGBUS as FreeBSD has it on one platform, as
 * the same access is a plain page fault and SIGSEGV on another; and a
 * floating-point exception's code is SI_KERNEL, the FPU's status not
 * being decoded.
 */
static const struct {
	int		sig;
	int		code;
	const char	*what;
} trap_policy[TK_NKINDS] = {
	[TK_BREAKPOINT] = { SIGTRAP, TRAP_BRKPT, "breakpoint" },
	[TK_TRACE] = { SIGTRAP, TRAP_TRACE, "trace trap" },
	[TK_ILLEGAL] = { SIGILL, ILL_ILLOPC, "illegal instruction" },
	[TK_MISALIGNED] = { SIGBUS, BUS_ADRALN, "misaligned access" },
	[TK_BUSERR] = { SIGBUS, BUS_ADRERR, "access fault" },
	[TK_INTDIV] = { SIGFPE, FPE_INTDIV, "integer divide fault" },
	[TK_FPE] = { SIGFPE, SI_KERNEL, "floating-point exception" },
	[TK_PROTECTION] = { SIGSEGV, SI_KERNEL, "protection fault" },
	[TK_UNKNOWN] = { SIGSEGV, SI_KERNEL, "unknown exception" },
};

void
trap_fault(struct lwp *l, enum trap_kind kind, vaddr_t addr)
{
	if ((unsigned)kind >= TK_NKINDS)
		kind = TK_UNKNOWN;
	if (trapsignal(l, trap_policy[kind].sig, trap_policy[kind].code,
	    trap_policy[kind].what, addr) != 0)
		sigexit(l, trap_policy[kind].sig);
}

void
trap_pagefault(struct lwp *l, vaddr_t va, vm_prot_t access)
{
	struct vmspace *vm = l->l_proc->p_vmspace;
	int error, code;

	KASSERT(vm != NULL, "user fault in a system process");
	rusage_fault(l);
	if ((error = vm_fault(vm, va, access)) == 0)
		return;
	/* Out of memory on a fault: SIGKILL, which nothing can catch. */
	if (error == ENOMEM) {
		if (trapsignal(l, SIGKILL, SI_KERNEL, "out of memory on page fault", va) != 0)
			sigexit(l, SIGKILL);
		return;
	}
	spin_lock(&vm->lock);
	code = vm_map_lookup(vm, trunc_page(va)) == NULL ? SEGV_MAPERR : SEGV_ACCERR;
	spin_unlock(&vm->lock);
	if (trapsignal(l, SIGSEGV, code,
	    access == VM_PROT_WRITE ? "write fault" :
	    access == VM_PROT_EXEC ? "exec fault" : "read fault", va) != 0)
		sigexit(l, SIGSEGV);
}
