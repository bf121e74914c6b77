/*
 * Starting the secondary CPUs: the INIT-STARTUP-STARTUP sequence of the
 * Intel SDM (vol. 3, "MP initialization"), aimed at one CPU at a time,
 * and the CPU's own set-up once it reaches the kernel.
 *
 * The CPU starts in real mode in a page below 1 MiB (MP_TRAMPOLINE, never
 * given to the page allocator: machdep.c's LOW_RESERVED) holding a copy of
 * mpboot.S's trampoline, which climbs to long mode on a bring-up page
 * table and calls x86_ap_start() on the stack the core gave.  The
 * trampoline page and the bring-up PML4 serve one CPU at a time: the next
 * start is refused until the last CPU has left both.
 */
#include "hal.h"
#include "kernel.h"
#include "smp.h"
#include "x86.h"

/* mpboot.S's argument block, word for word. */
struct mp_args {
	uint32_t ma_cr3;	/* the bring-up PML4, below 4 GiB */
	uint32_t ma_efer;
	uint64_t ma_entry;	/* x86_ap_start */
	uint64_t ma_stack;
	uint64_t ma_cpu;	/* struct cpu * */
};

#define INIT_DELAY_NS	10000000ull	/* after INIT: 10 ms */
#define SIPI_DELAY_NS	200000ull	/* after each STARTUP: 200 us */

extern const char mp_tramp[], mp_tramp_args[], mp_tramp_end[];
extern uint64_t boot_pdpt_low[];

/*
 * The bring-up PML4: the kernel's upper half, and slot 0 pointing at
 * start.S's boot identity map of [0, 1 GiB), which still exists even
 * though the kernel's own PML4 (kpmap.c) has none.  In the kernel image,
 * so below 4 GiB as 32-bit code needs it.
 */
static uint64_t mp_pml4[NPTEPG] __aligned(PAGE_SIZE);

/* The CPU started last, until it is off the trampoline and mp_pml4. */
static struct cpu *volatile mp_starting;

/*
 * No pause in this loop: under -icount's round-robin each pause ends the
 * time slice, and the 10 ms wait then costs a third of a second of host
 * time.  The CPU being started needs no time from us meanwhile.
 */
static void
delay_ns(uint64_t ns)
{
	uint64_t t0 = hal_time_ns();

	while (hal_time_ns() - t0 < ns)
		continue;
}

_Static_assert(MP_TRAMPOLINE < 0x100000 && (MP_TRAMPOLINE & PAGE_MASK) == 0,
    "a STARTUP IPI names a page below 1 MiB");

/*
 * EBUSY while the CPU started before has not left the trampoline (it did
 * not come up; its start may still be under way).  The new CPU runs below
 * stack_top's FXSAVE area (cpu.c's layout): switching away from its idle
 * lwp saves FP state there.
 */
int
hal_cpu_start(struct cpu *ci, uintptr_t stack_top)
{
	struct mp_args *a;
	int i;

	KASSERT(mp_tramp_end - mp_tramp <= (long)PAGE_SIZE,
	    "the trampoline fits its page");
	if (mp_starting != NULL)
		return (EBUSY);
	mp_pml4[0] = ((uintptr_t)boot_pdpt_low - KERNBASE) | PG_P | PG_RW;
	for (i = PML4_KERNEL; i < NPTEPG; i++)
		mp_pml4[i] = x86_kernel_pml4[i];
	memcpy(phys_to_kva(MP_TRAMPOLINE), mp_tramp, mp_tramp_end - mp_tramp);
	a = phys_to_kva(MP_TRAMPOLINE + (mp_tramp_args - mp_tramp));
	a->ma_cr3 = (uint32_t)((uintptr_t)mp_pml4 - KERNBASE);
	a->ma_efer = (uint32_t)(rdmsr(MSR_EFER) &
	    (EFER_LME | EFER_NXE | EFER_SCE));
	a->ma_entry = (uint64_t)x86_ap_start;
	a->ma_stack = stack_top - FPU_SAVE_SIZE;
	a->ma_cpu = (uint64_t)ci;
	mp_starting = ci;

	x86_lapic_ipi((uint32_t)ci->ci_hwid, ICR_DM_INIT | ICR_LEVEL_ASSERT);
	delay_ns(INIT_DELAY_NS);
	for (i = 0; i < 2; i++) {
		x86_lapic_ipi((uint32_t)ci->ci_hwid, ICR_DM_STARTUP |
		    ICR_LEVEL_ASSERT | (MP_TRAMPOLINE >> PAGE_SHIFT));
		delay_ns(SIPI_DELAY_NS);
	}
	return (0);
}

/*
 * A secondary CPU's first C, from mpboot.S: interrupts off, on kstack (its
 * idle lwp's), still on the trampoline's GDT and the bring-up PML4.
 */
__noreturn void
x86_ap_start(struct cpu *ci, uint64_t kstack)
{
	x86_set_curcpu(ci);
	x86_cpu_init(ci, kstack);
	x86_pmap_cpu_init();
	__atomic_store_n(&mp_starting, NULL, __ATOMIC_RELEASE);
	cpu_hatch(ci);
}
