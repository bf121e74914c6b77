/*
 * The local APIC: each CPU's own interrupt controller, at the same
 * physical address on every CPU.  Enabled on each CPU as it starts, it
 * delivers that CPU's timer (timer.c) and inter-processor interrupts, and
 * sends them: a fixed IPI to one CPU (hal_ipi_send), and the INIT and
 * STARTUP messages that start a secondary CPU (mp.c).  xAPIC mode, so
 * CPUs are addressed by 8-bit APIC ids.
 */
#include "hal.h"
#include "kernel.h"
#include "smp.h"
#include "x86.h"

volatile uint32_t *x86_lapic;

/*
 * Enable the calling CPU's local APIC: every vector accepted (TPR 0),
 * spurious vector T_SPURIOUS, the timer masked until hal_timer_start().
 * The boot CPU's call finds the registers for everyone.
 */
void
x86_lapic_init(void)
{
	wrmsr(MSR_APICBASE, rdmsr(MSR_APICBASE) | APICBASE_ENABLE);
	if (x86_lapic == NULL)
		x86_lapic = phys_to_kva(rdmsr(MSR_APICBASE) & PG_FRAME);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | T_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | T_TIMER);
}

void
x86_lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/*
 * Send icr (delivery mode, level, vector) to the CPU whose APIC id is
 * apic_id, and wait until its local APIC has taken it.  Interrupts stay off
 * between the two register writes: a handler sending an IPI of its own in
 * between would retarget this one.
 */
void
x86_lapic_ipi(uint32_t apic_id, uint32_t icr)
{
	uint64_t s = hal_intr_disable();

	while (lapic_read(LAPIC_ICR_LO) & ICR_DS_PENDING)
		ia32_pause();
	lapic_write(LAPIC_ICR_HI, apic_id << ICR_DEST_SHIFT);
	lapic_write(LAPIC_ICR_LO, icr);
	while (lapic_read(LAPIC_ICR_LO) & ICR_DS_PENDING)
		ia32_pause();
	hal_intr_restore(s);
}

void
hal_ipi_send(struct cpu *ci)
{
	x86_lapic_ipi((uint32_t)ci->ci_hwid, ICR_DM_FIXED | T_IPI);
}
