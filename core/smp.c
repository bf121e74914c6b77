/*
 * Processors: the table of CPUs, inter-processor interrupts and
 * cross-calls.  Attaching what the firmware lists and starting the
 * secondary CPUs, which needs lwps and the scheduler above this, is
 * smp_boot.c's.
 */
#include "hal.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"
#include "sysctl.h"

struct cpu cpus[MAXCPU];
unsigned ncpus;
SYSCTL_INT("kern.smp.cpus", ncpus);
volatile cpuset_t cpus_online;
volatile uint64_t v_ipi_shootdown, v_ipi_shootdown_pages;
SYSCTL_INT("vm.stats.sys.v_ipi_shootdown", v_ipi_shootdown);
SYSCTL_INT("vm.stats.sys.v_ipi_shootdown_pages", v_ipi_shootdown_pages);

/* A cross-call in flight: lives on the caller's stack until pending is 0. */
struct smp_call {
	void	(*fn)(void *);
	void	*arg;
	volatile unsigned pending;
};

void
ipi_send(struct cpu *ci, uint32_t what)
{
	KASSERT(ci != curcpu(), "ipi_send to self");
	__atomic_or_fetch(&ci->ci_ipi_pending, what, __ATOMIC_SEQ_CST);
	hal_ipi_send(ci);
}

static __noreturn void
cpu_halt(void)
{
	hal_intr_disable();
	for (;;)
		cpu_relax();
}

/* Run the cross-call posted to this CPU, if any, and release its slot. */
static void
call_run(struct cpu *ci)
{
	struct smp_call *c = __atomic_load_n(&ci->ci_call, __ATOMIC_ACQUIRE);

	if (c == NULL)
		return;
	c->fn(c->arg);
	__atomic_store_n(&ci->ci_call, NULL, __ATOMIC_RELEASE);
	__atomic_sub_fetch(&c->pending, 1, __ATOMIC_RELEASE);
}

void
ipi_poll(void)
{
	struct cpu *ci = curcpu();
	uint32_t pending;

	if (__atomic_load_n(&ci->ci_ipi_pending, __ATOMIC_RELAXED) == 0 &&
	    __atomic_load_n(&ci->ci_call, __ATOMIC_RELAXED) == NULL)
		return;
	pending = __atomic_exchange_n(&ci->ci_ipi_pending, 0, __ATOMIC_ACQUIRE);
	if (pending & IPI_HALT)
		cpu_halt();
	if (pending & IPI_RESCHED)
		ci->ci_need_resched = true;
	call_run(ci);
}

/*
 * The IPI interrupt.  IPI_AST needs nothing here: having trapped is the
 * point, since the way back to user mode passes userret().
 */
void
ipi_intr(void)
{
	ipi_poll();
}

void
smp_call(cpuset_t mask, void (*fn)(void *), void *arg)
{
	struct cpu *self = curcpu();
	struct smp_call c = { fn, arg, 0 };

	mask &= __atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE) &
	    ~CPUSET_BIT(self->ci_id);
	if (mask == 0)
		return;
	c.pending = (unsigned)__builtin_popcountll(mask);
	intr_push();
	while (mask != 0) {
		struct cpu *ci = &cpus[__builtin_ctzll(mask)];
		struct smp_call *none = NULL;

		mask &= mask - 1;
		/* One call at a time per target: wait for its slot, answering ours. */
		while (!__atomic_compare_exchange_n(&ci->ci_call, &none, &c, false,
		    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			none = NULL;
			ipi_poll();
			cpu_relax();
		}
		ipi_send(ci, IPI_CALL);
	}
	while (__atomic_load_n(&c.pending, __ATOMIC_ACQUIRE) != 0) {
		ipi_poll();
		cpu_relax();
	}
	intr_pop();
}

void
smp_shootdown_count(unsigned ntargets, uint64_t npages)
{
	if (ntargets == 0)
		return;
	__atomic_add_fetch(&v_ipi_shootdown, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&v_ipi_shootdown_pages, npages, __ATOMIC_RELAXED);
}

void
smp_halt_others(void)
{
	struct cpu *self = curcpu();

	for (unsigned i = 0; i < ncpus; i++)
		if (&cpus[i] != self && cpus[i].ci_online)
			ipi_send(&cpus[i], IPI_HALT);
}
