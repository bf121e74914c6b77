/*
 * What the files of platform/aarch64/ share (never included outside this
 * folder): the address layout, the trap frame and FP area at the top of
 * each kernel stack, the per-CPU words, and the entry points between files.
 */
#ifndef _AARCH64_MACHDEP_H_
#define _AARCH64_MACHDEP_H_

/*
 * Address layout: 48-bit VAs, 4 KiB granule, four levels.  TTBR0_EL1
 * holds the running process's pmap (user, [VM_MIN_USER, VM_MAX_USER) in
 * the first 256 GiB of its level-0 slot 0), tagged with its ASID.
 * TTBR1_EL1 holds the kernel's one root, the same on every CPU and never
 * copied into user pmaps:
 *   level-0 slot 0    the direct map, 0xffff000000000000: physical
 *                     memory from pa 0 (the virt board's MMIO below 1 GiB
 *                     as Device memory) to the device tree's last RAM
 *                     byte, in 1 GiB blocks but where W^X splits them;
 *   level-0 slot 1    the kernel-stack region (pmap_kenter), 4 GiB;
 *   level-0 slot 511  the kernel image, linked at KERNEL_VMA and loaded
 *                     at KERNEL_PA, 2 MiB into RAM: QEMU puts the device
 *                     tree at the start of RAM for an ELF kernel.
 */
#define KERNEL_PA		0x40200000
#define KERNEL_VMA		0xffffffff80200000
#define KERNEL_VA_OFFSET	0xffffffff40000000	/* KERNEL_VMA - KERNEL_PA */
#define DMAP_BASE		0xffff000000000000
#define DMAP_MAX_GIGS		512
#define KSTACK_REGION_BASE	0xffff008000000000
#define KSTACK_REGION_GIGS	4
#define RAM_BASE		0x40000000

/* The virt board (hw/arm/virt.c's memory map), reached through the direct map. */
#define VIRT_GICD_PA		0x08000000
#define VIRT_GICR_PA		0x080a0000
#define VIRT_GICR_STRIDE	0x20000
#define VIRT_UART_PA		0x09000000	/* PL011 */
#define VIRT_RTC_PA		0x09010000	/* PL031 */

#define INTID_SGI_IPI		0
#define INTID_VTIMER		27

/*
 * The trap frame (struct trapframe, asserted below): x0-x30 at 8 * n,
 * then SP_EL0, ELR, SPSR, ESR, FAR, and a frame record (fp, lr) that
 * kernel traps link into the x29 chain so that backtraces cross them.
 */
#define TF_X(n)		((n) * 8)
#define TF_SP		248
#define TF_ELR		256
#define TF_SPSR		264
#define TF_ESR		272
#define TF_FAR		280
#define TF_FRAME	288
#define TF_SIZE		304
#define FPS_SIZE	528		/* q0-q31, fpcr, fpsr */

/* ci_md[] words and their byte offsets (ci_md is at offset 8 of struct cpu). */
#define CPU_MD_KSTACK		0	/* top of curlwp's kernel stack */
#define CPU_MD_EXC_STACK	1	/* top of this CPU's exception stack */
#define CPU_MD_TICK_PERIOD	2
#define CPU_MD_TICK_DEADLINE	3
#define CPU_MD_GICR		4	/* this CPU's redistributor (direct map) */
#define CI_KSTACK		(8 + 8 * CPU_MD_KSTACK)
#define CI_EXC_STACK		(8 + 8 * CPU_MD_EXC_STACK)

/*
 * The per-CPU exception stack: a kernel exception runs its handler there,
 * since the stack it came from may be the one that overflowed.  One taken
 * on it with more than EXC_STACK_NESTED bytes left nests below; trap.S
 * compares in units of 4 KiB.
 */
#define EXC_STACK_SIZE		16384
#define EXC_STACK_NESTED	4096

/* Switch context (md_ctx[] words), shared with switch.S. */
#define CTX_X19		0		/* x19..x28 */
#define CTX_FP		10
#define CTX_LR		11
#define CTX_SP		12
#define CTX_WORDS	13

#ifndef __ASSEMBLER__
#include "types.h"
#include "smp.h"
#include "aarch64.h"

struct lwp;

struct trapframe {
	uint64_t	tf_x[31];
	uint64_t	tf_sp;
	uint64_t	tf_elr;
	uint64_t	tf_spsr;
	uint64_t	tf_esr;
	uint64_t	tf_far;
	uint64_t	tf_frame[2];
};

struct fpstate {
	__uint128_t	fp_q[32];
	uint32_t	fp_fpcr;
	uint32_t	fp_fpsr;
	uint64_t	fp_pad;
};

#define TF_ASSERT(f, off) \
	_Static_assert(offsetof(struct trapframe, f) == (off), #f)
TF_ASSERT(tf_sp, TF_SP);
TF_ASSERT(tf_elr, TF_ELR);
TF_ASSERT(tf_spsr, TF_SPSR);
TF_ASSERT(tf_esr, TF_ESR);
TF_ASSERT(tf_far, TF_FAR);
TF_ASSERT(tf_frame, TF_FRAME);
#undef TF_ASSERT
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "tf");
_Static_assert(sizeof(struct fpstate) == FPS_SIZE, "fps");
_Static_assert(offsetof(struct fpstate, fp_fpcr) == 512, "fpcr");
_Static_assert(TF_SIZE % 16 == 0 && FPS_SIZE % 16 == 0, "stack alignment");
_Static_assert(offsetof(struct cpu, ci_md[CPU_MD_KSTACK]) == CI_KSTACK, "ci kstack");
_Static_assert(offsetof(struct cpu, ci_md[CPU_MD_EXC_STACK]) == CI_EXC_STACK, "ci exc");
_Static_assert(CPU_MD_GICR < CPU_MD_WORDS, "ci_md words");
_Static_assert(EXC_STACK_SIZE % 4096 == 0 && EXC_STACK_NESTED % 4096 == 0, "exc sizes");

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
extern pt_entry_t boot_l0_lo[];
extern uint64_t ap_ttbr1;		/* the kernel root for secondaries */
void	ap_entry(void);
extern char _kernel_start[], _kernel_end[];
extern char _text_start[], _text_end[], _rodata_end[];

/* trap.S */
extern char exception_vectors[];
void	trap_user_exit(struct trapframe *tf) __attribute__((noreturn));
void	fork_trampoline(void);
void	kthread_trampoline(void);

/* switch.S */
void	swtch(uintptr_t *from_ctx, uintptr_t *to_ctx);
void	fpu_save(struct fpstate *fps);
void	fpu_restore(const struct fpstate *fps);

/* trap.c */
struct trapframe *trap_user(struct trapframe *tf, bool irq);
void	trap_kernel(struct trapframe *tf);
void	trap_irq(struct trapframe *tf, bool from_user);
void	trap_cpu_init(struct cpu *ci);
struct trapframe *lwp_trampoline(struct lwp *l);

/* gic.c */
void	gic_init(void);
void	gic_cpu_init(struct cpu *ci);
unsigned gic_ack(void);
void	gic_eoi(unsigned intid);

/* smp.c */
__noreturn void aarch64_hatch(struct cpu *ci);
void	psci_init(bool smc);
__noreturn void psci_off(void);

/* timer.c */
void	timer_intr(bool from_user);
void	timer_init(void);

/* console.c */
void	console_init(void);

/* pmap.c */
void	pmap_bootstrap(paddr_t dmap_end);
void	pmap_cpu_init(void);
#endif /* !__ASSEMBLER__ */

#endif /* !_AARCH64_MACHDEP_H_ */
