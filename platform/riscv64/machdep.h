/*
 * What the files of platform/riscv64/ share with each other (never
 * included outside this folder): the address layout, the user trap frame
 * and FP save area at the top of each kernel stack, and the internal
 * entry points between files.
 */
#ifndef _RISCV64_MACHDEP_H_
#define _RISCV64_MACHDEP_H_

/*
 * Address layout (Sv39).  Root-table slots 256..511 (the upper half)
 * belong to the kernel; pmap_bootstrap() fills them once and every user
 * pmap copies them, so they never change afterwards (what changes below
 * them, the leaf tables of the kernel-stack region, is shared by all).
 *   slots 256..503  the direct map: physical memory from pa 0 (low MMIO
 *                   included) up to the device tree's highest RAM address
 *                   rounded up to a gigabyte, at most DMAP_MAX_GIGS;
 *   slots 504..507  the kernel-stack region (pmap_kenter), 4 GiB: over
 *                   200000 stacks with their guard pages, more than
 *                   kern.maxproc's ceiling of lwps the memory could hold;
 *   slot  510       the kernel image, linked at KERNEL_VMA and loaded at
 *                   KERNEL_PA.
 */
#define KERNEL_PA		0x80200000
#define KERNEL_VMA		0xffffffff80200000
#define KERNEL_VA_OFFSET	0xffffffff00000000	/* KERNEL_VMA - KERNEL_PA */
#define DMAP_BASE		0xffffffc000000000
#define DMAP_SLOT		256			/* root index of DMAP_BASE */
#define DMAP_MAX_GIGS		248
#define KSTACK_REGION_BASE	0xfffffffe00000000	/* root slot 504 */
#define KSTACK_REGION_GIGS	4
#define KERNEL_SLOT_FIRST	256			/* root slots copied to user pmaps */

/* The virt machine's devices, reached through the direct map. */
#define VIRT_TEST_PA		0x100000		/* sifive_test finisher */
#define VIRT_UART0_PA		0x10000000		/* ns16550a */
#define VIRT_RTC_PA		0x101000		/* goldfish RTC */

/*
 * User trap frame, shared with trap.S and switch.S: tf_x[n] holds register
 * xn (tf_x[0] is unused), then the trap CSRs.  Lives at the very top of
 * the lwp's kernel stack; the FP save area sits right below it and the
 * kernel stack proper below that.
 */
#define TF_X(n)		((n) * 8)
#define TF_SEPC		256
#define TF_SSTATUS	264
#define TF_SCAUSE	272
#define TF_STVAL	280
#define TF_SIZE		288
#define FPS_SIZE	272		/* f0-f31, fcsr, pad (16-byte multiple) */

/* Register numbers for tf_x[] */
#define REG_RA		1
#define REG_SP		2
#define REG_GP		3
#define REG_TP		4
#define REG_S0		8
#define REG_S1		9
#define REG_A0		10
#define REG_A7		17

/*
 * The words of struct cpu's ci_md[] (smp.h) the platform keeps per CPU,
 * and the byte offsets trap.S and start.S use for them (ci_md is at
 * offset 8; asserted below).
 */
#define CPU_MD_KSTACK		0	/* top of curlwp's kernel stack */
#define CPU_MD_USER_SP		1	/* trap entry's scratch: user sp */
#define CPU_MD_TICK_PERIOD	2	/* timer.c, in timebase ticks */
#define CPU_MD_TICK_DEADLINE	3	/* timer.c: when the next tick is due */
#define CPU_MD_EXC_STACK	4	/* top of this CPU's exception stack */
#define CPU_MD_EXC_T0		5	/* kernel trap entry's scratch: t0 */
#define CPU_MD_EXC_SP		6	/* kernel trap entry's scratch: sp */
#define CI_KSTACK		(8 + 8 * CPU_MD_KSTACK)
#define CI_USER_SP		(8 + 8 * CPU_MD_USER_SP)
#define CI_EXC_STACK		(8 + 8 * CPU_MD_EXC_STACK)
#define CI_EXC_T0		(8 + 8 * CPU_MD_EXC_T0)
#define CI_EXC_SP		(8 + 8 * CPU_MD_EXC_SP)

/*
 * The per-CPU exception stack (trap.S): a kernel exception (never an
 * interrupt) runs its handler there, since the kernel stack it came from
 * may be the one that overflowed into its guard page.  An exception taken
 * while already on it, with more than EXC_STACK_NESTED bytes of it left,
 * nests below; otherwise the handler starts again from the top.  Both are
 * multiples of 1 KiB (trap.S compares in KiB).
 */
#define EXC_STACK_SIZE		8192
#define EXC_STACK_NESTED	2048

/* struct ap_boot (smp.c), which start.S searches: one slot a CPU. */
#define AP_BOOT_HWID		0
#define AP_BOOT_CI		8
#define AP_BOOT_SIZE		16
#define AP_BOOT_SLOTS		8

/* Switch context (md_ctx[] words), shared with switch.S. */
#define CTX_RA		0
#define CTX_SP		1
#define CTX_S0		2		/* s0..s11 in CTX_S0..CTX_S0 + 11 */
#define CTX_WORDS	14

#ifndef __ASSEMBLER__
#include "types.h"
#include "smp.h"
#include "riscv.h"

struct lwp;

struct trapframe {
	uint64_t	tf_x[32];
	uint64_t	tf_sepc;
	uint64_t	tf_sstatus;
	uint64_t	tf_scause;
	uint64_t	tf_stval;
};

struct fpstate {
	uint64_t	fp_f[32];
	uint64_t	fp_fcsr;
	uint64_t	fp_pad;
};

/* The offsets trap.S and switch.S use. */
#define TF_ASSERT(f, off) \
	_Static_assert(offsetof(struct trapframe, f) == (off), #f)
TF_ASSERT(tf_x[REG_A0], TF_X(REG_A0));
TF_ASSERT(tf_sepc, TF_SEPC);
TF_ASSERT(tf_sstatus, TF_SSTATUS);
TF_ASSERT(tf_scause, TF_SCAUSE);
TF_ASSERT(tf_stval, TF_STVAL);
#undef TF_ASSERT
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "tf");
_Static_assert(sizeof(struct fpstate) == FPS_SIZE, "fps");
_Static_assert(TF_SIZE % 16 == 0 && FPS_SIZE % 16 == 0, "stack alignment");
_Static_assert(offsetof(struct cpu, ci_md[CPU_MD_KSTACK]) == CI_KSTACK,
    "ci_md kstack");
_Static_assert(offsetof(struct cpu, ci_md[CPU_MD_USER_SP]) == CI_USER_SP,
    "ci_md user sp");
_Static_assert(offsetof(struct cpu, ci_md[CPU_MD_EXC_STACK]) == CI_EXC_STACK,
    "ci_md exception stack");
_Static_assert(offsetof(struct cpu, ci_md[CPU_MD_EXC_SP]) == CI_EXC_SP,
    "ci_md exception sp");
_Static_assert(CPU_MD_EXC_SP < CPU_MD_WORDS, "ci_md words");
_Static_assert(EXC_STACK_SIZE % 1024 == 0 && EXC_STACK_NESTED % 1024 == 0 &&
    EXC_STACK_NESTED < EXC_STACK_SIZE, "exception stack sizes");
_Static_assert(DMAP_SLOT + DMAP_MAX_GIGS ==
    ((KSTACK_REGION_BASE >> 30) & 511), "direct map ends at the stacks");
_Static_assert(((KSTACK_REGION_BASE >> 30) & 511) + KSTACK_REGION_GIGS <=
    ((KERNEL_VMA >> 30) & 511), "kernel stacks below the image");

/* A hart hal_cpu_start() started, and its struct cpu (start.S). */
struct ap_boot {
	uint64_t	ab_hwid;
	struct cpu	*ab_ci;		/* NULL: a free slot */
};
_Static_assert(offsetof(struct ap_boot, ab_hwid) == AP_BOOT_HWID, "ab_hwid");
_Static_assert(offsetof(struct ap_boot, ab_ci) == AP_BOOT_CI, "ab_ci");
_Static_assert(sizeof(struct ap_boot) == AP_BOOT_SIZE, "ap_boot");
_Static_assert(AP_BOOT_SLOTS == MAXCPU, "an ap_boot slot for each CPU");

/* Where an lwp's frame, FP area and initial kernel sp are. */
static inline struct trapframe *
lwp_trapframe(uintptr_t kstack)
{
	return ((struct trapframe *)(kstack + KSTACK_SIZE - TF_SIZE));
}

static inline struct fpstate *
lwp_fpstate(uintptr_t kstack)
{
	return ((struct fpstate *)(kstack + KSTACK_SIZE - TF_SIZE - FPS_SIZE));
}

/* start.S */
extern char boot_stack_guard[];	/* boot_stack itself: hal.h */
extern pt_entry_t boot_root[];
void	_start(void);
extern char _kernel_start[], _kernel_end[];
extern char _text_start[], _text_end[], _rodata_end[];

/* trap.S */
void	trap_entry(void);
void	trap_user_exit(struct trapframe *tf) __attribute__((noreturn));
void	fork_trampoline(void);
void	kthread_trampoline(void);

/* switch.S */
void	swtch(uintptr_t *from_ctx, uintptr_t *to_ctx);
void	fpu_save(struct fpstate *fps);
void	fpu_restore(const struct fpstate *fps);

/* trap.c: called from trap.S */
struct trapframe *trap_user(struct trapframe *tf);
void	trap_kernel(struct trapframe *tf);
void	trap_cpu_init(struct cpu *ci);
struct trapframe *lwp_trampoline(struct lwp *l);

/* smp.c */
extern struct ap_boot ap_boot[AP_BOOT_SLOTS];
__noreturn void riscv_hatch(struct cpu *ci);	/* from start.S */
void	sbi_remote_sfence_vma(cpuset_t set, vaddr_t start, size_t size);

/* timer.c */
void	timer_intr(bool from_user);
void	timer_init(uint64_t timebase_hz);

/* console.c */
void	console_init(void);

/* pmap.c */
void	pmap_bootstrap(paddr_t dmap_end);
bool	pmap_kernel_spurious(vaddr_t va, vm_prot_t prot);
#endif /* !__ASSEMBLER__ */

#endif /* !_RISCV64_MACHDEP_H_ */
