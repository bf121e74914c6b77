/*
 * RISC-V (RV64, Sv39) names used by the riscv64 platform, as the
 * privileged specification names them: CSR accessors, status and
 * interrupt bits, cause codes, page-table entry bits, SBI calls.
 * Nothing else in platform/riscv64/ spells an ISA constant.
 */
#ifndef _RISCV_H_
#define _RISCV_H_

#include "types.h"

/* sstatus */
#define SSTATUS_SIE		(1ul << 1)
#define SSTATUS_SPIE		(1ul << 5)
#define SSTATUS_SPP		(1ul << 8)
#define SSTATUS_FS_MASK		(3ul << 13)
#define SSTATUS_FS_OFF		(0ul << 13)
#define SSTATUS_FS_INITIAL	(1ul << 13)
#define SSTATUS_FS_CLEAN	(2ul << 13)
#define SSTATUS_FS_DIRTY	(3ul << 13)
#define SSTATUS_SUM		(1ul << 18)
#define SSTATUS_MXR		(1ul << 19)

/* fcsr (F extension): the rounding mode and the accrued exception flags */
#define FCSR_FFLAGS_MASK	0x1ful
#define FCSR_FRM_MASK		0xe0ul
#define FCSR_MASK		(FCSR_FRM_MASK | FCSR_FFLAGS_MASK)

/* sie / sip */
#define SIE_SSIE		(1ul << 1)
#define SIE_STIE		(1ul << 5)
#define SIE_SEIE		(1ul << 9)
#define SIP_SSIP		(1ul << 1)

/* scause */
#define SCAUSE_INTR		(1ul << 63)
#define SCAUSE_CODE(c)		((c) & ~SCAUSE_INTR)
#define IRQ_S_SOFT		1
#define IRQ_S_TIMER		5
#define IRQ_S_EXT		9
#define SCAUSE_INST_MISALIGNED	0
#define SCAUSE_INST_ACCESS_FAULT 1
#define SCAUSE_ILLEGAL_INSTRUCTION 2
#define SCAUSE_BREAKPOINT	3
#define SCAUSE_LOAD_MISALIGNED	4
#define SCAUSE_LOAD_ACCESS_FAULT 5
#define SCAUSE_STORE_MISALIGNED	6
#define SCAUSE_STORE_ACCESS_FAULT 7
#define SCAUSE_ECALL_U		8
#define SCAUSE_ECALL_S		9
#define SCAUSE_INST_PAGE_FAULT	12
#define SCAUSE_LOAD_PAGE_FAULT	13
#define SCAUSE_STORE_PAGE_FAULT	15

/* satp (Sv39) */
#define SATP_MODE_SV39		(8ul << 60)
#define SATP_PPN(pa)		((pa) >> PAGE_SHIFT)

/* Sv39 page-table entries */
#define PTE_V			(1ul << 0)
#define PTE_R			(1ul << 1)
#define PTE_W			(1ul << 2)
#define PTE_X			(1ul << 3)
#define PTE_U			(1ul << 4)
#define PTE_G			(1ul << 5)
#define PTE_A			(1ul << 6)
#define PTE_D			(1ul << 7)
#define PTE_RWX			(PTE_R | PTE_W | PTE_X)
#define PTE_PPN_SHIFT		10
#define PTE_TO_PA(pte)		(((pte) >> PTE_PPN_SHIFT) << PAGE_SHIFT)
#define PA_TO_PTE(pa)		(((pa) >> PAGE_SHIFT) << PTE_PPN_SHIFT)
#define PTE_IS_LEAF(pte)	(((pte) & PTE_RWX) != 0)

#define SV39_LEVELS		3
#define SV39_NPTE		512
#define SV39_SHIFT(level)	(PAGE_SHIFT + 9 * (level))	/* level 2 = root */
#define SV39_INDEX(va, level)	(((va) >> SV39_SHIFT(level)) & (SV39_NPTE - 1))
#define SV39_GIGAPAGE		(1ul << SV39_SHIFT(2))

typedef uint64_t pt_entry_t;

/* SBI (v0.2+ calling convention: a7 = EID, a6 = FID, a0/a1 = error/value) */
#define SBI_EXT_LEGACY_CONSOLE_PUTCHAR	0x01
#define SBI_EXT_TIME		0x54494d45	/* "TIME" */
#define SBI_TIME_SET_TIMER	0
#define SBI_EXT_IPI		0x735049	/* "sPI" */
#define SBI_IPI_SEND_IPI	0
#define SBI_EXT_RFENCE		0x52464e43	/* "RFNC" */
#define SBI_RFENCE_REMOTE_SFENCE_VMA 1
#define SBI_TLB_FLUSH_ALL	(~0ul)		/* size: the whole address space */
#define SBI_EXT_HSM		0x48534d	/* "HSM" */
#define SBI_HSM_HART_START	0

#define SBI_ERR_NOT_SUPPORTED	(-2)
#define SBI_ERR_INVALID_PARAM	(-3)
#define SBI_ERR_INVALID_ADDRESS	(-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

struct sbiret {
	long	error;
	long	value;
};

static inline struct sbiret
sbi_call(long eid, long fid, long a0, long a1, long a2, long a3)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a3 __asm__("a3") = a3;
	register long r_a6 __asm__("a6") = fid;
	register long r_a7 __asm__("a7") = eid;

	__asm__ volatile("ecall"
	    : "+r"(r_a0), "+r"(r_a1)
	    : "r"(r_a2), "r"(r_a3), "r"(r_a6), "r"(r_a7)
	    : "memory");
	return ((struct sbiret){ r_a0, r_a1 });
}

/* CSR accessors */
#define CSR_READ(name)							\
static inline uint64_t							\
r_##name(void)								\
{									\
	uint64_t v;							\
	__asm__ volatile("csrr %0, " #name : "=r"(v));			\
	return (v);							\
}
#define CSR_WRITE(name)							\
static inline void							\
w_##name(uint64_t v)							\
{									\
	__asm__ volatile("csrw " #name ", %0" : : "r"(v) : "memory");	\
}									\
static inline void							\
s_##name(uint64_t bits)							\
{									\
	__asm__ volatile("csrs " #name ", %0" : : "r"(bits) : "memory");\
}									\
static inline void							\
c_##name(uint64_t bits)							\
{									\
	__asm__ volatile("csrc " #name ", %0" : : "r"(bits) : "memory");\
}

CSR_READ(sstatus)
CSR_WRITE(sstatus)
CSR_READ(sie)
CSR_WRITE(sie)
CSR_READ(sip)
CSR_WRITE(sip)
CSR_READ(scause)
CSR_READ(sepc)
CSR_READ(stval)
CSR_READ(satp)
CSR_WRITE(satp)
CSR_WRITE(sscratch)
CSR_WRITE(stvec)
CSR_READ(time)
CSR_READ(cycle)
CSR_READ(instret)

static inline void
sfence_vma_all(void)
{
	__asm__ volatile("sfence.vma" : : : "memory");
}

static inline void
sfence_vma_page(vaddr_t va)
{
	__asm__ volatile("sfence.vma %0, zero" : : "r"(va) : "memory");
}

static inline void
wfi(void)
{
	__asm__ volatile("wfi" : : : "memory");
}

/* tp: the running CPU's struct cpu while in the kernel (hal_inline.h reads it). */
static inline void
w_tp(uintptr_t tp)
{
	__asm__ volatile("mv tp, %0" : : "r"(tp) : "memory");
}

static inline uintptr_t
r_fp(void)
{
	uintptr_t fp;

	__asm__ volatile("mv %0, s0" : "=r"(fp));
	return (fp);
}

#endif /* !_RISCV_H_ */
