/*
 * Time and the periodic tick.  `time` counts at the device tree's
 * /cpus timebase-frequency, the same on every hart; each hart has its own
 * supervisor timer, programmed through the SBI TIME extension, and its own
 * period and deadline in its struct cpu (ci_md[CPU_MD_TICK_*], touched by
 * that CPU only).  timer_intr() re-arms one period after the previous
 * deadline (so ticks do not drift), or one period from now if the hart
 * fell further behind than that.
 */
#include "kernel.h"
#include "hal.h"
#include "trap.h"

#include "machdep.h"
#include "riscv.h"

static uint64_t timebase_hz = 10000000;	/* QEMU virt's, until the FDT says */

void
timer_init(uint64_t hz)
{
	if (hz != 0)
		timebase_hz = hz;
}

uint64_t
hal_timecount_ns(uint64_t t)
{
	/* Split to keep t * 1e9 from overflowing. */
	return ((t / timebase_hz) * 1000000000ull +
	    (t % timebase_hz) * 1000000000ull / timebase_hz);
}

uint64_t
hal_time_ns(void)
{
	return (hal_timecount_ns(r_time()));
}

/*
 * rdcycle: OpenSBI enables the counter for S-mode.  Under TCG without
 * icount it is the host's clock, not an instruction count.
 */
uint64_t
hal_cycles(void)
{
	return (r_cycle());
}

static void
timer_set(uint64_t deadline)
{
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, (long)deadline, 0, 0, 0);
}

/* This CPU's ticks; once on each CPU, interrupts off. */
void
hal_timer_start(unsigned hz)
{
	uintptr_t *md = curcpu()->ci_md;

	KASSERT(hz > 0, "hal_timer_start: hz 0");
	md[CPU_MD_TICK_PERIOD] = MAX(timebase_hz / hz, 1);
	md[CPU_MD_TICK_DEADLINE] = r_time() + md[CPU_MD_TICK_PERIOD];
	timer_set(md[CPU_MD_TICK_DEADLINE]);
	s_sie(SIE_STIE);
}

/* This hart's timer fired (from trap.c, either mode, interrupts off). */
void
timer_intr(bool from_user)
{
	uintptr_t *md = curcpu()->ci_md;
	uint64_t now = r_time();

	md[CPU_MD_TICK_DEADLINE] += md[CPU_MD_TICK_PERIOD];
	if ((int64_t)(md[CPU_MD_TICK_DEADLINE] - now) <= 0)
		md[CPU_MD_TICK_DEADLINE] = now + md[CPU_MD_TICK_PERIOD];
	timer_set(md[CPU_MD_TICK_DEADLINE]);	/* also clears sip.STIP */
	hardclock(from_user);
}
