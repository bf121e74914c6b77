/*
 * The processors of the machine (smp.h): secondaries started and the
 * machine stopped through PSCI (QEMU's own, reached with hvc at EL1, or
 * smc where the device tree's /psci says so).  A CPU's ci_hwid is its
 * MPIDR affinity, the target PSCI and the GIC name it by.
 */
#include "kernel.h"
#include "pmap.h"

#include "machdep.h"
#include "aarch64.h"

#define PSCI_CPU_ON		0xc4000003	/* SMC64 */
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_ON_PENDING		(-5)

static bool psci_smc;	/* (b) */

void
psci_init(bool smc)
{
	psci_smc = smc;
}

static long
psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (psci_smc)
		__asm__ volatile("smc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
	return ((long)x0);
}

__noreturn void
psci_off(void)
{
	(void)psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		wfi();
}

/*
 * CPU_ON enters ap_entry at EL1 with the MMU off and x0 = ci; start.S
 * takes its stack from ci_md[CPU_MD_KSTACK] once translation is on (the
 * top of its idle lwp's stack, what that word holds anyway).
 */
int
hal_cpu_start(struct cpu *ci, uintptr_t stack_top)
{
	long r;

	ci->ci_md[CPU_MD_KSTACK] = stack_top;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r = psci_call(PSCI_CPU_ON, ci->ci_hwid,
	    (uint64_t)(uintptr_t)ap_entry - KERNEL_VA_OFFSET, (uint64_t)(uintptr_t)ci);
	switch (r) {
	case 0:
		return (0);
	case PSCI_ALREADY_ON:
	case PSCI_ON_PENDING:
		return (EBUSY);
	case PSCI_INVALID_PARAMS:
		return (EINVAL);
	default:
		return (EIO);
	}
}

/* A secondary's first C code, on its idle lwp's stack, interrupts masked. */
__noreturn void
aarch64_hatch(struct cpu *ci)
{
	pmap_cpu_init();
	gic_cpu_init(ci);
	cpu_hatch(ci);
}
