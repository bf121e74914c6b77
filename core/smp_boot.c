/*
 * Attaching the CPUs the firmware lists, and starting the secondary ones:
 * each gets an idle lwp, is started by the platform on that lwp's stack,
 * and enters the scheduler's idle loop.  Apart from smp.c (the CPUs,
 * IPIs and cross-calls), which the scheduler and the spinlocks use: this
 * needs both lwps and the scheduler.
 */
#include "hal.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"

#define HATCH_WAIT_NS	2000000000ull	/* a CPU that is not up in 2 s is left out */

struct cpu *
cpu_attach(uint64_t hwid)
{
	struct cpu *ci;

	if (ncpus == MAXCPU) {
		printf("forkrt: cpu with hardware id %lu ignored: MAXCPU is %d\n",
		    (unsigned long)hwid, MAXCPU);
		return (NULL);
	}
	ci = &cpus[ncpus];
	ci->ci_self = ci;
	ci->ci_id = ncpus++;
	ci->ci_hwid = hwid;
	TAILQ_INIT(&ci->ci_runq);
	return (ci);
}

static void
cpu_announce(struct cpu *ci)
{
	printf("cpu%u: online, %s id %lu\n", ci->ci_id, hal_arch_name,
	    (unsigned long)ci->ci_hwid);
}

/*
 * Start each secondary CPU in turn on the stack of its idle lwp and wait
 * for it to come up, so that the boot lines come out in order.  A CPU the
 * firmware will not start, or that does not answer, is dropped.
 */
void
smp_boot(void)
{
	struct cpu *boot = curcpu();
	unsigned i, up = 1;

	KASSERT(boot == &cpus[0], "smp_boot: not on the boot CPU");
	cpu_announce(boot);
	__atomic_or_fetch(&cpus_online, CPUSET_BIT(0), __ATOMIC_SEQ_CST);
	boot->ci_online = true;
	for (i = 1; i < ncpus; i++) {
		struct cpu *ci = &cpus[i];
		struct lwp *idle;
		uint64_t t0;
		int error;

		if ((idle = lwp_alloc(&proc0)) == NULL)
			panic("smp_boot: no memory for cpu%u's idle lwp", i);
		idle->l_stat = LSRUN;
		idle->l_flags = LW_IDLE;
		idle->l_running = true;
		idle->l_affinity = CPUSET_BIT(i);
		idle->l_cpu = ci;
		ci->ci_idlelwp = idle;
		ci->ci_curlwp = idle;
		if ((error = hal_cpu_start(ci, idle->l_md.md_kstack + KSTACK_SIZE)) != 0) {
			printf("forkrt: cpu%u (id %lu) did not start: error %d\n", i,
			    (unsigned long)ci->ci_hwid, error);
			continue;
		}
		/*
		 * Wait with interrupts open (the tick wakes us): under -icount
		 * the CPUs take turns on one host thread, and a CPU that spins
		 * with interrupts masked never gives the new one its turn.
		 */
		t0 = hal_time_ns();
		while (!ci->ci_online && hal_time_ns() - t0 < HATCH_WAIT_NS)
			hal_idle();
		if (!ci->ci_online) {
			printf("forkrt: cpu%u (id %lu) did not come up\n", i,
			    (unsigned long)ci->ci_hwid);
			continue;
		}
		up++;
	}
	/* Keep the numbering dense: only CPUs that came up count. */
	if (up != ncpus) {
		printf("forkrt: %u of %u CPUs up; running on the first %u\n", up,
		    ncpus, up);
		while (ncpus > 1 && !cpus[ncpus - 1].ci_online)
			ncpus--;
	}
}

__noreturn void
cpu_hatch(struct cpu *ci)
{
	KASSERT(curcpu() == ci, "cpu_hatch: curcpu is not ci");
	cpu_announce(ci);
	hal_timer_start(HZ);
	__atomic_or_fetch(&cpus_online, CPUSET_BIT(ci->ci_id), __ATOMIC_SEQ_CST);
	__atomic_store_n(&ci->ci_online, true, __ATOMIC_RELEASE);
	sched_idle_loop();
}
