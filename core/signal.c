/*
 * Signals, as far as forkrt has them: no handlers, so every signal takes
 * its default action.  Most end the process; SIGCHLD is ignored.  A
 * signal is posted to the process and acted on in userret(), on the way
 * back to user mode; a process asleep in the kernel is woken so that it
 * gets there (tsleep returns EINTR).
 */
#include "proc.h"
#include "trap.h"
#include "vm.h"

#define SIGMASK(sig)	(1u << ((sig) - 1))
#define SIGS_IGNORED	(SIGMASK(SIGCHLD))

bool
sig_fatal_pending(const struct proc *p)
{
	return ((p->p_siglist & ~SIGS_IGNORED) != 0);
}

void
psignal(struct proc *p, int sig)
{
	struct lwp *l;

	KASSERT(sig > 0 && sig < NSIG, "signal number");
	if (p->p_stat != SACTIVE || (SIGMASK(sig) & SIGS_IGNORED))
		return;
	p->p_siglist |= SIGMASK(sig);
	LIST_FOREACH(l, &p->p_lwps, l_sibling)
		sched_unsleep(l);
}

void
psignal_deliver(struct lwp *l)
{
	struct proc *p = l->l_proc;
	uint32_t fatal = p->p_siglist & ~SIGS_IGNORED;

	p->p_siglist &= ~SIGS_IGNORED;
	if (fatal != 0)
		exit1(p, W_EXITCODE(0, __builtin_ctz(fatal) + 1));
}

void
trap_pagefault(struct lwp *l, vaddr_t va, vm_prot_t access)
{
	struct proc *p = l->l_proc;
	int error;

	KASSERT(p->p_vmspace != NULL, "user fault in a system process");
	if ((error = vm_fault(p->p_vmspace, va, access)) == 0)
		return;
	trap_signal(l, error == ENOMEM ? SIGKILL : SIGSEGV,
	    error == ENOMEM ? "out of memory on page fault" :
	    access == VM_PROT_WRITE ? "write fault" :
	    access == VM_PROT_EXEC ? "exec fault" : "read fault", va);
}

__noreturn void
trap_signal(struct lwp *l, int sig, const char *what, vaddr_t addr)
{
	struct proc *p = l->l_proc;

	printf("forkrt: pid %d (%s): %s at pc %#lx addr %#lx: killed by signal %d\n",
	    p->p_pid, p->p_comm, what, (unsigned long)cpu_user_pc(l),
	    (unsigned long)addr, sig);
	exit1(p, W_EXITCODE(0, sig));
}
