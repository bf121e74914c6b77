/*
 * Time and the periodic tick.  `time` counts at the device tree's
 * /cpus timebase-frequency; the supervisor timer is programmed through
 * the SBI TIME extension and re-armed by timer_intr() one period after
 * the previous deadline (so ticks do not drift), or one period from now
 * if the hart fell further behind than that.
 */
#include "kernel.h"
#include "hal.h"
#include "trap.h"

#include "machdep.h"
#include "riscv.h"

static uint64_t timebase_hz = 10000000;	/* QEMU virt's, until the FDT says */
static uint64_t tick_period;		/* in timebase ticks; 0 = stopped */
static uint64_t tick_deadline;

void
timer_init(uint64_t hz)
{
	if (hz != 0)
		timebase_hz = hz;
}

uint64_t
hal_time_ns(void)
{
	uint64_t t = r_time();

	/* Split to keep t * 1e9 from overflowing. */
	return ((t / timebase_hz) * 1000000000ull +
	    (t % timebase_hz) * 1000000000ull / timebase_hz);
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
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, (long)deadline, 0);
}

void
hal_timer_start(unsigned hz)
{
	KASSERT(hz > 0, "hal_timer_start: hz 0");
	tick_period = timebase_hz / hz;
	if (tick_period == 0)
		tick_period = 1;
	tick_deadline = r_time() + tick_period;
	timer_set(tick_deadline);
	s_sie(SIE_STIE);
}

/* The supervisor timer fired (from trap.c, either mode, interrupts off). */
void
timer_intr(void)
{
	uint64_t now = r_time();

	tick_deadline += tick_period;
	if ((int64_t)(tick_deadline - now) <= 0)
		tick_deadline = now + tick_period;
	timer_set(tick_deadline);	/* also clears sip.STIP */
	sched_tick();
}
