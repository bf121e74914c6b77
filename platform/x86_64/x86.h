/*
 * x86-64 names, as the Intel SDM and AMD APM spell them, and the inline
 * accessors for the instructions C cannot express.  Every other file of the
 * platform uses these and names no raw bit.
 */
#ifndef _X86_H_
#define _X86_H_

#ifdef __ASSEMBLER__
#define _UL(x)		x
#else
#define _UL(x)		x##ul
#endif

/*
 * The kernel half (kpmap.c draws it):
 *	PML4 256..   the direct map, DMAP_BASE + [0, x86_dmap_end), up to
 *	             DMAP_MAX (start.S's boot tables: the first 4 GiB)
 *	PML4 510     kernel stacks, [KSTACK_REGION_BASE, +KSTACK_REGION_SIZE)
 *	PML4 511     the kernel image at KERNBASE + its physical address
 */
#define KERNBASE	_UL(0xffffffff80000000)	/* VMA of physical address 0 */
#define DMAP_BASE	_UL(0xffff800000000000)	/* hal_dmap_base */
#define DMAP_BOOT_SIZE	_UL(0x100000000)	/* 4 GiB, built by start.S */
#define DMAP_BOOT_RAM_END _UL(0xe0000000) /* start.S: above, uncached MMIO */
#define DMAP_MAX	_UL(0x400000000000)	/* 64 TiB: PML4 256..383 */
#define PML4_KSTACK	510
#define KSTACK_REGION_BASE _UL(0xffffff0000000000)	/* PML4 slot 510 */
#define KSTACK_REGION_SIZE _UL(0x100000000)	/* 4 GiB */

/* Segment selectors (gdt.c; the order is the one STAR/SYSRET needs). */
#define GSEL_KCODE	0x08
#define GSEL_KDATA	0x10
#define GSEL_UCODE32	0x18	/* placeholder: SYSRET's base, never loaded */
#define GSEL_UDATA	(0x20 | 3)
#define GSEL_UCODE	(0x28 | 3)
#define GSEL_TSS	0x30
#define SEL_RPL_MASK	3

/* Exception vectors */
#define T_DE		0	/* divide error */
#define T_DB		1
#define T_NMI		2
#define T_BP		3
#define T_OF		4
#define T_BR		5
#define T_UD		6	/* invalid opcode */
#define T_NM		7
#define T_DF		8
#define T_TS		10
#define T_NP		11
#define T_SS		12
#define T_GP		13
#define T_PF		14
#define T_MF		16
#define T_AC		17
#define T_MC		18
#define T_XM		19
#define T_VE		20
#define T_CP		21
/* Our interrupt vectors */
#define T_PIC_BASE	32	/* 8259 remapped here, all masked */
#define T_TIMER		48	/* local APIC timer */
#define T_IPI		0xf0	/* inter-processor interrupt (hal_ipi_send) */
#define T_SPURIOUS	255	/* local APIC spurious vector */
#define T_SYSCALL	256	/* not a vector: marks a frame built by `syscall` */
#define T_SETFRAME	257	/* not a vector: a frame the kernel rewrote (sigframe.c); leaves by iretq */

/* Page-fault error code */
#define PGEX_P		0x01	/* protection violation (else not present) */
#define PGEX_W		0x02	/* write */
#define PGEX_U		0x04	/* from user mode */
#define PGEX_RSV	0x08
#define PGEX_I		0x10	/* instruction fetch */

/* Page-table entry bits */
#define PG_P		_UL(0x001)
#define PG_RW		_UL(0x002)
#define PG_U		_UL(0x004)
#define PG_PWT		_UL(0x008)
#define PG_PCD		_UL(0x010)
#define PG_A		_UL(0x020)
#define PG_D		_UL(0x040)
#define PG_PS		_UL(0x080)
#define PG_G		_UL(0x100)
#define PG_NX		_UL(0x8000000000000000)
#define PG_FRAME	_UL(0x000ffffffffff000)

#define NPTEPG		512
#define PML4SHIFT	39
#define PDPSHIFT	30
#define PDRSHIFT	21
#define PML4_KERNEL	256	/* first PML4 slot of the upper half */

/* Control registers */
#define CR0_PE		_UL(0x00000001)
#define CR0_MP		_UL(0x00000002)
#define CR0_EM		_UL(0x00000004)
#define CR0_TS		_UL(0x00000008)
#define CR0_NE		_UL(0x00000020)
#define CR0_WP		_UL(0x00010000)
#define CR0_PG		_UL(0x80000000)
#define CR4_PAE		_UL(0x00000020)
#define CR4_PGE		_UL(0x00000080)
#define CR4_OSFXSR	_UL(0x00000200)
#define CR4_OSXMMEXCPT	_UL(0x00000400)
#define CR4_SMEP	_UL(0x00100000)
#define CR4_SMAP	_UL(0x00200000)

/* RFLAGS */
#define PSL_C		_UL(0x00000001)
#define PSL_1		_UL(0x00000002)	/* always set */
#define PSL_PF		_UL(0x00000004)
#define PSL_AF		_UL(0x00000010)
#define PSL_Z		_UL(0x00000040)
#define PSL_N		_UL(0x00000080)
#define PSL_T		_UL(0x00000100)
#define PSL_I		_UL(0x00000200)
#define PSL_D		_UL(0x00000400)
#define PSL_V		_UL(0x00000800)
#define PSL_AC		_UL(0x00040000)
#define PSL_ID		_UL(0x00200000)
/* What ring 3 may change itself (popfq): FreeBSD's PSL_USERCHANGE less RF. */
#define PSL_USERCHANGE	(PSL_C | PSL_PF | PSL_AF | PSL_Z | PSL_N | PSL_T | \
			    PSL_D | PSL_V | PSL_AC | PSL_ID)

/* MSRs */
#define MSR_APICBASE	0x0000001b
#define APICBASE_ENABLE	_UL(0x800)
#define MSR_EFER	0xc0000080
#define EFER_SCE	_UL(0x001)
#define EFER_LME	_UL(0x100)
#define EFER_NXE	_UL(0x800)
#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_CSTAR	0xc0000083
#define MSR_SFMASK	0xc0000084
#define MSR_FSBASE	0xc0000100
#define MSR_GSBASE	0xc0000101
#define MSR_KGSBASE	0xc0000102	/* swapgs exchanges it with MSR_GSBASE */

/* CPUID bits we test */
#define CPUID_EDX_80000001_NX	(1 << 20)
#define CPUID_ECX_1_RDRAND	(1u << 30)
#define CPUID_EBX_7_RDSEED	(1 << 18)
#define CPUID_EBX_7_SMEP	(1 << 7)
#define CPUID_EBX_7_SMAP	(1 << 20)
#define CPUID_EDX_1_APIC	(1 << 9)
#define CPUID_EBX_1_APICID(ebx)	((ebx) >> 24)	/* initial local APIC id */

/* Local APIC registers (xAPIC, memory-mapped) */
#define LAPIC_ID	0x020
#define LAPIC_TPR	0x080
#define LAPIC_EOI	0x0b0
#define LAPIC_SVR	0x0f0
#define LAPIC_SVR_ENABLE 0x100
#define LAPIC_ICR_LO	0x300	/* interrupt command; writing it sends */
#define LAPIC_ICR_HI	0x310	/* destination in bits 31:24 */
#define ICR_DM_FIXED	0x000
#define ICR_DM_INIT	0x500
#define ICR_DM_STARTUP	0x600	/* vector = start page number (CS = vector << 8) */
#define ICR_DS_PENDING	0x1000	/* delivery status: send pending */
#define ICR_LEVEL_ASSERT 0x4000	/* set for INIT and STARTUP (SDM's sequence) */
#define ICR_DEST_SHIFT	24
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_LVT_MASKED 0x10000
#define LAPIC_LVT_PERIODIC 0x20000
#define LAPIC_TIMER_ICR	0x380	/* initial count */
#define LAPIC_TIMER_CCR	0x390	/* current count */
#define LAPIC_TIMER_DCR	0x3e0	/* divide configuration */
#define LAPIC_DCR_DIV16	0x3

#define KSTACK_SIZE_BOOT 16384	/* boot stack in start.S */

/*
 * struct cpu (smp.h) as trap.S sees it through %gs: ci_md[] words the
 * platform owns, and ci_curlwp.  machdep.c asserts the offsets.
 */
#define CI_MD_KSTACK	0	/* curlwp's frame end (= TSS.rsp0): syscall's stack */
#define CI_MD_URSP	1	/* the user rsp while syscall_entry builds its frame */
#define CI_MD_OFF(w)	(8 + 8 * (w))	/* byte offset of ci_md[w] */
#define CI_CURLWP_OFF	88		/* offsetof(struct cpu, ci_curlwp) */

/* Secondary CPU start-up (mp.c, mpboot.S): the real-mode page, below 1 MiB. */
#define MP_TRAMPOLINE	0x8000

/* I/O ports */
#define IO_COM1		0x3f8
#define IO_PIC1		0x20
#define IO_PIC2		0xa0
#define IO_PIT		0x40	/* counter 0; +3 is the mode register */
#define PIT_HZ		1193182
#define IO_DEBUG_EXIT	0xf4	/* QEMU isa-debug-exit */

/* The 512-byte FXSAVE area, 16-byte aligned. */
#define FPU_SAVE_SIZE	512
#define FCW_INIT	0x037f
#define MXCSR_INIT	0x1f80
#define FXSAVE_MXCSR	24	/* byte offsets in the FXSAVE area */
#define FXSAVE_MXCSR_MASK 28
#define FXSAVE_HW_SIZE	416	/* what fxsave writes: x87, MXCSR, ST/MM, XMM0-15 */
#define MXCSR_MASK_DEFAULT 0xffbf /* when the CPU reports MXCSR_MASK 0 (SDM 10.5.1.2) */

/* md_ctx[] slots, saved and loaded by switch.S */
#define CTX_RBX		0
#define CTX_RBP		1
#define CTX_R12		2
#define CTX_R13		3
#define CTX_R14		4
#define CTX_R15		5
#define CTX_RSP		6
#define CTX_RIP		7

#ifndef __ASSEMBLER__
#include "types.h"

static inline void
outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void
outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t
inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return (v);
}

static inline uint64_t
rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (((uint64_t)hi << 32) | lo);
}

static inline void
wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
	    "d"((uint32_t)(v >> 32)));
}

static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (((uint64_t)hi << 32) | lo);
}

static inline void
cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]),
	    "=d"(r[3]) : "a"(leaf), "c"(sub));
}

#define CR_ACCESSORS(n)							\
static inline uint64_t							\
rcr##n(void)								\
{									\
	uint64_t v;							\
									\
	__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));		\
	return (v);							\
}									\
static inline void							\
lcr##n(uint64_t v)							\
{									\
	__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");	\
}
CR_ACCESSORS(0)
CR_ACCESSORS(3)
CR_ACCESSORS(4)
#undef CR_ACCESSORS

static inline uint64_t
rcr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return (v);
}

static inline void
invlpg(vaddr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t
read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return (v);
}

static inline void
intr_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

static inline void
intr_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

/*
 * The local APIC's registers: the same address on every CPU, each reaching
 * its own (lapic.c maps them).
 */
extern volatile uint32_t *x86_lapic;

static inline uint32_t
lapic_read(unsigned reg)
{
	return (x86_lapic[reg / 4]);
}

static inline void
lapic_write(unsigned reg, uint32_t v)
{
	x86_lapic[reg / 4] = v;
}

/*
 * In a wait loop.  Besides the hint to a sibling hardware thread, QEMU's
 * TCG ends the vCPU's time slice on pause: without it, under -icount's
 * round-robin, a CPU spinning for another starves that very CPU.
 */
static inline void
ia32_pause(void)
{
	__asm__ volatile("pause" : : : "memory");
}

static inline void
fxsave(void *area)
{
	__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static inline void
fxrstor(const void *area)
{
	__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/*
 * The user register frame at the top of every lwp's kernel stack, just
 * below its FXSAVE area.  trap.S pushes it; the layout (and TF_* offsets in
 * trap.S) must match: general registers, then vector and error code, then
 * what the CPU pushes for an interrupt (rip, cs, rflags, rsp, ss).
 */
struct trapframe {
	uint64_t tf_r15, tf_r14, tf_r13, tf_r12, tf_r11, tf_r10, tf_r9, tf_r8;
	uint64_t tf_rbp, tf_rdi, tf_rsi, tf_rdx, tf_rcx, tf_rbx, tf_rax;
	uint64_t tf_trapno;
	uint64_t tf_err;
	uint64_t tf_rip, tf_cs, tf_rflags, tf_rsp, tf_ss;
};

/*
 * Where an lwp's FXSAVE area and user frame are (cpu.c describes the top
 * of the kernel stack).  While the lwp runs, its FP state is live in the
 * FPU and the area is scratch: cpu_switch() fills it before switching
 * away.
 */
#define KSTACK_TOP(l)	((l)->l_md.md_kstack + KSTACK_SIZE - FPU_SAVE_SIZE)
#define FPU_AREA(l)	((void *)KSTACK_TOP(l))
#define USER_TF(l)	((struct trapframe *)(KSTACK_TOP(l) - \
			    sizeof(struct trapframe)))

/* kernel.ld's section bounds, and the guard page under start.S's boot stack (boot_stack itself: hal.h). */
extern char __kernel_start[], __text_start[], __rodata_start[];
extern char __data_start[], __kernel_end[];
extern char boot_stack_guard[];

/*
 * The kernel's page tables, constant after boot: the end of the direct
 * map, and the kernel's own PML4, whose upper half every pmap copies
 * (kpmap.c).
 */
extern paddr_t x86_dmap_end;
extern uint64_t *x86_kernel_pml4;
extern paddr_t x86_kernel_pml4_pa;

/* The MXCSR bits this CPU accepts (machdep.c; constant after boot). */
extern uint32_t x86_mxcsr_mask;

struct cpu;

/* Platform-internal entry points. */
void	x86_idt_init(void);
void	x86_gdt_init(struct cpu *ci);
void	x86_set_kstack(uint64_t top);
void	x86_set_curcpu(struct cpu *ci);
void	x86_cpu_init(struct cpu *ci, uint64_t kstack);
void	x86_console_init(void);
void	x86_lapic_init(void);
void	x86_lapic_eoi(void);
void	x86_lapic_ipi(uint32_t apic_id, uint32_t icr);
void	x86_timer_init(void);
void	x86_timer_intr(bool from_user);
void	x86_kpmap_bootstrap(void);
void	x86_pmap_bootstrap(void);
void	x86_pmap_cpu_init(void);
void	x86_acpi_attach_cpus(paddr_t rsdp_pa, uint32_t boot_apic_id);
__noreturn void x86_ap_start(struct cpu *ci, uint64_t kstack);
void	trap(struct trapframe *tf);
__noreturn void trap_exit_user(void);
void	x86_fpu_clean(void *area);
void	fork_trampoline(void);
void	kthread_trampoline(void);
void	switch_context(uintptr_t *from_ctx, uintptr_t *to_ctx);

#endif /* !__ASSEMBLER__ */

#endif /* !_X86_H_ */
