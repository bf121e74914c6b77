/*
 * The AArch64 names this platform uses, each as the Arm ARM spells it:
 * system-register accessors, translation-table descriptor bits, exception
 * syndrome classes.  Nothing outside platform/aarch64/ includes it.
 */
#ifndef _AARCH64_H_
#define _AARCH64_H_

#include "types.h"

/* Translation-table descriptors (VMSAv8-64, 4 KiB granule, 48-bit VA). */
typedef uint64_t pt_entry_t;

#define PTE_VALID	(1ul << 0)
#define PTE_TABLE	(1ul << 1)	/* levels 0-2: a table; level 3: a page */
#define PTE_PAGE	(1ul << 1)
#define PTE_ATTR(i)	((uint64_t)(i) << 2)	/* AttrIndx into MAIR_EL1 */
#define PTE_AP_RO	(1ul << 7)	/* AP[2]: read-only */
#define PTE_AP_USER	(1ul << 6)	/* AP[1]: EL0 may access */
#define PTE_SH_INNER	(3ul << 8)
#define PTE_AF		(1ul << 10)
#define PTE_NG		(1ul << 11)	/* not global: tagged with the ASID */
#define PTE_PXN		(1ul << 53)
#define PTE_UXN		(1ul << 54)
#define PTE_ADDR_MASK	0x0000fffffffff000ul
#define TBL_PXN		(1ul << 59)	/* PXNTable */
#define TBL_UXN		(1ul << 60)	/* UXNTable */
#define TBL_AP_NO_EL0	(1ul << 61)	/* APTable[0] */
#define TBL_AP_RO	(1ul << 62)	/* APTable[1]: no writes below, at any EL */

#define PTE_TO_PA(e)	((e) & PTE_ADDR_MASK)
#define PTE_IS_TABLE(e)	(((e) & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE))

#define MAIR_NORMAL	0	/* AttrIndx 0: normal, write-back */
#define MAIR_DEVICE	1	/* AttrIndx 1: Device-nGnRE */
#define MAIR_VALUE	0x04ff

#define PT_LEVELS	4
#define PT_NPTE		512
#define PT_SHIFT(level)	(PAGE_SHIFT + 9 * (3 - (level)))	/* level 0 = root */
#define PT_INDEX(va, level) (((va) >> PT_SHIFT(level)) & (PT_NPTE - 1))
#define L1_SIZE		(1ul << PT_SHIFT(1))	/* 1 GiB */
#define L2_SIZE		(1ul << PT_SHIFT(2))	/* 2 MiB */

/* TCR_EL1 fields (TG1 = 4 KiB, both halves 48 bits, walks cacheable and inner shareable). */
#define TCR_T0SZ(n)	((uint64_t)(n) << 0)
#define TCR_T1SZ(n)	((uint64_t)(n) << 16)
#define TCR_WALK0	((1ul << 8) | (1ul << 10) | (3ul << 12))
#define TCR_WALK1	((1ul << 24) | (1ul << 26) | (3ul << 28))
#define TCR_TG1_4K	(2ul << 30)
#define TCR_IPS_SHIFT	32
#define TCR_AS		(1ul << 36)	/* 16-bit ASIDs */

/* SCTLR_EL1 */
#define SCTLR_M		(1ul << 0)
#define SCTLR_C		(1ul << 2)
#define SCTLR_SA	(1ul << 3)
#define SCTLR_I		(1ul << 12)
#define SCTLR_SPAN	(1ul << 23)

/* ESR_ELx exception classes. */
#define ESR_EC(esr)	(((esr) >> 26) & 0x3f)
#define ESR_ISS(esr)	((esr) & 0x1ffffff)
#define EC_UNKNOWN	0x00
#define EC_WFX		0x01
#define EC_FP		0x07
#define EC_ILLEGAL	0x0e
#define EC_SVC64	0x15
#define EC_MSR		0x18
#define EC_SVE		0x19	/* CPACR_EL1.ZEN leaves SVE off at EL0 */
#define EC_SME		0x1d
#define EC_IABT_LOW	0x20
#define EC_IABT_CUR	0x21
#define EC_PC_ALIGN	0x22
#define EC_DABT_LOW	0x24
#define EC_DABT_CUR	0x25
#define EC_SP_ALIGN	0x26
#define EC_FP_EXC	0x2c
#define EC_BRK		0x3c
#define ISS_WNR		(1ul << 6)
#define ISS_CM		(1ul << 8)
#define ISS_FSC(iss)	((iss) & 0x3f)
#define FSC_ALIGN	0x21

/* PSTATE / SPSR_EL1 */
#define PSR_NZCV	0xf0000000ul
#define PSR_I		(1ul << 7)

/* FPCR bits a user may set (AHP DN FZ RMode Stride Len, the trap enables); FPSR: flags. */
#define FPCR_MASK	0x07ff9f00ul
#define FPSR_MASK	0xf800009ful

/* ID registers. */
#define ID_MMFR0_PARANGE(r)	((r) & 0xf)
#define ID_MMFR0_ASIDBITS(r)	(((r) >> 4) & 0xf)
#define ID_ISAR0_RNDR(r)	(((r) >> 60) & 0xf)
#define ID_MMFR1_PAN(r)		(((r) >> 20) & 0xf)
#define ID_DFR0_PMUVER(r)	(((r) >> 8) & 0xf)

#define SYSREG_READ(name)						\
static inline uint64_t							\
r_##name(void)								\
{									\
	uint64_t v;							\
	__asm__ volatile("mrs %0, " #name : "=r"(v));			\
	return (v);							\
}
#define SYSREG_WRITE(name)						\
static inline void							\
w_##name(uint64_t v)							\
{									\
	__asm__ volatile("msr " #name ", %0" : : "r"(v) : "memory");	\
}

SYSREG_READ(daif)
SYSREG_READ(mpidr_el1)
SYSREG_READ(cntvct_el0)
SYSREG_READ(cntfrq_el0)
SYSREG_WRITE(cntv_cval_el0)
SYSREG_WRITE(cntv_ctl_el0)
SYSREG_READ(pmccntr_el0)
SYSREG_READ(id_aa64mmfr0_el1)
SYSREG_READ(id_aa64mmfr1_el1)
SYSREG_READ(id_aa64isar0_el1)
SYSREG_READ(id_aa64dfr0_el1)
SYSREG_READ(ttbr0_el1)
SYSREG_WRITE(ttbr0_el1)
SYSREG_READ(ttbr1_el1)
SYSREG_WRITE(tpidr_el1)
SYSREG_READ(tpidr_el0)
SYSREG_WRITE(tpidr_el0)
SYSREG_WRITE(vbar_el1)
SYSREG_READ(tcr_el1)
SYSREG_WRITE(cntkctl_el1)
SYSREG_WRITE(pmcr_el0)
SYSREG_WRITE(pmcntenset_el0)
SYSREG_WRITE(pmuserenr_el0)

static inline void
isb(void)
{
	__asm__ volatile("isb" : : : "memory");
}

static inline void
dsb_ish(void)
{
	__asm__ volatile("dsb ish" : : : "memory");
}

static inline void
dsb_ishst(void)
{
	__asm__ volatile("dsb ishst" : : : "memory");
}

static inline void
wfi(void)
{
	__asm__ volatile("wfi" : : : "memory");
}

static inline uintptr_t
r_fp(void)
{
	uintptr_t fp;

	__asm__ volatile("mov %0, x29" : "=r"(fp));
	return (fp);
}

/*
 * TLB maintenance.  The "is" forms reach every CPU of the inner shareable
 * domain in hardware, and the dsb ish after them waits until all have
 * done it: no IPI.  Operands: VA[55:12] in bits 43:0, the ASID in 63:48.
 */
static inline uint64_t
tlbi_va(vaddr_t va, unsigned asid)
{
	return (((va >> PAGE_SHIFT) & 0xfffffffffffful) | ((uint64_t)asid << 48));
}

static inline void
tlbi_vae1is(uint64_t op)
{
	__asm__ volatile("tlbi vae1is, %0" : : "r"(op) : "memory");
}

static inline void
tlbi_vae1(uint64_t op)
{
	__asm__ volatile("tlbi vae1, %0" : : "r"(op) : "memory");
}

static inline void
tlbi_aside1is(unsigned asid)
{
	__asm__ volatile("tlbi aside1is, %0" : : "r"((uint64_t)asid << 48) : "memory");
}

static inline void
tlbi_aside1(unsigned asid)
{
	__asm__ volatile("tlbi aside1, %0" : : "r"((uint64_t)asid << 48) : "memory");
}

static inline void
tlbi_vaae1is(vaddr_t va)
{
	__asm__ volatile("tlbi vaae1is, %0" : : "r"(tlbi_va(va, 0)) : "memory");
}

static inline void
tlbi_vmalle1(void)
{
	__asm__ volatile("tlbi vmalle1" : : : "memory");
}

#endif /* !_AARCH64_H_ */
