/*
 * The processors of the machine (smp.h): the per-CPU pointer, starting
 * secondary harts through the SBI HSM extension, IPIs through the SBI IPI
 * extension and remote TLB flushes through SBI RFENCE.
 *
 * While a hart runs in the kernel, tp holds its struct cpu (trap.S keeps
 * the user's tp in the frame).  The SBI names harts by hart id, as a mask
 * of up to 64 ids above a base (hart_mask, hart_mask_base); a CPU's hart
 * id is its ci_hwid.
 */
#include "kernel.h"
#include "pmap.h"

#include "machdep.h"
#include "riscv.h"

static int
sbi_errno(long error)
{
	switch (error) {
	case SBI_ERR_NOT_SUPPORTED:
		return (ENOSYS);
	case SBI_ERR_ALREADY_AVAILABLE:
		return (EBUSY);
	case SBI_ERR_INVALID_PARAM:
	case SBI_ERR_INVALID_ADDRESS:
		return (EINVAL);
	default:
		return (EIO);
	}
}

/* The harts hal_cpu_start() started, by CPU number, for start.S. */
struct ap_boot ap_boot[AP_BOOT_SLOTS];

/*
 * The hart enters the kernel at _start, as the boot hart did, and finds
 * its struct cpu in ap_boot[] by its hart id (start.S says why; the
 * opaque argument goes unused).  It takes its stack from
 * ci_md[CPU_MD_KSTACK], which is what that word holds anyway: the top of
 * curlwp's kernel stack, its curlwp being its idle lwp.  The SBI does not
 * promise that hart_start orders our stores before the new hart's loads;
 * the fence does.
 */
int
hal_cpu_start(struct cpu *ci, uintptr_t stack_top)
{
	struct ap_boot *ab = &ap_boot[ci->ci_id];
	struct sbiret r;

	ci->ci_md[CPU_MD_KSTACK] = stack_top;
	ab->ab_hwid = ci->ci_hwid;
	ab->ab_ci = ci;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, (long)ci->ci_hwid,
	    (long)((uintptr_t)_start - KERNEL_VA_OFFSET), 0, 0);
	return (r.error == 0 ? 0 : sbi_errno(r.error));
}

/*
 * A secondary hart's first C code (from ap_entry): running high on
 * boot_root, on its idle lwp's stack, tp = ci, interrupts off.  Leave
 * boot_root for the kernel pmap, let the IPI in (the timer comes with
 * hal_timer_start), and join the core.
 */
__noreturn void
riscv_hatch(struct cpu *ci)
{
	pmap_activate(NULL);
	s_sie(SIE_SSIE);
	cpu_hatch(ci);
}

/*
 * Make an SBI call that takes (hart_mask, hart_mask_base, a2, a3) for the
 * CPUs in set: one call per window of 64 hart ids (one in all for the
 * dense ids of QEMU's virt machine).  A refusal means the firmware lost an
 * IPI or a TLB flush the kernel relies on: panic.
 */
static void
sbi_harts(cpuset_t set, long eid, long fid, long a2, long a3)
{
	while (set != 0) {
		uint64_t base = UINT64_MAX, mask = 0;
		cpuset_t s;
		struct sbiret r;

		for (s = set; s != 0; s &= s - 1)
			base = MIN(base, cpus[__builtin_ctzll(s)].ci_hwid);
		for (s = set; s != 0; s &= s - 1) {
			unsigned i = (unsigned)__builtin_ctzll(s);
			uint64_t off = cpus[i].ci_hwid - base;

			if (off < 64) {
				mask |= 1ul << off;
				set &= ~CPUSET_BIT(i);
			}
		}
		r = sbi_call(eid, fid, (long)mask, (long)base, a2, a3);
		if (r.error != 0)
			panic("riscv64: SBI %#lx/%ld, harts %#lx << %lu: "
			    "error %ld", (unsigned long)eid, fid,
			    (unsigned long)mask, (unsigned long)base, r.error);
	}
}

/* A supervisor software interrupt on ci's hart: trap.c calls ipi_intr(). */
void
hal_ipi_send(struct cpu *ci)
{
	KASSERT(ci != curcpu(), "hal_ipi_send to self");
	sbi_harts(CPUSET_BIT(ci->ci_id), SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0, 0);
}

/*
 * sfence.vma for [start, start + size) on the harts of cpus, the caller's
 * excluded; size SBI_TLB_FLUSH_ALL (with start 0) flushes everything.
 * OpenSBI returns once every target has flushed.
 */
void
sbi_remote_sfence_vma(cpuset_t set, vaddr_t start, size_t size)
{
	KASSERT((set & CPUSET_BIT(curcpu()->ci_id)) == 0,
	    "sbi_remote_sfence_vma: the caller's own CPU");
	sbi_harts(set, SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA,
	    (long)start, (long)size);
}
