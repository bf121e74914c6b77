/*
 * Descriptor tables and the system call MSRs.  One IDT, shared; each CPU
 * has its own GDT (its TSS descriptor's busy bit is its own), TSS (rsp0
 * follows the lwp running there) and double-fault stack.  x86_idt_init()
 * runs once on the boot CPU; x86_gdt_init() once on every CPU as it starts;
 * afterwards only TSS.rsp0 changes (x86_set_kstack, on every cpu_switch).
 */
#include "kernel.h"
#include "smp.h"
#include "x86.h"

struct tss64 {
	uint32_t tss_rsvd0;
	uint64_t tss_rsp[3];
	uint64_t tss_rsvd1;
	uint64_t tss_ist[7];
	uint64_t tss_rsvd2;
	uint16_t tss_rsvd3;
	uint16_t tss_iobase;
} __packed;
_Static_assert(sizeof(struct tss64) == 104, "TSS layout");

struct gate64 {
	uint16_t gd_off_lo;
	uint16_t gd_sel;
	uint8_t	gd_ist;
	uint8_t	gd_type;	/* P | DPL | type */
	uint16_t gd_off_mid;
	uint32_t gd_off_hi;
	uint32_t gd_rsvd;
} __packed;
_Static_assert(sizeof(struct gate64) == 16, "IDT gate layout");

struct dtr {
	uint16_t dt_limit;
	uint64_t dt_base;
} __packed;

#define SDT_SYSIGT	0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define SDT_SYSIGT_U	0xee	/* the same, reachable by int3/into from ring 3 */
#define SDT_SYSTSS	0x89	/* present, available 64-bit TSS */

#define NGDT		8
/* Room for panic() and its backtrace after a kernel stack overflow. */
#define DF_STACK_SIZE	16384

/*
 * GDT order is fixed by STAR/SYSRET: SYSRET loads CS = STAR[63:48] + 16 and
 * SS = STAR[63:48] + 8, so user data sits just below user code, above a
 * (null) slot standing for the 32-bit user code segment we do not provide.
 */
static const uint64_t gdt_template[NGDT] = {
	[GSEL_KCODE >> 3] = 0x00209a0000000000ul,	/* P, DPL 0, code, L */
	[GSEL_KDATA >> 3] = 0x0000920000000000ul,	/* P, DPL 0, data, W */
	[GSEL_UCODE32 >> 3] = 0,			/* no compatibility mode */
	[GSEL_UDATA >> 3] = 0x0000f20000000000ul,	/* P, DPL 3, data, W */
	[GSEL_UCODE >> 3] = 0x0020fa0000000000ul,	/* P, DPL 3, code, L */
	/* [GSEL_TSS >> 3] and the next: the CPU's own TSS */
};

/* What each CPU owns, indexed by ci_id. */
static struct pcpu_tables {
	uint64_t pc_gdt[NGDT];
	struct tss64 pc_tss;
	uint8_t	pc_df_stack[DF_STACK_SIZE] __aligned(16); /* IST1: #DF on a bad stack */
} pcpu_tables[MAXCPU] __aligned(16);

static struct gate64 idt[256] __aligned(16);

/* Stub addresses in trap.S, in this order. */
extern const uint64_t x86_vector_stubs[];
static const uint8_t x86_vectors[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
	32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
	T_TIMER, T_IPI, T_SPURIOUS,
};

void	syscall_entry(void);

static void
setgate(int vec, uint64_t off, int ist, uint8_t type)
{
	struct gate64 *g = &idt[vec];

	g->gd_off_lo = off & 0xffff;
	g->gd_sel = GSEL_KCODE;
	g->gd_ist = ist;
	g->gd_type = type;
	g->gd_off_mid = (off >> 16) & 0xffff;
	g->gd_off_hi = off >> 32;
	g->gd_rsvd = 0;
}

/*
 * Point this CPU's ring-0 entries at top: interrupts and exceptions from
 * user mode (TSS.rsp0) and syscall (ci_md[CI_MD_KSTACK], read by trap.S).
 */
void
x86_set_kstack(uint64_t top)
{
	struct cpu *ci = curcpu();

	pcpu_tables[ci->ci_id].pc_tss.tss_rsp[0] = top;
	ci->ci_md[CI_MD_KSTACK] = top;
}

/*
 * The only kernel trap with a stack of its own is the double fault (a
 * kernel stack overflow): the calling CPU's IST1.
 */
void
hal_trap_stack(uintptr_t *lo, uintptr_t *hi)
{
	struct pcpu_tables *pc = &pcpu_tables[curcpu()->ci_id];

	*lo = (uintptr_t)pc->pc_df_stack;
	*hi = *lo + DF_STACK_SIZE;
}

void
x86_idt_init(void)
{
	size_t i;

	for (i = 0; i < nitems(x86_vectors); i++)
		setgate(x86_vectors[i], x86_vector_stubs[i],
		    x86_vectors[i] == T_DF ? 1 : 0,
		    x86_vectors[i] == T_BP || x86_vectors[i] == T_OF ?
		    SDT_SYSIGT_U : SDT_SYSIGT);
}

/*
 * Load ci's GDT and TSS and the shared IDT, and set the system call MSRs,
 * on ci itself.  Leaves %gs alone: its base is the CPU's struct cpu.
 */
void
x86_gdt_init(struct cpu *ci)
{
	struct pcpu_tables *pc = &pcpu_tables[ci->ci_id];
	uint64_t base = (uint64_t)&pc->pc_tss, limit = sizeof(pc->pc_tss) - 1;
	struct dtr dtr;

	memcpy(pc->pc_gdt, gdt_template, sizeof(pc->pc_gdt));
	pc->pc_gdt[GSEL_TSS >> 3] = (limit & 0xffff) |
	    ((base & 0xffffff) << 16) | ((uint64_t)SDT_SYSTSS << 40) |
	    (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	pc->pc_gdt[(GSEL_TSS >> 3) + 1] = base >> 32;
	pc->pc_tss.tss_ist[0] = (uint64_t)pc->pc_df_stack + DF_STACK_SIZE;
	/* No I/O bitmap: ring 3 gets no ports. */
	pc->pc_tss.tss_iobase = sizeof(pc->pc_tss);

	dtr.dt_limit = sizeof(pc->pc_gdt) - 1;
	dtr.dt_base = (uint64_t)pc->pc_gdt;
	__asm__ volatile(
	    "lgdt %0\n\t"
	    "pushq %1\n\t"
	    "leaq 1f(%%rip), %%rax\n\t"
	    "pushq %%rax\n\t"
	    "lretq\n"
	    "1:\n\t"
	    "movw %w2, %%ds\n\t"
	    "movw %w2, %%es\n\t"
	    "movw %w2, %%ss\n\t"
	    "ltr %w3"
	    : : "m"(dtr), "i"(GSEL_KCODE), "r"(GSEL_KDATA), "r"(GSEL_TSS)
	    : "rax", "memory");

	dtr.dt_limit = sizeof(idt) - 1;
	dtr.dt_base = (uint64_t)idt;
	__asm__ volatile("lidt %0" : : "m"(dtr) : "memory");

	/* syscall/sysret: kernel CS/SS from STAR[47:32], user from STAR[63:48] */
	wrmsr(MSR_STAR, ((uint64_t)(GSEL_UCODE32 | 3) << 48) |
	    ((uint64_t)GSEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_SFMASK, PSL_I | PSL_D | PSL_T | PSL_AC);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}
