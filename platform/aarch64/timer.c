/*
 * Time and the periodic tick: the generic timer's virtual count
 * (CNTVCT_EL0, the same on every CPU, at CNTFRQ_EL0) and each CPU's own
 * virtual timer (CNTV, PPI 27 through the GIC), re-armed one period after
 * the previous deadline so that ticks do not drift, or one period from
 * now if the CPU fell further behind than that.  Period and deadline are
 * in the CPU's ci_md[CPU_MD_TICK_*], touched by that CPU only.
 */
#include "kernel.h"
#include "hal.h"
#include "trap.h"

#include "machdep.h"
#include "aarch64.h"

#define CNTV_CTL_ENABLE	0x1

static uint64_t timer_hz;	/* (b) */
static bool have_pmu;		/* (b) */

/*
 * hal_cycles: the PMU's cycle counter where the CPU has one (QEMU counts
 * it as nanoseconds of virtual time, instructions under -icount), else
 * the virtual count.
 */
void
timer_init(void)
{
	timer_hz = r_cntfrq_el0();
	if (timer_hz == 0)
		timer_hz = 62500000;
	if (ID_DFR0_PMUVER(r_id_aa64dfr0_el1()) != 0 &&
	    ID_DFR0_PMUVER(r_id_aa64dfr0_el1()) != 0xf) {
		have_pmu = true;
		w_pmcr_el0(1);			/* E: counters on */
		w_pmcntenset_el0(1ul << 31);	/* the cycle counter */
		isb();
	}
}

uint64_t
hal_timecount_ns(uint64_t t)
{
	return ((t / timer_hz) * 1000000000ull +
	    (t % timer_hz) * 1000000000ull / timer_hz);
}

uint64_t
hal_time_ns(void)
{
	return (hal_timecount_ns(hal_timecount()));
}

uint64_t
hal_cycles(void)
{
	if (have_pmu)
		return (r_pmccntr_el0());
	return (hal_timecount());
}

void
hal_timer_start(unsigned hz)
{
	uintptr_t *md = curcpu()->ci_md;

	KASSERT(hz > 0, "hal_timer_start: hz 0");
	if (have_pmu && curcpu()->ci_id != 0) {
		w_pmcr_el0(1);
		w_pmcntenset_el0(1ul << 31);
	}
	md[CPU_MD_TICK_PERIOD] = MAX(timer_hz / hz, 1);
	md[CPU_MD_TICK_DEADLINE] = hal_timecount() + md[CPU_MD_TICK_PERIOD];
	w_cntv_cval_el0(md[CPU_MD_TICK_DEADLINE]);
	w_cntv_ctl_el0(CNTV_CTL_ENABLE);
	isb();
}

void
timer_intr(bool from_user)
{
	uintptr_t *md = curcpu()->ci_md;
	uint64_t now = hal_timecount();

	md[CPU_MD_TICK_DEADLINE] += md[CPU_MD_TICK_PERIOD];
	if ((int64_t)(md[CPU_MD_TICK_DEADLINE] - now) <= 0)
		md[CPU_MD_TICK_DEADLINE] = now + md[CPU_MD_TICK_PERIOD];
	w_cntv_cval_el0(md[CPU_MD_TICK_DEADLINE]);	/* also lowers the PPI */
	isb();
	hardclock(from_user);
}
