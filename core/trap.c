/*
 * The way back to user mode, and the traps that end there (FreeBSD's
 * subr_trap.c): what every return from a system call, a fault or an
 * interrupt taken in user mode passes through (userret), a new lwp's
 * first return (fork_return), and the user faults a platform hands over
 * (trap_pagefault, trap_signal).  Kept apart from the scheduler, which
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

void
trap_signal(struct lwp *l, int sig, const char *what, vaddr_t addr)
{
	int code = SI_KERNEL;

	switch (sig) {
	case SIGILL:
		code = ILL_ILLOPC;
		break;
	case SIGBUS:
		code = BUS_ADRALN;
		break;
	case SIGTRAP:
		code = TRAP_BRKPT;
		break;
	}
	if (trapsignal(l, sig, code, what, addr) != 0)
		sigexit(l, sig);
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
