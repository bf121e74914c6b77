/*
 * Processors: per-CPU data, bring-up, inter-processor interrupts and
 * cross-calls.  The seam between the portable kernel and the platforms
 * for everything that exists because there is more than one CPU.
 *
 * Every CPU has a struct cpu.  The running CPU's is reached through
 * curcpu() (tp on riscv64, gs on x86_64): there is no global "current"
 * anything, and nothing indexes cpus[] with a global to find itself.
 *
 * Lock key for the fields below:
 *   (o) written only by the CPU that owns the struct, read by it alone
 *   (r) the owner CPU's run-queue lock, ci_runq_lock
 *   (a) atomic operations only
 *   (b) set during bring-up, constant afterwards
 */
#ifndef _SMP_H_
#define _SMP_H_

#include "hal_inline.h"
#include "types.h"
#include "queue.h"

#define MAXCPU		8

/* FreeBSD's cpuset_t, small: one bit a CPU. */
typedef uint64_t cpuset_t;
_Static_assert(MAXCPU <= 64, "cpuset_t is one word");
#define CPUSET_BIT(id)	((cpuset_t)1 << (id))

/* Words of struct cpu the platform owns (trap-entry scratch, stack top). */
#define CPU_MD_WORDS	8

/* IPI reasons, bits of ci_ipi_pending. */
#define IPI_AST		0x1	/* pass through userret(): a signal, a kill, a resched */
#define IPI_CALL	0x2	/* run the cross-call in ci_call */
#define IPI_HALT	0x4	/* another CPU panicked: stop */
#define IPI_RESCHED	0x8	/* new work queued here: switch at the next chance */

struct lwp;
struct pmap;
struct smp_call;

TAILQ_HEAD(lwpq, lwp);

/* Lock-order checker: the locks this CPU holds, innermost last. */
#define WITNESS_DEPTH	16

struct cpu {
	struct cpu	*ci_self;	/* (b) offset 0: the platform's curcpu() reads it */
	uintptr_t	ci_md[CPU_MD_WORDS]; /* platform-owned, offset 8 */
	unsigned	ci_id;		/* (b) 0 .. ncpus - 1 */
	uint64_t	ci_hwid;	/* (b) hart id / local APIC id */
	struct lwp	*ci_curlwp;	/* (o) the lwp running here */
	struct lwp	*ci_idlelwp;	/* (b) runs when nothing else can */
	struct lwp	*ci_deadlwp;	/* (o) exited; freed once we are off its stack */
	struct lwp	*ci_prevlwp;	/* (o) the lwp this CPU last switched away from */
	struct pmap	*ci_pmap;	/* (o) active pmap; NULL = the kernel's */
	uint64_t	ci_ticks;	/* (o) timer ticks this CPU took */
	bool		ci_need_resched; /* (o, or a) switch at the next userret */
	volatile bool	ci_online;	/* (a) finished bring-up, scheduling */
	volatile bool	ci_idle;	/* (a) in the idle loop, may be in hal_idle */
	struct lwpq	ci_runq;	/* (r) runnable lwps queued here */
	unsigned	ci_runq_len;	/* (r) their number (read racily to pick a queue) */
	struct spinlock	*ci_runq_lock;	/* (b) points at the lock for ci_runq */
	volatile uint32_t ci_ipi_pending; /* (a) IPI_* bits */
	struct smp_call	*volatile ci_call; /* (a) the cross-call to run on IPI_CALL */
	/* Interrupt state under spinlocks (xv6's push_off/pop_off). */
	unsigned	ci_spin_depth;	/* (o) spinlocks held */
	uint64_t	ci_spin_intr;	/* (o) interrupt state before the first */
	/* Lock-order checker. */
	const struct spinlock *ci_held[WITNESS_DEPTH]; /* (o) */
	unsigned	ci_nheld;	/* (o) */
	/* Statistics. */
	uint64_t	ci_switches;	/* (o) context switches */
	uint64_t	ci_steals;	/* (o) lwps taken from other CPUs' queues */
};

extern struct cpu cpus[MAXCPU];
extern unsigned ncpus;		/* CPUs attached; kern.smp.cpus once all are up */
extern volatile cpuset_t cpus_online;

/* The running CPU (platform: tp / gs, inline in its hal_inline.h). */
#define curcpu()	hal_curcpu()
#define curlwp		(curcpu()->ci_curlwp)

/*
 * --- Platform to core ---
 *
 * cpu_attach: during platform start-up, before kmain(), once for each CPU
 * the firmware describes (device tree /cpus, ACPI MADT), the boot CPU first.
 * Returns its struct cpu, or NULL past MAXCPU (the CPU is then left off).
 * The platform points the boot CPU's per-CPU register at the first one
 * before anything calls curcpu().
 */
struct cpu *cpu_attach(uint64_t hwid);

/*
 * cpu_hatch: a secondary CPU's first call into the core, on the kernel
 * stack of its idle lwp, with interrupts off, its trap vectors installed,
 * the kernel pmap active and curcpu() == ci.  Starts its timer and becomes
 * its idle loop; never returns.
 */
__noreturn void cpu_hatch(struct cpu *ci);

/* The IPI interrupt: from the platform's trap handler, in either mode, interrupts off. */
void	ipi_intr(void);

/*
 * --- Core to platform ---
 *
 * hal_cpu_start: start secondary CPU ci (ci_hwid says which) running the
 * platform's own start-up and then cpu_hatch(ci), on the stack whose top
 * is stack_top (its idle lwp's kernel stack; the platform starts below
 * whatever it keeps at the top of every lwp's stack, as FP save areas).  Returns 0 once the start
 * has been requested (the core waits for ci_online), an errno if the
 * firmware refused.
 */
int	hal_cpu_start(struct cpu *ci, uintptr_t stack_top);

/*
 * hal_ipi_send: raise the IPI interrupt on ci (never on the caller's CPU);
 * the handler there calls ipi_intr().  It need not be taken at once: a CPU
 * with interrupts off takes it when it turns them on, or polls it (the
 * core's spin loops call ipi_poll()).
 */
void	hal_ipi_send(struct cpu *ci);

/*
 * --- Core services ---
 *
 * ipi_send: post `what` (IPI_*) to ci and interrupt it.
 * ipi_poll: handle what is pending for this CPU; every kernel spin loop
 *   calls it, so that a CPU waiting with interrupts off still answers
 *   cross-calls (two CPUs each waiting for the other's answer otherwise
 *   deadlock).
 * smp_call: run fn(arg) on every CPU of mask but the caller's and return
 *   once all have; callers may hold spinlocks.  What fn runs must take no
 *   lock.  Used by TLB shootdown where the ISA has no remote flush.
 * smp_shootdown_count: account one shootdown round that reached ntargets
 *   CPUs for npages pages (vm.stats.sys.v_ipi_shootdown and _pages).
 */
void	ipi_send(struct cpu *ci, uint32_t what);
void	ipi_poll(void);
void	smp_call(cpuset_t mask, void (*fn)(void *), void *arg);
void	smp_shootdown_count(unsigned ntargets, uint64_t npages);

/* Bring up every attached CPU; from kmain() once the scheduler exists. */
void	smp_boot(void);
/* Stop every other CPU (panic, poweroff): IPI_HALT, no waiting for locks. */
void	smp_halt_others(void);

/* Counters: vm.stats.sys.v_ipi_shootdown and v_ipi_shootdown_pages. */
extern volatile uint64_t v_ipi_shootdown, v_ipi_shootdown_pages;

#endif /* !_SMP_H_ */
