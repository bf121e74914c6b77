/*
 * Time and the periodic interrupt.
 *
 * Clock: the TSC (hal_cycles), converted to nanoseconds with a rate
 * measured at boot against the 8254 PIT (counter 0, read back by latch
 * commands: no speaker port needed, so it works on -M microvm and -M pc).
 * Under -icount the PIT and the TSC both follow instruction time.
 *
 * Interrupt: each CPU's local APIC timer in periodic mode, vector
 * T_TIMER, its rate measured once, on the boot CPU, against the PIT in the
 * same window (every CPU's timer runs at that rate).  The 8259 PICs (if
 * any) are remapped out of the exception range and masked; the PIT is left
 * in one-shot mode, its interrupt line masked at the IOAPIC/PIC.
 */
#include "hal.h"
#include "trap.h"
#include "x86.h"

#define PIT_MODE	(IO_PIT + 3)
#define PIT_LATCH0	0x00	/* latch counter 0 */
#define PIT_RATE0	0x34	/* counter 0, lo/hi byte, mode 2 (rate generator) */
#define PIT_ONESHOT0	0x30	/* counter 0, lo/hi byte, mode 0 */
#define CALIB_TICKS	(PIT_HZ / 100)	/* 10 ms */

static uint64_t tsc_boot;
static uint64_t tsc_hz, lapic_hz;
static uint64_t tsc_ns_mul;	/* ns = tsc * tsc_ns_mul >> 32 */

static uint16_t
pit_read(void)
{
	uint8_t lo, hi;

	outb(PIT_MODE, PIT_LATCH0);
	lo = inb(IO_PIT);
	hi = inb(IO_PIT);
	return ((uint16_t)(lo | hi << 8));
}

/* Remap the 8259s to T_PIC_BASE (a stray IRQ is no exception); mask them. */
static void
pic_disable(void)
{
	outb(IO_PIC1, 0x11);		/* ICW1: init, ICW4 follows */
	outb(IO_PIC2, 0x11);
	outb(IO_PIC1 + 1, T_PIC_BASE);	/* ICW2: vector base */
	outb(IO_PIC2 + 1, T_PIC_BASE + 8);
	outb(IO_PIC1 + 1, 4);		/* ICW3: slave on IRQ2 */
	outb(IO_PIC2 + 1, 2);
	outb(IO_PIC1 + 1, 1);		/* ICW4: 8086 mode */
	outb(IO_PIC2 + 1, 1);
	outb(IO_PIC1 + 1, 0xff);	/* mask everything */
	outb(IO_PIC2 + 1, 0xff);
}

/*
 * Called once before kmain() on the boot CPU, interrupts off, its local
 * APIC enabled (timer masked): measure the TSC and APIC timer rates.
 */
void
x86_timer_init(void)
{
	uint64_t t0, t1, ticks;
	uint32_t c0, c1;
	uint16_t prev, cur;

	pic_disable();
	lapic_write(LAPIC_TIMER_DCR, LAPIC_DCR_DIV16);

	outb(PIT_MODE, PIT_RATE0);
	outb(IO_PIT, 0);		/* 0 = 65536 */
	outb(IO_PIT, 0);
	lapic_write(LAPIC_TIMER_ICR, 0xffffffff);

	prev = pit_read();
	t0 = rdtsc();
	c0 = lapic_read(LAPIC_TIMER_CCR);
	for (ticks = 0; ticks < CALIB_TICKS; prev = cur) {
		cur = pit_read();
		ticks += (uint16_t)(prev - cur);
	}
	t1 = rdtsc();
	c1 = lapic_read(LAPIC_TIMER_CCR);

	lapic_write(LAPIC_TIMER_ICR, 0);
	outb(PIT_MODE, PIT_ONESHOT0);
	outb(IO_PIT, 0xff);
	outb(IO_PIT, 0xff);

	tsc_hz = (t1 - t0) * PIT_HZ / ticks;
	lapic_hz = (uint64_t)(c0 - c1) * PIT_HZ / ticks;
	if (tsc_hz == 0 || lapic_hz == 0)
		panic("x86: timer calibration failed (tsc %lu Hz, lapic %lu Hz)",
		    tsc_hz, lapic_hz);
	tsc_ns_mul = (1000000000ul << 32) / tsc_hz;
	tsc_boot = t0;
	printf("x86: tsc %lu kHz, lapic timer %lu kHz\n", tsc_hz / 1000,
	    lapic_hz / 1000);
}

uint64_t
hal_cycles(void)
{
	return (rdtsc());
}

uint64_t
hal_timecount_ns(uint64_t count)
{
	return ((uint64_t)(((unsigned __int128)count * tsc_ns_mul) >> 32));
}

uint64_t
hal_time_ns(void)
{
	return (hal_timecount_ns(rdtsc() - tsc_boot));
}

/*
 * The calling CPU's timer: the core calls this once on each CPU, whose
 * local APIC x86_cpu_init() has enabled.
 */
void
hal_timer_start(unsigned hz)
{
	uint64_t count = lapic_hz / (hz ? hz : 1);

	lapic_write(LAPIC_TIMER_DCR, LAPIC_DCR_DIV16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_PERIODIC | T_TIMER);
	lapic_write(LAPIC_TIMER_ICR, count ? (uint32_t)MIN(count,
	    0xffffffffu) : 1);
}

/* The T_TIMER interrupt, from trap(): acknowledge, then tick. */
void
x86_timer_intr(bool from_user)
{
	x86_lapic_eoi();
	hardclock(from_user);
}
