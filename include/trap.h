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
 * Any other exception from user mode: signal sig (SIGILL, SIGBUS, SIGSEGV,
 * ...) for l, with si_addr addr.  A handler that l does not mask runs when
 * the trap returns through userret(); otherwise the process ends and
 * `what` names the cause on the console.  Returns only in the first case.
 */
void	trap_signal(struct lwp *l, int sig, const char *what, vaddr_t addr);

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
