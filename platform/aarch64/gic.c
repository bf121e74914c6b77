/*
 * The GICv3 of the virt board: the distributor, one redistributor per
 * CPU (found by the affinity in its GICR_TYPER), and the CPU interface
 * through the ICC system registers.  All interrupts are group 1, non-
 * secure (QEMU's GIC has one security state without EL3).  Each CPU
 * enables two: its virtual timer's PPI and SGI 0, the IPI.
 */
#include "kernel.h"
#include "hal.h"

#include "machdep.h"
#include "aarch64.h"

#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		(1u << 31)
#define GICD_CTLR_ENABLE	((1u << 4) | (1u << 1) | (1u << 0))	/* ARE, Grp1, Grp0 */
#define GICR_TYPER		0x0008
#define GICR_TYPER_LAST		(1ul << 4)
#define GICR_WAKER		0x0014
#define GICR_WAKER_SLEEP	(1u << 1)
#define GICR_WAKER_ASLEEP	(1u << 2)
#define GICR_SGI		0x10000	/* the SGI and PPI frame */
#define GICR_IGROUPR0		0x0080
#define GICR_ISENABLER0		0x0100
#define GICR_IPRIORITYR		0x0400

#define ICC_WRITE(enc, v) \
	__asm__ volatile("msr " enc ", %0" : : "r"((uint64_t)(v)) : "memory")
#define ICC_SRE_EL1	"s3_0_c12_c12_5"
#define ICC_PMR_EL1	"s3_0_c4_c6_0"
#define ICC_BPR1_EL1	"s3_0_c12_c12_3"
#define ICC_IGRPEN1_EL1	"s3_0_c12_c12_7"
#define ICC_IAR1_EL1	"s3_0_c12_c12_0"
#define ICC_EOIR1_EL1	"s3_0_c12_c12_1"
#define ICC_SGI1R_EL1	"s3_0_c12_c11_5"

static volatile uint32_t *
reg32(uintptr_t base, unsigned off)
{
	return ((volatile uint32_t *)(base + off));
}

void
gic_init(void)
{
	uintptr_t d = (uintptr_t)phys_to_kva(VIRT_GICD_PA);

	*reg32(d, GICD_CTLR) = GICD_CTLR_ENABLE;
	while (*reg32(d, GICD_CTLR) & GICD_CTLR_RWP)
		;
}

/* This CPU's redistributor: the one whose affinity is its MPIDR's. */
static uintptr_t
gicr_find(uint64_t mpidr)
{
	uintptr_t r = (uintptr_t)phys_to_kva(VIRT_GICR_PA);
	uint64_t aff = (mpidr & 0xffffff) | (((mpidr >> 32) & 0xff) << 24);
	unsigned i;

	for (i = 0; i < 64; i++, r += VIRT_GICR_STRIDE) {
		uint64_t typer = *(volatile uint64_t *)(r + GICR_TYPER);

		if ((typer >> 32) == aff)
			return (r);
		if (typer & GICR_TYPER_LAST)
			break;
	}
	panic("aarch64: no GIC redistributor for MPIDR %#lx", (unsigned long)mpidr);
}

/* On each CPU, interrupts masked. */
void
gic_cpu_init(struct cpu *ci)
{
	uintptr_t r = gicr_find(ci->ci_hwid), sgi = r + GICR_SGI;
	uint32_t mine = (1u << INTID_SGI_IPI) | (1u << INTID_VTIMER);

	ci->ci_md[CPU_MD_GICR] = r;
	*reg32(r, GICR_WAKER) &= ~GICR_WAKER_SLEEP;
	while (*reg32(r, GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
	*reg32(sgi, GICR_IGROUPR0) = 0xffffffff;
	*(volatile uint8_t *)(sgi + GICR_IPRIORITYR + INTID_SGI_IPI) = 0x80;
	*(volatile uint8_t *)(sgi + GICR_IPRIORITYR + INTID_VTIMER) = 0x80;
	*reg32(sgi, GICR_ISENABLER0) = mine;
	ICC_WRITE(ICC_SRE_EL1, 1);
	isb();
	ICC_WRITE(ICC_PMR_EL1, 0xff);
	ICC_WRITE(ICC_BPR1_EL1, 0);
	ICC_WRITE(ICC_IGRPEN1_EL1, 1);
	isb();
}

/* The highest-priority pending interrupt, now active; 1020-1023: none. */
unsigned
gic_ack(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, " ICC_IAR1_EL1 : "=r"(v) : : "memory");
	return ((unsigned)(v & 0xffffff));
}

void
gic_eoi(unsigned intid)
{
	ICC_WRITE(ICC_EOIR1_EL1, intid);
	isb();
}

/*
 * SGI 0 to ci, by its affinity (aff0 in the target list: QEMU's virt
 * board puts 16 CPUs in a cluster, more than MAXCPU).  The dsb makes the
 * core's ci_ipi_pending store visible before the interrupt can be taken.
 */
void
hal_ipi_send(struct cpu *ci)
{
	uint64_t m = ci->ci_hwid;

	KASSERT(ci != curcpu(), "hal_ipi_send to self");
	dsb_ishst();
	ICC_WRITE(ICC_SGI1R_EL1, (1ul << (m & 15)) | (((m >> 8) & 0xff) << 16) |
	    ((uint64_t)INTID_SGI_IPI << 24) | (((m >> 16) & 0xff) << 32) |
	    (((m >> 32) & 0xff) << 48) | (((m & 0xff) >> 4) << 44));
	isb();
}
