/*
 * The few ways a platform calls back into the portable kernel.
 */
#ifndef _TRAP_H_
#define _TRAP_H_

#include "types.h"

struct lwp;

/* curlwp, the lwp running on this CPU, is per-CPU: see smp.h. */
#include "smp.h"

/* After platform start-up: interrupts off, direct map live, console working. */
__noreturn void kmain(void);

/*
 * A system call from user mode by curlwp.  The platform has already moved
 * the saved pc past the trapping instruction.
 */
void	syscall(struct lwp *l);

/*
 * A page fault from user mode at va wanting `access` (one VM_PROT_* bit).
 * Returns when the fault is resolved; otherwise the process is ended with
 * SIGSEGV and this does not return.
 */
void	trap_pagefault(struct lwp *l, vaddr_t va, vm_prot_t access);

/*
 * Every other exception from user mode, as the platform classifies it.
 * The platform only says which kind; what each kind does to the process
 * (signal and si_code) is the core's one choice for every architecture
 * (core/trap.c).
 */
enum trap_kind {
	TK_BREAKPOINT,		/* a breakpoint instruction: ebreak, int3 */
	TK_TRACE,		/* a single step (x86_64 #DB) */
	TK_ILLEGAL,		/* an instruction user mode may not run */
	TK_MISALIGNED,		/* an access the CPU will not make unaligned */
	TK_BUSERR,		/* nothing at the physical address (riscv64 access fault) */
	TK_INTDIV,		/* integer divide by zero or overflow */
	TK_FPE,			/* a floating-point exception */
	TK_PROTECTION,		/* a fault that gives no address (x86_64 #GP, #SS, ...) */
	TK_UNKNOWN,		/* a cause the platform does not know */
	TK_NKINDS
};

/*
 * An exception of that kind from user mode by l, si_addr addr (the
 * instruction, or the data address where the CPU gives one).  A handler
 * that l does not mask runs when the trap returns through userret();
 * otherwise the process ends, the kind named on the console.  Returns
 * only in the first case.
 */
void	trap_fault(struct lwp *l, enum trap_kind kind, vaddr_t addr);

/*
 * The periodic timer fired, from user mode (from_user) or from kernel mode
 * (which, with interrupts masked in the kernel, means the idle loop).
 * The mode decides what the tick is charged to (ITIMER_VIRTUAL).
 * core/clock.c, FreeBSD's name; the scheduler's share is sched_clock()
 * (core/sched.h).
 */
void	hardclock(bool from_user);

/*
 * Last step before every return to user mode (after syscalls, faults and
 * interrupts taken from user mode): may switch to another lwp or end the
 * process on a pending signal.
 */
void	userret(struct lwp *l);

/* The first thing a new lwp runs, on its own stack, before entering user mode. */
void	fork_return(struct lwp *l);

/* Print a message and a kernel backtrace and stop the machine with a failure status. */
__noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int	printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* !_TRAP_H_ */
