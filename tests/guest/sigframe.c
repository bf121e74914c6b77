/*
 * The sigframe suite: the machine-dependent half of signal delivery
 * (cpu_sendsig, cpu_sigreturn, __sigtramp, ERESTART) through the public
 * API, on each architecture's own registers.
 *
 * The register cases load every general register, the FP registers and
 * the FP control (x86-64: the whole FXSAVE image, with MXCSR and the x87
 * control word off their defaults; riscv64: f0-f31 and fcsr) with
 * patterns, take a signal three ways (a faulting load, the return of a
 * kill() system call, an interrupt while spinning), and store them all
 * again after the handler: the handler checks that its ucontext holds
 * the patterns, clobbers every register it may, and in the fault case
 * changes every register and the pc in the ucontext, which sigreturn must
 * then load.  Every handler is entered through sig_entry, which records
 * the entry sp, the return address and the FP state before the C handler
 * runs: sp aligned as the ABI wants, return address __sigtramp, FP at its
 * defaults.
 *
 * Then: the frame lands on a sigaltstack; nested frames; an interrupted
 * read restarts (SA_RESTART) with its arguments intact; a corrupted
 * ucontext ends the process with SIGILL and never reaches the kernel;
 * privileged fields in it are ignored; a frame that cannot be written
 * ends the process with SIGSEGV.
 *
 * Each case runs in a child of its own (tap.h's run_case), whose own
 * child reports through a MAP_SHARED page; the suite runs in a child so
 * that the parent can check that nothing leaked (vmsuite.h).
 */
#include "vmsuite.h"

#include <pthread.h>
#include <sys/ucontext.h>

extern char __sigtramp[];

/*
 * forkrt's libc makes the struct pthread the thread pointer (x86-64: the
 * FS base, which the frame reports in mc_fsbase); main's pthread_self()
 * sets it up, so that every case inherits it, and before the suite's
 * leak count, so that the library's first write to its thread state is
 * not counted against the suite.
 */
static pthread_t thread_ptr;

/* ---- what the handlers and the cases report ---------------------------- */

struct report {
	int	nfail;
	int	handled;
	char	msg[240];
	/* case_altstack, case_nested */
	uintptr_t entry_sp, si, uc, int_sp, uc2, int_sp2;
	stack_t	uc_stack;
};

static struct report *rep;

static void __attribute__((format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	if (rep->nfail++ != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(rep->msg, sizeof(rep->msg), fmt, ap);
	va_end(ap);
}

#define check(cond, ...)	do { if (!(cond)) fail(__VA_ARGS__); } while (0)

/* ---- the registers, per architecture ----------------------------------- */

#define NGPR		32
#if defined(__aarch64__)
#define FP_SIZE		528	/* q0-q31, then FPCR and FPSR (32 bits each) */
#else
#define FP_SIZE		512
#endif

/*
 * Shared with the assembly below (offsets asserted): in[] is loaded
 * before the trigger, out[] stored after the resume point; seen[] is what
 * the handler found in its ucontext.  x86-64 indexes registers by their
 * hardware number (rax 0, rcx 1, rdx 2, rbx 3, rsp 4, rbp 5, rsi 6, rdi 7,
 * r8-r15 8-15), riscv64 by their x number.
 */
struct regtest {
	uint64_t	in[NGPR];		/* 0 */
	uint64_t	out[NGPR];		/* 256 */
	uint64_t	sp_in;			/* 512 */
	uint64_t	sp_out;			/* 520 */
	uint64_t	flags_out;		/* 528: x86 rflags */
	uint64_t	pad;			/* 536 */
	uint64_t	redzone[16];		/* 544: x86: what the red zone held after */
	uint8_t		fpin[FP_SIZE];		/* 672 */
	uint8_t		fpout[FP_SIZE];		/* 1184 */
	uint8_t		fpwant[FP_SIZE];	/* what the resumed code must see */
	uint64_t	seen[NGPR];
	int		early;			/* case_loop: the signal came before the loop */
};

_Static_assert(offsetof(struct regtest, out) == 256, "RT_OUT");
_Static_assert(offsetof(struct regtest, sp_in) == 512, "RT_SP_IN");
_Static_assert(offsetof(struct regtest, sp_out) == 520, "RT_SP_OUT");
_Static_assert(offsetof(struct regtest, flags_out) == 528, "RT_FLAGS");
_Static_assert(offsetof(struct regtest, redzone) == 544, "RT_REDZONE");
_Static_assert(offsetof(struct regtest, fpin) == 672, "RT_FPIN");
_Static_assert(offsetof(struct regtest, fpout) == 672 + FP_SIZE, "RT_FPOUT");

struct regtest rt __attribute__((aligned(16)));
volatile int loop_flag;

/* What sig_entry records before the C handler runs. */
struct entry_rec {
	uint64_t	sp;		/* 0: sp at the handler's first instruction */
	uint64_t	ret;		/* 8: its return address ([rsp] / ra) */
	uint64_t	flags;		/* 16: x86 rflags, riscv fcsr */
	uint64_t	pad;
	uint8_t		fp[FP_SIZE];	/* 32: x86 FXSAVE image, riscv f0-f31 */
};
struct entry_rec entry_rec __attribute__((aligned(16)));
void	(*sig_target)(int, siginfo_t *, void *);
void	sig_entry(int, siginfo_t *, void *);

enum { MODE_FAULT, MODE_SYSCALL, MODE_LOOP };
void	regs_fault(struct regtest *);
void	regs_syscall(struct regtest *);
void	regs_loop(struct regtest *);
extern char regs_fault_insn[], regs_fault_resume[];
extern char regs_syscall_insn[], regs_syscall_resume[];
extern char regs_loop_insn[], regs_loop_resume[];

#if defined(__x86_64__)

#define RED_ZONE	128
#define RET_SLOT	8	/* the return address the handler's `ret` pops */
#define PSL_C		0x1ul
#define PSL_T		0x100ul
#define PSL_I		0x200ul
#define PSL_D		0x400ul
#define PSL_IOPL	0x3000ul
#define PSL_NT		0x4000ul
#define PSL_RF		0x10000ul
#define PSL_VM		0x20000ul
#define PSL_AC		0x40000ul
#define PSL_VIF		0x80000ul
#define PSL_VIP		0x100000ul
#define PSL_ID		0x200000ul
#define KERNEL_PC	0xffffffff80200000ul
#define REG_RAX		0
#define REG_RCX		1
#define REG_RSP		4
#define REG_RSI		6
#define REG_RDI		7
#define REG_R11		11

/*
 * REGTEST name, mode: void name(struct regtest *rt).  Loads the FXSAVE
 * image, fills the red zone, loads every GPR but rsp from rt->in, sets
 * CF and DF, runs the trigger at name_insn, and from name_resume stores
 * every GPR, rsp, rflags, the red zone and the FXSAVE image.  The stack
 * holds rt at 0(%rsp) and a scratch word at 8(%rsp).
 */
__asm__(
".macro	REGTEST name, mode\n"
"	.text\n"
"	.globl	\\name\n"
"	.type	\\name, @function\n"
"\\name:\n"
"	pushq	%rbp\n"
"	pushq	%rbx\n"
"	pushq	%r12\n"
"	pushq	%r13\n"
"	pushq	%r14\n"
"	pushq	%r15\n"
"	subq	$24, %rsp\n"
"	movq	%rdi, 0(%rsp)\n"
"	fxrstor64 672(%rdi)\n"
"	movq	%rsp, 512(%rdi)\n"
"	.irp	k, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n"
"	movq	$(0x5a000000 + \\k), -(\\k * 8)(%rsp)\n"
"	.endr\n"
"	movq	0(%rdi), %rax\n"
"	movq	8(%rdi), %rcx\n"
"	movq	16(%rdi), %rdx\n"
"	movq	24(%rdi), %rbx\n"
"	movq	40(%rdi), %rbp\n"
"	movq	48(%rdi), %rsi\n"
"	movq	64(%rdi), %r8\n"
"	movq	72(%rdi), %r9\n"
"	movq	80(%rdi), %r10\n"
"	movq	88(%rdi), %r11\n"
"	movq	96(%rdi), %r12\n"
"	movq	104(%rdi), %r13\n"
"	movq	112(%rdi), %r14\n"
"	movq	120(%rdi), %r15\n"
"	movq	56(%rdi), %rdi\n"
"	std\n"
"	stc\n"
"	.globl	\\name\\()_insn\n"
"\\name\\()_insn:\n"
"	.if	\\mode == 0\n"
"	movq	0x0, %rax\n"
"	.elseif	\\mode == 1\n"
"	syscall\n"
"	.else\n"
"	cmpl	$0, loop_flag(%rip)\n"
"	je	\\name\\()_insn\n"
"	.endif\n"
"	.globl	\\name\\()_resume\n"
"\\name\\()_resume:\n"
"	movq	%rax, 8(%rsp)\n"
"	movq	0(%rsp), %rax\n"
"	movq	%rcx, 264(%rax)\n"
"	movq	%rdx, 272(%rax)\n"
"	movq	%rbx, 280(%rax)\n"
"	movq	%rbp, 296(%rax)\n"
"	movq	%rsi, 304(%rax)\n"
"	movq	%rdi, 312(%rax)\n"
"	movq	%r8, 320(%rax)\n"
"	movq	%r9, 328(%rax)\n"
"	movq	%r10, 336(%rax)\n"
"	movq	%r11, 344(%rax)\n"
"	movq	%r12, 352(%rax)\n"
"	movq	%r13, 360(%rax)\n"
"	movq	%r14, 368(%rax)\n"
"	movq	%r15, 376(%rax)\n"
"	movq	8(%rsp), %rcx\n"
"	movq	%rcx, 256(%rax)\n"
"	movq	%rsp, 520(%rax)\n"
"	.irp	k, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n"
"	movq	-(\\k * 8)(%rsp), %rcx\n"
"	movq	%rcx, (544 + (\\k - 1) * 8)(%rax)\n"
"	.endr\n"
"	pushfq\n"
"	popq	%rcx\n"
"	movq	%rcx, 528(%rax)\n"
"	cld\n"
"	fxsave64 1184(%rax)\n"
"	addq	$24, %rsp\n"
"	popq	%r15\n"
"	popq	%r14\n"
"	popq	%r13\n"
"	popq	%r12\n"
"	popq	%rbx\n"
"	popq	%rbp\n"
"	ret\n"
".endm\n"
"	REGTEST	regs_fault, 0\n"
"	REGTEST	regs_syscall, 1\n"
"	REGTEST	regs_loop, 2\n"
/* sig_entry: record the entry state, then the C handler (rax is free). */
"	.text\n"
"	.globl	sig_entry\n"
"sig_entry:\n"
"	movq	%rsp, entry_rec(%rip)\n"
"	movq	(%rsp), %rax\n"
"	movq	%rax, entry_rec+8(%rip)\n"
"	pushfq\n"
"	popq	%rax\n"
"	movq	%rax, entry_rec+16(%rip)\n"
"	fxsave64 entry_rec+32(%rip)\n"
"	jmp	*sig_target(%rip)\n"
);

static bool
gpr_tested(int i, int mode __attribute__((unused)))
{
	return (i < 16 && i != REG_RSP);
}

/* The registers that hold their patterns when the signal is taken. */
static bool
gpr_patterned(int i, int mode)
{
	if (mode == MODE_SYSCALL && (i == REG_RAX || i == REG_RCX || i == REG_R11))
		return (false);
	return (gpr_tested(i, mode));
}

static int64_t *
mc_gpr(mcontext_t *mc, int i)
{
	switch (i) {
	case 0: return (&mc->mc_rax);
	case 1: return (&mc->mc_rcx);
	case 2: return (&mc->mc_rdx);
	case 3: return (&mc->mc_rbx);
	case 4: return (&mc->mc_rsp);
	case 5: return (&mc->mc_rbp);
	case 6: return (&mc->mc_rsi);
	case 7: return (&mc->mc_rdi);
	case 8: return (&mc->mc_r8);
	case 9: return (&mc->mc_r9);
	case 10: return (&mc->mc_r10);
	case 11: return (&mc->mc_r11);
	case 12: return (&mc->mc_r12);
	case 13: return (&mc->mc_r13);
	case 14: return (&mc->mc_r14);
	default: return (&mc->mc_r15);
	}
}

static int64_t *mc_pc(mcontext_t *mc) { return (&mc->mc_rip); }
static int64_t *mc_sp(mcontext_t *mc) { return (&mc->mc_rsp); }

static void
syscall_regs(struct regtest *r, long num, long a0, long a1)
{
	r->in[REG_RAX] = num;
	r->in[REG_RDI] = a0;
	r->in[REG_RSI] = a1;
}

/* Off every default: FCW rounds toward zero, MXCSR too with all flags up. */
static void
fp_fill(uint8_t *fx)
{
	memset(fx, 0, FP_SIZE);
	*(uint16_t *)fx = 0x0f7f;
	fx[4] = 0xff;				/* every x87 register valid */
	*(uint32_t *)(fx + 24) = 0x7fbf;
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 10; j++)
			fx[32 + 16 * i + j] = (uint8_t)(0x10 * i + j + 1);
	for (int i = 160; i < 416; i++)
		fx[i] = (uint8_t)(i * 7 + 3);
}

/* What FXSAVE defines of the state (not FIP/FDP/FOP, not the reserved bytes). */
static bool
fp_equal(const uint8_t *a, const uint8_t *b)
{
	if (memcmp(a, b, 5) != 0 || memcmp(a + 24, b + 24, 4) != 0 ||
	    memcmp(a + 160, b + 160, 256) != 0)
		return (false);
	for (int i = 0; i < 8; i++)
		if (memcmp(a + 32 + 16 * i, b + 32 + 16 * i, 10) != 0)
			return (false);
	return (true);
}

static void
mc_fp_get(mcontext_t *mc, uint8_t *fp)
{
	memcpy(fp, mc->mc_fpstate, FP_SIZE);
}

/* Change what sigreturn must load: every XMM byte and the SSE rounding (up). */
static void
mc_fp_change(mcontext_t *mc)
{
	uint8_t *fx = (uint8_t *)mc->mc_fpstate;

	for (int i = 160; i < 416; i++)
		fx[i] ^= 0xa5;
	*(uint32_t *)(fx + 24) = 0x5f80;
}

/* The handler's entry: sp + 8 aligned, DF and TF clear, the reset FP state. */
static void
check_entry_fp(void)
{
	const uint8_t *fx = entry_rec.fp;
	static const uint8_t zero[256];

	check((entry_rec.sp + 8) % 16 == 0, "handler entry rsp %#lx: (rsp + 8) %% 16 != 0",
	    (unsigned long)entry_rec.sp);
	check((entry_rec.flags & (PSL_D | PSL_T)) == 0, "handler entered with rflags %#lx",
	    (unsigned long)entry_rec.flags);
	check(*(const uint16_t *)fx == 0x037f && *(const uint32_t *)(fx + 24) == 0x1f80 &&
	    fx[4] == 0 && memcmp(fx + 160, zero, 256) == 0,
	    "handler entered with FCW %#x MXCSR %#x FTW %#x or non-zero XMM",
	    *(const uint16_t *)fx, *(const uint32_t *)(fx + 24), fx[4]);
}

/* Everything a handler may clobber: caller-saved GPRs, XMM, x87 registers, MXCSR, FCW. */
static void
clobber(void)
{
	static const uint32_t mxcsr = 0x3f80;	/* round down */
	static const uint16_t fcw = 0x077f;	/* round down */

	__asm__ volatile(
	    ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
	    "pcmpeqd %%xmm\\n, %%xmm\\n\n\t"
	    ".endr\n\t"
	    "ldmxcsr %0\n\t"
	    "fldcw %1\n\t"
	    "fldpi\n\tfld1\n\tfldpi\n\t"
	    "fstp %%st(0)\n\tfstp %%st(0)\n\tfstp %%st(0)\n\t"
	    "movq $-1, %%rax\n\tmovq $-1, %%rcx\n\tmovq $-1, %%rdx\n\t"
	    "movq $-1, %%rsi\n\tmovq $-1, %%rdi\n\tmovq $-1, %%r8\n\t"
	    "movq $-1, %%r9\n\tmovq $-1, %%r10\n\tmovq $-1, %%r11\n\t"
	    "stc"
	    : : "m"(mxcsr), "m"(fcw)
	    : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
	      "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
	      "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
	      "xmm15", "memory", "cc");
}

#elif defined(__riscv)

#define RED_ZONE	0
#define RET_SLOT	0	/* ra holds the return address */
#define KERNEL_PC	0xffffffc000000000ul
#define REG_SP		2
#define REG_TP		4
#define REG_T0		5
#define REG_A0		10
#define REG_A1		11
#define REG_A7		17

/*
 * REGTEST name, mode: void name(struct regtest *rt).  Loads f0-f31 and
 * fcsr, every GPR but sp and tp from rt->in, runs the trigger at
 * name_insn, and from name_resume stores every GPR (tp included), sp, f0-f31
 * and fcsr.  The stack holds rt at 0(sp), a scratch word at 8(sp) and
 * the callee-saved registers, gp and tp above.
 */
__asm__(
".macro	REGTEST name, mode\n"
"	.text\n"
"	.balign	4\n"
"	.globl	\\name\n"
"	.type	\\name, @function\n"
"\\name:\n"
"	addi	sp, sp, -144\n"
"	sd	a0, 0(sp)\n"
"	sd	ra, 16(sp)\n"
"	sd	gp, 24(sp)\n"
"	sd	tp, 32(sp)\n"
"	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11\n"
"	sd	s\\n, (40 + \\n * 8)(sp)\n"
"	.endr\n"
"	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
"	fld	f\\n, (672 + \\n * 8)(a0)\n"
"	.endr\n"
"	ld	t0, (672 + 256)(a0)\n"
"	fscsr	t0\n"
"	sd	sp, 512(a0)\n"
"	.irp	n, 1,3,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
"	ld	x\\n, (\\n * 8)(a0)\n"
"	.endr\n"
"	ld	a0, 80(a0)\n"
"	.globl	\\name\\()_insn\n"
"\\name\\()_insn:\n"
"	.if	\\mode == 0\n"
"	ld	t0, 0(zero)\n"
"	.elseif	\\mode == 1\n"
"	ecall\n"
"	.else\n"
"	lw	t0, loop_flag\n"
"	beqz	t0, \\name\\()_insn\n"
"	.endif\n"
"	.globl	\\name\\()_resume\n"
"\\name\\()_resume:\n"
"	sd	t0, 8(sp)\n"
"	ld	t0, 0(sp)\n"
"	.irp	n, 1,3,4,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
"	sd	x\\n, (256 + \\n * 8)(t0)\n"
"	.endr\n"
"	ld	t1, 8(sp)\n"
"	sd	t1, (256 + 5 * 8)(t0)\n"
"	sd	sp, 520(t0)\n"
"	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
"	fsd	f\\n, (1184 + \\n * 8)(t0)\n"
"	.endr\n"
"	frcsr	t1\n"
"	sd	t1, (1184 + 256)(t0)\n"
"	ld	ra, 16(sp)\n"
"	ld	gp, 24(sp)\n"
"	ld	tp, 32(sp)\n"
"	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11\n"
"	ld	s\\n, (40 + \\n * 8)(sp)\n"
"	.endr\n"
"	addi	sp, sp, 144\n"
"	ret\n"
".endm\n"
"	REGTEST	regs_fault, 0\n"
"	REGTEST	regs_syscall, 1\n"
"	REGTEST	regs_loop, 2\n"
/* sig_entry: record the entry state, then the C handler (t0, t1 are free). */
"	.text\n"
"	.balign	4\n"
"	.globl	sig_entry\n"
"sig_entry:\n"
"	lla	t0, entry_rec\n"
"	sd	sp, 0(t0)\n"
"	sd	ra, 8(t0)\n"
"	frcsr	t1\n"
"	sd	t1, 16(t0)\n"
"	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
"	fsd	f\\n, (32 + \\n * 8)(t0)\n"
"	.endr\n"
"	lla	t0, sig_target\n"
"	ld	t0, 0(t0)\n"
"	jr	t0\n"
);

static bool
gpr_tested(int i, int mode)
{
	if (i == 0 || i == REG_SP)
		return (false);
	return (mode != MODE_LOOP || i != REG_T0);	/* the loop's own register */
}

/* tp is not loaded: in[REG_TP] holds the caller's. */
static bool
gpr_patterned(int i, int mode)
{
	if (mode == MODE_SYSCALL && i == REG_A0)
		return (false);
	return (gpr_tested(i, mode));
}

static int64_t *
mc_gpr(mcontext_t *mc, int i)
{
	struct gpregs *gp = &mc->mc_gpregs;

	switch (i) {
	case 1: return (&gp->gp_ra);
	case 2: return (&gp->gp_sp);
	case 3: return (&gp->gp_gp);
	case 4: return (&gp->gp_tp);
	case 5: case 6: case 7: return (&gp->gp_t[i - 5]);
	case 8: case 9: return (&gp->gp_s[i - 8]);
	default:
		if (i >= 10 && i <= 17)
			return (&gp->gp_a[i - 10]);
		if (i >= 18 && i <= 27)
			return (&gp->gp_s[i - 16]);
		return (&gp->gp_t[i - 25]);
	}
}

static int64_t *mc_pc(mcontext_t *mc) { return (&mc->mc_gpregs.gp_sepc); }
static int64_t *mc_sp(mcontext_t *mc) { return (&mc->mc_gpregs.gp_sp); }

static void
syscall_regs(struct regtest *r, long num, long a0, long a1)
{
	r->in[REG_A7] = num;
	r->in[REG_A0] = a0;
	r->in[REG_A1] = a1;
}

/* f0-f31 as raw bits (fld/fsd move them exactly), fcsr: round toward zero, all flags. */
static void
fp_fill(uint8_t *fp)
{
	uint64_t *f = (uint64_t *)fp;

	memset(fp, 0, FP_SIZE);
	for (int i = 0; i < 32; i++)
		f[i] = 0x7ff8123400000000ul + (uint64_t)i * 0x0101010101ul;
	f[32] = 0x3f;
}

static bool
fp_equal(const uint8_t *a, const uint8_t *b)
{
	return (memcmp(a, b, 33 * 8) == 0);
}

static void
mc_fp_get(mcontext_t *mc, uint8_t *fp)
{
	uint64_t *f = (uint64_t *)fp;

	memset(fp, 0, FP_SIZE);
	for (int i = 0; i < 32; i++)
		f[i] = mc->mc_fpregs.fp_x[i][0];
	f[32] = mc->mc_fpregs.fp_fcsr;
}

/* Change what sigreturn must load: every f register and fcsr (round down, NX). */
static void
mc_fp_change(mcontext_t *mc)
{
	for (int i = 0; i < 32; i++)
		mc->mc_fpregs.fp_x[i][0] ^= 0xa5a5a5a5a5a5a5a5ul;
	mc->mc_fpregs.fp_fcsr = 0x41;
}

/* The handler's entry: sp aligned, fcsr 0 and f0-f31 zero. */
static void
check_entry_fp(void)
{
	static const uint8_t zero[256];

	check(entry_rec.sp % 16 == 0, "handler entry sp %#lx not 16-byte aligned",
	    (unsigned long)entry_rec.sp);
	check(entry_rec.flags == 0 && memcmp(entry_rec.fp, zero, 256) == 0,
	    "handler entered with fcsr %#lx or non-zero f registers",
	    (unsigned long)entry_rec.flags);
}

/* Everything a handler may clobber: caller-saved GPRs, every f register, fcsr. */
static void
clobber(void)
{
	__asm__ volatile(
	    "li t0, -1\n\t"
	    ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
	    "fmv.d.x f\\n, t0\n\t"
	    ".endr\n\t"
	    "li t1, -1\n\tli t2, -1\n\tli t3, -1\n\tli t4, -1\n\tli t5, -1\n\tli t6, -1\n\t"
	    "li a0, -1\n\tli a1, -1\n\tli a2, -1\n\tli a3, -1\n\t"
	    "li a4, -1\n\tli a5, -1\n\tli a6, -1\n\tli a7, -1\n\t"
	    "li t0, 0x9f\n\t"
	    "fscsr t0"
	    : : : "t0", "t1", "t2", "t3", "t4", "t5", "t6",
	      "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7",
	      "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "ft8",
	      "ft9", "ft10", "ft11", "fs0", "fs1", "fs2", "fs3", "fs4", "fs5",
	      "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "fa0", "fa1", "fa2",
	      "fa3", "fa4", "fa5", "fa6", "fa7", "memory");
}

#elif defined(__aarch64__)

#define RED_ZONE	0
#define RET_SLOT	0	/* x30 holds the return address */
#define KERNEL_PC	0xffffffff80200000ul
#define REG_SP		31	/* not a GPR number: sp has no x name */
#define REG_X0		0
#define REG_X1		1
#define REG_X8		8
#define REG_LOOP	9	/* the loop's own register */
#define REG_FAULT	16	/* the faulting load's base, 0 */

/*
 * REGTEST name, mode: void name(struct regtest *rt).  Loads q0-q31, FPCR
 * and FPSR, and x0-x30 from rt->in, runs the trigger at name_insn, and
 * from name_resume stores x0-x30, sp, q0-q31, FPCR and FPSR.  The stack
 * holds rt at [sp], a scratch word at [sp, 8] and x18-x30 above.
 */
__asm__(
".macro	REGTEST name, mode\n"
"	.text\n"
"	.balign	4\n"
"	.globl	\\name\n"
"	.type	\\name, %function\n"
"\\name:\n"
"	sub	sp, sp, #128\n"
"	str	x0, [sp]\n"
"	stp	x18, x19, [sp, #16]\n"
"	stp	x20, x21, [sp, #32]\n"
"	stp	x22, x23, [sp, #48]\n"
"	stp	x24, x25, [sp, #64]\n"
"	stp	x26, x27, [sp, #80]\n"
"	stp	x28, x29, [sp, #96]\n"
"	str	x30, [sp, #112]\n"
"	add	x1, x0, #672\n"
"	.irp	n, 0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30\n"
"	ldr	q\\n, [x1, #(\\n * 16)]\n"
"	.endr\n"
"	.irp	n, 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31\n"
"	ldr	q\\n, [x1, #(\\n * 16)]\n"
"	.endr\n"
"	ldr	w2, [x1, #512]\n"
"	msr	fpcr, x2\n"
"	ldr	w2, [x1, #516]\n"
"	msr	fpsr, x2\n"
"	mov	x2, sp\n"
"	str	x2, [x0, #512]\n"
"	.irp	n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30\n"
"	ldr	x\\n, [x0, #(\\n * 8)]\n"
"	.endr\n"
"	ldr	x0, [x0]\n"
"	.globl	\\name\\()_insn\n"
"\\name\\()_insn:\n"
"	.if	\\mode == 0\n"
"	ldr	x16, [x16]\n"
"	.elseif	\\mode == 1\n"
"	svc	#0\n"
"	.else\n"
"	adrp	x9, loop_flag\n"
"	ldr	w9, [x9, :lo12:loop_flag]\n"
"	cbz	w9, \\name\\()_insn\n"
"	.endif\n"
"	.globl	\\name\\()_resume\n"
"\\name\\()_resume:\n"
"	str	x9, [sp, #8]\n"
"	ldr	x9, [sp]\n"
"	.irp	n, 0,1,2,3,4,5,6,7,8,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30\n"
"	str	x\\n, [x9, #(256 + \\n * 8)]\n"
"	.endr\n"
"	ldr	x10, [sp, #8]\n"
"	str	x10, [x9, #(256 + 9 * 8)]\n"
"	mov	x10, sp\n"
"	str	x10, [x9, #520]\n"
"	add	x10, x9, #(672 + 528)\n"
"	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
"	str	q\\n, [x10, #(\\n * 16)]\n"
"	.endr\n"
"	mrs	x11, fpcr\n"
"	str	w11, [x10, #512]\n"
"	mrs	x11, fpsr\n"
"	str	w11, [x10, #516]\n"
"	ldp	x18, x19, [sp, #16]\n"
"	ldp	x20, x21, [sp, #32]\n"
"	ldp	x22, x23, [sp, #48]\n"
"	ldp	x24, x25, [sp, #64]\n"
"	ldp	x26, x27, [sp, #80]\n"
"	ldp	x28, x29, [sp, #96]\n"
"	ldr	x30, [sp, #112]\n"
"	add	sp, sp, #128\n"
"	ret\n"
".endm\n"
"	REGTEST	regs_fault, 0\n"
"	REGTEST	regs_syscall, 1\n"
"	REGTEST	regs_loop, 2\n"
/* sig_entry: record the entry state, then the C handler (x9-x11 are free). */
"	.text\n"
"	.balign	4\n"
"	.globl	sig_entry\n"
"sig_entry:\n"
"	adrp	x9, entry_rec\n"
"	add	x9, x9, :lo12:entry_rec\n"
"	mov	x10, sp\n"
"	stp	x10, x30, [x9]\n"
"	mrs	x10, fpcr\n"
"	mrs	x11, fpsr\n"
"	orr	x10, x10, x11, lsl #32\n"
"	str	x10, [x9, #16]\n"
"	add	x10, x9, #32\n"
"	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
"	str	q\\n, [x10, #(\\n * 16)]\n"
"	.endr\n"
"	adrp	x9, sig_target\n"
"	ldr	x9, [x9, :lo12:sig_target]\n"
"	br	x9\n"
);

static bool
gpr_tested(int i, int mode)
{
	if (i == REG_SP)
		return (false);
	return (mode != MODE_LOOP || i != REG_LOOP);
}

static bool
gpr_patterned(int i, int mode)
{
	if (mode == MODE_SYSCALL && i == REG_X0)
		return (false);
	return (gpr_tested(i, mode));
}

static int64_t *
mc_gpr(mcontext_t *mc, int i)
{
	if (i == 30)
		return ((int64_t *)&mc->mc_gpregs.gp_lr);
	return ((int64_t *)&mc->mc_gpregs.gp_x[i]);
}

static int64_t *mc_pc(mcontext_t *mc) { return ((int64_t *)&mc->mc_gpregs.gp_elr); }
static int64_t *mc_sp(mcontext_t *mc) { return ((int64_t *)&mc->mc_gpregs.gp_sp); }

static void
syscall_regs(struct regtest *r, long num, long a0, long a1)
{
	r->in[REG_X8] = num;
	r->in[REG_X0] = a0;
	r->in[REG_X1] = a1;
}

/* q0-q31 as raw bytes; FPCR round toward zero, FPSR every cumulative flag. */
static void
fp_fill(uint8_t *fp)
{
	uint64_t *f = (uint64_t *)fp;

	memset(fp, 0, FP_SIZE);
	for (int i = 0; i < 64; i++)
		f[i] = 0x7ff8123400000000ul + (uint64_t)i * 0x0101010101ul;
	((uint32_t *)fp)[128] = 0x00c00000;
	((uint32_t *)fp)[129] = 0x9f;
}

static bool
fp_equal(const uint8_t *a, const uint8_t *b)
{
	return (memcmp(a, b, 520) == 0);
}

static void
mc_fp_get(mcontext_t *mc, uint8_t *fp)
{
	memset(fp, 0, FP_SIZE);
	memcpy(fp, mc->mc_fpregs.fp_q, 512);
	((uint32_t *)fp)[128] = mc->mc_fpregs.fp_cr;
	((uint32_t *)fp)[129] = mc->mc_fpregs.fp_sr;
}

/* Change what sigreturn must load: every q register, FPCR (round up) and FPSR (IXC). */
static void
mc_fp_change(mcontext_t *mc)
{
	for (int i = 0; i < 32; i++)
		mc->mc_fpregs.fp_q[i] ^= ((__uint128_t)0xa5a5a5a5a5a5a5a5ul << 64) | 0x5a5a5a5a5a5a5a5aul;
	mc->mc_fpregs.fp_cr = 0x00400000;
	mc->mc_fpregs.fp_sr = 0x10;
}

/* The handler's entry: sp aligned, FPCR and FPSR 0, q0-q31 zero. */
static void
check_entry_fp(void)
{
	static const uint8_t zero[512];

	check(entry_rec.sp % 16 == 0, "handler entry sp %#lx not 16-byte aligned",
	    (unsigned long)entry_rec.sp);
	check(entry_rec.flags == 0 && memcmp(entry_rec.fp, zero, 512) == 0,
	    "handler entered with FPCR|FPSR<<32 %#lx or non-zero q registers",
	    (unsigned long)entry_rec.flags);
}

/* Everything a handler may clobber: the caller-saved GPRs, every v register, FPCR, FPSR. */
static void
clobber(void)
{
	__asm__ volatile(
	    "mov x9, #-1\n\t"
	    ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
	    "dup v\\n\\().2d, x9\n\t"
	    ".endr\n\t"
	    ".irp n, 0,1,2,3,4,5,6,7,8,10,11,12,13,14,15,16,17\n\t"
	    "mov x\\n, #-1\n\t"
	    ".endr\n\t"
	    "mov x9, #0x800000\n\t"
	    "msr fpcr, x9\n\t"
	    "mov x9, #0x9f\n\t"
	    "msr fpsr, x9"
	    : : : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
	      "x11", "x12", "x13", "x14", "x15", "x16", "x17",
	      "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10",
	      "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20",
	      "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30",
	      "v31", "memory");
}

#else
#error "sigframe: x86_64, riscv64 or aarch64"
#endif

/* ---- helpers ----------------------------------------------------------- */

/* Catch sig with fn (SA_SIGINFO | flags), entered through sig_entry. */
static int
catch(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sig_entry;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sig_target = fn;
	return (sigaction(sig, &sa, NULL));
}

/* The frame checks every handler makes: entry state, where si and uc are. */
static void
check_frame(siginfo_t *si, ucontext_t *uc, int sig)
{
	uintptr_t sp = entry_rec.sp;
	uintptr_t top = (uintptr_t)*mc_sp(&uc->uc_mcontext) - RED_ZONE;
	uintptr_t ucp = (uintptr_t)uc, sip = (uintptr_t)si;

	check_entry_fp();
#if defined(__x86_64__)
	check(uc->uc_mcontext.mc_fsbase == (int64_t)(uintptr_t)thread_ptr,
	    "mc_fsbase %#lx, the thread pointer (FS base) is %p",
	    (unsigned long)uc->uc_mcontext.mc_fsbase, (void *)thread_ptr);
#endif
	check(entry_rec.ret == (uintptr_t)__sigtramp,
	    "handler's return address %#lx is not __sigtramp %p",
	    (unsigned long)entry_rec.ret, (void *)__sigtramp);
	check(si->si_signo == sig, "si_signo %d, sent %d", si->si_signo, sig);
	/* Where __sigtramp looks for it: at the sp the handler returns with. */
	check(ucp == sp + RET_SLOT, "ucontext at %#lx, handler entry sp %#lx",
	    (unsigned long)ucp, (unsigned long)sp);
	check(ucp % 16 == 0, "ucontext at %#lx not 16-byte aligned", (unsigned long)ucp);
	/* Below the interrupted stack (not on an alternate one above it): clear of it. */
	if (sp < top)
		check(ucp + sizeof(*uc) <= top && sip > sp && sip + sizeof(*si) <= top,
		    "frame [%#lx, ...) overlaps the interrupted stack or its red zone "
		    "(sp %#lx)", (unsigned long)sp, (unsigned long)(top + RED_ZONE));
}

static uint64_t
pattern(int i)
{
	return (0x0123456789abcdeful ^ ((uint64_t)(i + 1) * 0x1111111111111111ul));
}

/* ---- the register cases ------------------------------------------------ */

static int regs_mode;
static uint64_t regs_xor;

static void
h_regs(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	mcontext_t *mc = &uc->uc_mcontext;
	uintptr_t pc = (uintptr_t)*mc_pc(mc);
	uint8_t fp[FP_SIZE];

	rep->handled++;
	if (regs_mode == MODE_LOOP &&
	    (pc < (uintptr_t)regs_loop_insn || pc >= (uintptr_t)regs_loop_resume)) {
		rt.early = 1;	/* the case tries again */
		loop_flag = 1;
		return;
	}
	check_frame(si, uc, sig);
	switch (regs_mode) {
	case MODE_FAULT:
		check(pc == (uintptr_t)regs_fault_insn && si->si_addr == NULL,
		    "SIGSEGV at pc %#lx addr %p, the load is at %p", (unsigned long)pc,
		    si->si_addr, (void *)regs_fault_insn);
		break;
	case MODE_SYSCALL:
		check(pc == (uintptr_t)regs_syscall_resume,
		    "signal on return from kill at pc %#lx, not just after it (%p)",
		    (unsigned long)pc, (void *)regs_syscall_resume);
		break;
	}
	for (int i = 0; i < NGPR; i++) {
		if (!gpr_tested(i, regs_mode))
			continue;
		rt.seen[i] = (uint64_t)*mc_gpr(mc, i);
		if (gpr_patterned(i, regs_mode))
			check(rt.seen[i] == rt.in[i], "ucontext register %d is %#lx, was %#lx",
			    i, (unsigned long)rt.seen[i], (unsigned long)rt.in[i]);
	}
	mc_fp_get(mc, fp);
	check(fp_equal(fp, rt.fpin), "the ucontext's FP state is not the interrupted one");
	if (regs_xor != 0) {
		for (int i = 0; i < NGPR; i++)
			if (gpr_tested(i, regs_mode))
				*mc_gpr(mc, i) ^= regs_xor;
		mc_fp_change(mc);
	}
	mc_fp_get(mc, rt.fpwant);
	if (regs_mode == MODE_FAULT)
		*mc_pc(mc) = (int64_t)(uintptr_t)regs_fault_resume;
	if (regs_mode == MODE_LOOP)
		loop_flag = 1;
	clobber();
}

static void
regs_prepare(int mode, uint64_t k)
{
	memset(&rt, 0, sizeof(rt));
	for (int i = 0; i < NGPR; i++)
		rt.in[i] = pattern(i);
#if defined(__riscv)
	__asm__ volatile("mv %0, tp" : "=r"(rt.in[REG_TP]));
#elif defined(__aarch64__)
	if (mode == MODE_FAULT)
		rt.in[REG_FAULT] = 0;
#endif
	if (mode == MODE_SYSCALL)
		syscall_regs(&rt, SYS_kill, getpid(), SIGUSR1);
	fp_fill(rt.fpin);
	regs_mode = mode;
	regs_xor = k;
	loop_flag = 0;
	check(catch(mode == MODE_FAULT ? SIGSEGV : SIGUSR1, h_regs, 0) == 0,
	    "sigaction failed: errno %d", errno);
}

static void
regs_verify(int mode)
{
	check(rep->handled == 1, "the handler ran %d times", rep->handled);
	for (int i = 0; i < NGPR; i++) {
		uint64_t want = rt.seen[i] ^ regs_xor;

		if (!gpr_tested(i, mode))
			continue;
		check(rt.out[i] == want, "register %d is %#lx after the handler, want %#lx",
		    i, (unsigned long)rt.out[i], (unsigned long)want);
	}
	check(rt.sp_out == rt.sp_in, "sp %#lx after the handler, was %#lx",
	    (unsigned long)rt.sp_out, (unsigned long)rt.sp_in);
	check(fp_equal(rt.fpout, rt.fpwant), "FP state after the handler is not %s",
	    regs_xor != 0 ? "the one the handler put in the ucontext" : "the interrupted one");
#if defined(__x86_64__)
	check((rt.flags_out & PSL_D) && (mode == MODE_LOOP || (rt.flags_out & PSL_C)),
	    "rflags %#lx after the handler: CF or DF lost", (unsigned long)rt.flags_out);
	for (int k = 0; k < 16; k++)
		check(rt.redzone[k] == 0x5a000000ul + k + 1,
		    "red zone word -%d(%%rsp) is %#lx after the handler", (k + 1) * 8,
		    (unsigned long)rt.redzone[k]);
#endif
}

static void
case_regs_fault(void)
{
	regs_prepare(MODE_FAULT, 0x5555aaaa3333cccc);
	regs_fault(&rt);
	regs_verify(MODE_FAULT);
}

static void
case_regs_syscall(void)
{
	regs_prepare(MODE_SYSCALL, 0);
	regs_syscall(&rt);
	regs_verify(MODE_SYSCALL);
}

/* Another process signals us while we spin: the signal comes in on an interrupt. */
static void
case_regs_loop(void)
{
	pid_t self = getpid(), killer;

	for (int tries = 0; tries < 5; tries++) {
		regs_prepare(MODE_LOOP, 0);
		rep->handled = 0;
		fflush(stdout);
		if ((killer = fork()) == 0) {
			nap(50);
			kill(self, SIGUSR1);
			_exit(0);
		}
		regs_loop(&rt);
		waitpid(killer, NULL, 0);
		if (!rt.early)
			break;
	}
	check(!rt.early, "the signal never came while the loop ran");
	regs_verify(MODE_LOOP);
}

/* ---- where frames go --------------------------------------------------- */

static void
h_record(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	rep->handled++;
	rep->entry_sp = entry_rec.sp;
	rep->si = (uintptr_t)si;
	rep->uc = (uintptr_t)uc;
	rep->int_sp = (uintptr_t)*mc_sp(&uc->uc_mcontext);
	rep->uc_stack = uc->uc_stack;
	check_frame(si, uc, sig);
}

static void
case_altstack(void)
{
	size_t size = 4 * PGSZ;
	char *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	uintptr_t lo = (uintptr_t)base, hi = lo + size;
	stack_t ss = { .ss_sp = base, .ss_size = size, .ss_flags = 0 };

	check(base != MAP_FAILED, "mmap: errno %d", errno);
	check(sigaltstack(&ss, NULL) == 0, "sigaltstack: errno %d", errno);
	check(catch(SIGUSR1, h_record, SA_ONSTACK) == 0, "sigaction: errno %d", errno);
	raise(SIGUSR1);
	check(rep->handled == 1, "the handler ran %d times", rep->handled);
	check(rep->entry_sp >= lo && rep->entry_sp < hi && rep->uc > lo &&
	    rep->uc + sizeof(ucontext_t) <= hi && rep->si > lo &&
	    rep->si + sizeof(siginfo_t) <= hi,
	    "frame (sp %#lx uc %#lx si %#lx) not inside the alternate stack [%#lx, %#lx)",
	    (unsigned long)rep->entry_sp, (unsigned long)rep->uc,
	    (unsigned long)rep->si, (unsigned long)lo, (unsigned long)hi);
	check(rep->int_sp < lo || rep->int_sp >= hi,
	    "the interrupted sp %#lx is on the alternate stack", (unsigned long)rep->int_sp);
	check(rep->uc_stack.ss_sp == base && rep->uc_stack.ss_size == size,
	    "uc_stack is {%p, %lu}, the alternate stack is {%p, %lu}",
	    rep->uc_stack.ss_sp, (unsigned long)rep->uc_stack.ss_size, base,
	    (unsigned long)size);
}

static void
h_inner(int sig __attribute__((unused)), siginfo_t *si __attribute__((unused)), void *ctx)
{
	ucontext_t *uc = ctx;

	rep->handled++;
	rep->uc2 = (uintptr_t)uc;
	rep->int_sp2 = (uintptr_t)*mc_sp(&uc->uc_mcontext);
}

static void
h_outer(int sig __attribute__((unused)), siginfo_t *si __attribute__((unused)), void *ctx)
{
	ucontext_t *uc = ctx, copy = *uc;

	rep->handled++;
	rep->uc = (uintptr_t)uc;
	raise(SIGUSR2);
	check(memcmp(&copy, uc, sizeof(copy)) == 0,
	    "the inner frame overwrote the outer handler's ucontext");
}

static void
case_nested(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = h_inner;
	check(sigaction(SIGUSR2, &sa, NULL) == 0, "sigaction: errno %d", errno);
	sa.sa_sigaction = h_outer;
	check(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction: errno %d", errno);
	raise(SIGUSR1);
	check(rep->handled == 2, "the handlers ran %d times, not 2", rep->handled);
	check(rep->uc2 < rep->uc && rep->int_sp2 < rep->uc && rep->uc2 < rep->int_sp2,
	    "inner frame %#lx (interrupted sp %#lx) not below the outer frame %#lx",
	    (unsigned long)rep->uc2, (unsigned long)rep->int_sp2, (unsigned long)rep->uc);
}

/* ---- system calls restart with their arguments intact ------------------- */

static void
h_count(int sig __attribute__((unused)), siginfo_t *si __attribute__((unused)), void *ctx __attribute__((unused)))
{
	rep->handled++;
}

static void
h_plain(int sig __attribute__((unused)))
{
	rep->handled++;
}

static void
case_restart(void)
{
	int data[2], ready[2];
	char buf[4] = { 0 }, c = 'r';
	ssize_t n;
	pid_t pid, self = getpid();

	check(pipe(data) == 0 && pipe(ready) == 0, "pipe: errno %d", errno);
	check(catch(SIGUSR1, h_count, SA_RESTART) == 0, "sigaction: errno %d", errno);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		read(ready[0], &c, 1);
		nap(50);
		kill(self, SIGUSR1);
		nap(50);
		write(data[1], "xyz", 3);
		_exit(0);
	}
	write(ready[1], &c, 1);
	n = read(data[0], buf, 3);
	check(n == 3 && memcmp(buf, "xyz", 3) == 0,
	    "read interrupted by a SA_RESTART handler returned %ld (errno %d) \"%s\"",
	    (long)n, errno, buf);
	check(rep->handled == 1, "the handler ran %d times", rep->handled);
	waitpid(pid, NULL, 0);
}

/* ---- corrupted contexts: SIGILL, never the kernel ----------------------- */

enum {
	BAD_PC_KERNEL, BAD_PC_TOP, BAD_GARBAGE,
#if defined(__x86_64__)
	BAD_PC_NONCANON, BAD_PC_NONCANON_HIGH, BAD_SP_NONCANON, BAD_MXCSR,
	BAD_LEN,
#elif defined(__aarch64__)
	BAD_PC_ODD, BAD_FPCR, BAD_FPSR,
#else
	BAD_PC_ODD, BAD_FCSR,
#endif
	NBAD
};

static const char *const bad_names[NBAD] = {
	[BAD_PC_KERNEL] = "a kernel pc",
	[BAD_PC_TOP] = "pc at VM_MAX_USER",
	[BAD_GARBAGE] = "a ucontext of garbage bytes",
#if defined(__x86_64__)
	[BAD_PC_NONCANON] = "a non-canonical rip (0x0000800000000000)",
	[BAD_PC_NONCANON_HIGH] = "a non-canonical rip (0x8000000000001000)",
	[BAD_SP_NONCANON] = "a non-canonical rsp",
	[BAD_MXCSR] = "MXCSR reserved bits 16-31 set",
	[BAD_LEN] = "mc_len 0",
#elif defined(__aarch64__)
	[BAD_PC_ODD] = "a pc not 4-byte aligned",
	[BAD_FPCR] = "FPCR bit 31 set",
	[BAD_FPSR] = "FPSR bit 20 set",
#else
	[BAD_PC_ODD] = "an odd pc",
	[BAD_FCSR] = "fcsr bit 8 set",
#endif
};

static int bad_kind;

static void
h_corrupt(int sig __attribute__((unused)), siginfo_t *si __attribute__((unused)), void *ctx)
{
	ucontext_t *uc = ctx;
	mcontext_t *mc = &uc->uc_mcontext;

	switch (bad_kind) {
	case BAD_PC_KERNEL:
		*mc_pc(mc) = (int64_t)KERNEL_PC;
		break;
	case BAD_PC_TOP:
		*mc_pc(mc) = 0x4000000000l;
		break;
	case BAD_GARBAGE:
		memset(uc, 0xa5, sizeof(*uc));
		break;
#if defined(__x86_64__)
	case BAD_PC_NONCANON:
		mc->mc_rip = 0x0000800000000000l;
		break;
	case BAD_PC_NONCANON_HIGH:
		mc->mc_rip = (int64_t)0x8000000000001000ul;
		break;
	case BAD_SP_NONCANON:
		mc->mc_rsp = 0x0000800000000000l;
		break;
	case BAD_MXCSR:
		((uint32_t *)mc->mc_fpstate)[_MC_FXSAVE_MXCSR / 4] = 0xffff1f80u;
		break;
	case BAD_LEN:
		mc->mc_len = 0;
		break;
#elif defined(__aarch64__)
	case BAD_PC_ODD:
		mc->mc_gpregs.gp_elr |= 2;
		break;
	case BAD_FPCR:
		mc->mc_fpregs.fp_cr = 0x80000000u;
		break;
	case BAD_FPSR:
		mc->mc_fpregs.fp_sr = 0x00100000u;
		break;
#else
	case BAD_PC_ODD:
		mc->mc_gpregs.gp_sepc |= 1;
		break;
	case BAD_FCSR:
		mc->mc_fpregs.fp_fcsr = 0x100;
		break;
#endif
	}
}

static void
case_corrupt(void)
{
	check(catch(SIGUSR1, h_corrupt, 0) == 0, "sigaction: errno %d", errno);
	raise(SIGUSR1);
	fail("sigreturn accepted %s", bad_names[bad_kind]);
}

/*
 * __sigtramp puts SIGILL back to SIG_DFL before its illegal instruction:
 * a SIGILL handler would otherwise run, return through __sigtramp with a
 * good context, land on the illegal instruction again, and so forever.
 */
static void
case_corrupt_sigill_caught(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h_plain;
	sigemptyset(&sa.sa_mask);
	check(sigaction(SIGILL, &sa, NULL) == 0, "sigaction: errno %d", errno);
	bad_kind = BAD_GARBAGE;
	case_corrupt();
}

/*
 * Fields user mode may not set itself are ignored, not obeyed.  x86-64:
 * every rflags bit but TF (and DF, AC, which C code must not run with),
 * kernel cs and ss; the process goes on in ring 3 with IF on and IOPL 0.
 * riscv64: gp_sstatus all ones (SPP = S); the process goes on in U-mode,
 * where reading sstatus is an illegal instruction: it dies of SIGILL.
 */
static void
h_privileged(int sig __attribute__((unused)), siginfo_t *si __attribute__((unused)), void *ctx)
{
	mcontext_t *mc = &((ucontext_t *)ctx)->uc_mcontext;

	rep->handled++;
#if defined(__x86_64__)
	mc->mc_rflags = (int64_t)~(PSL_T | PSL_D | PSL_AC);
	mc->mc_cs = 0x08;
	mc->mc_ss = 0x10;
#elif defined(__aarch64__)
	mc->mc_gpregs.gp_spsr = 0xffffffffu;	/* EL1h, DAIF masked, every flag */
#else
	mc->mc_gpregs.gp_sstatus = -1;
#endif
}

static void
case_privileged(void)
{
	check(catch(SIGUSR1, h_privileged, 0) == 0, "sigaction: errno %d", errno);
	raise(SIGUSR1);
	check(rep->handled == 1, "the handler ran %d times", rep->handled);
#if defined(__x86_64__)
	uint64_t fl;
	uint16_t cs, ss;

	__asm__ volatile("pushfq; popq %0; movw %%cs, %1; movw %%ss, %2"
	    : "=r"(fl), "=r"(cs), "=r"(ss));
	check((fl & (PSL_IOPL | PSL_NT | PSL_VM | PSL_VIF | PSL_VIP | PSL_RF)) == 0 &&
	    (fl & PSL_I) && (fl & PSL_ID), "rflags %#lx after sigreturn", (unsigned long)fl);
	check((cs & 3) == 3 && (ss & 3) == 3, "cs %#x ss %#x after sigreturn", cs, ss);
#elif defined(__aarch64__)
	uint64_t v;

	__asm__ volatile("mrs %0, CurrentEL" : "=r"(v));
	fail("read CurrentEL (%#lx) after sigreturn: not at EL0", (unsigned long)v);
#else
	uint64_t v;

	__asm__ volatile("csrr %0, sstatus" : "=r"(v));
	fail("read sstatus (%#lx) after sigreturn: not in U-mode", (unsigned long)v);
#endif
}

/* ---- frames that cannot be written: SIGSEGV ----------------------------- */

static void __attribute__((noreturn))
kill_self_on_stack(uint64_t sp)
{
	long pid = getpid();

#if defined(__x86_64__)
	__asm__ volatile("movq %0, %%rsp\n\tsyscall\n\tud2"
	    : : "r"(sp), "a"((long)SYS_kill), "D"(pid), "S"((long)SIGUSR1) : "memory");
#elif defined(__aarch64__)
	register long x0 __asm__("x0") = pid;
	register long x1 __asm__("x1") = SIGUSR1;
	register long x8 __asm__("x8") = SYS_kill;

	__asm__ volatile("mov sp, %0\n\tsvc #0\n\tudf #0"
	    : : "r"(sp), "r"(x0), "r"(x1), "r"(x8) : "memory");
#else
	register long a0 __asm__("a0") = pid;
	register long a1 __asm__("a1") = SIGUSR1;
	register long a7 __asm__("a7") = SYS_kill;

	__asm__ volatile("mv sp, %0\n\tecall\n\tunimp"
	    : : "r"(sp), "r"(a0), "r"(a1), "r"(a7) : "memory");
#endif
	__builtin_unreachable();
}

enum {
	NOROOM_UNMAPPED, NOROOM_READONLY, NOROOM_STRADDLE, NOROOM_LOW, NOROOM_ZERO,
#if defined(__x86_64__)
	NOROOM_NONCANON,
#endif
	NOROOM_ALTSTACK, NNOROOM
};

static int noroom_kind;

static void
case_noroom(void)
{
	char *p = mmap(NULL, 2 * PGSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	stack_t ss;

	check(p != MAP_FAILED, "mmap: errno %d", errno);
	check(catch(SIGUSR1, h_count, noroom_kind == NOROOM_ALTSTACK ? SA_ONSTACK : 0) == 0,
	    "sigaction: errno %d", errno);
	switch (noroom_kind) {
	case NOROOM_UNMAPPED:
		munmap(p, 2 * PGSZ);
		kill_self_on_stack((uint64_t)p + 2 * PGSZ);
	case NOROOM_READONLY:
		mprotect(p, 2 * PGSZ, PROT_READ);
		kill_self_on_stack((uint64_t)p + 2 * PGSZ);
	case NOROOM_STRADDLE:
		munmap(p, PGSZ);
		kill_self_on_stack((uint64_t)p + PGSZ + 256);
	case NOROOM_LOW:
		kill_self_on_stack(0x8000);
	case NOROOM_ZERO:
		kill_self_on_stack(0);
#if defined(__x86_64__)
	case NOROOM_NONCANON:
		kill_self_on_stack(0x0000800000000100ul);
#endif
	case NOROOM_ALTSTACK:
		munmap(p, 2 * PGSZ);
		ss.ss_sp = p;
		ss.ss_size = 2 * PGSZ;
		ss.ss_flags = 0;
		check(sigaltstack(&ss, NULL) == 0, "sigaltstack: errno %d", errno);
		raise(SIGUSR1);
		fail("the handler ran (%d) on an unmapped alternate stack", rep->handled);
		break;
	}
}

/* ---- the runner -------------------------------------------------------- */

/*
 * The cases below run in a child of their own (run_case); each runs fn in
 * a grandchild, which must exit 0 (want_sig 0) or die of want_sig with no
 * check failed: 0 then, else 1 after saying why.  (The grandchild, not
 * the case's child, because the process's end is part of what is tested,
 * and the checks that failed before it come back through rep.)
 */
static int
frame_child(void (*fn)(void), int want_sig)
{
	int status = -1;
	pid_t pid;
	bool good;

	memset(rep, 0, sizeof(*rep));
	fflush(stdout);
	if ((pid = fork()) == 0) {
		fn();
		_exit(rep->nfail == 0 ? 0 : 1);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	good = rep->nfail == 0 &&
	    (want_sig == 0 ? exited(status, 0) : killed_by(status, want_sig));
	if (!good)
		diag("status %#x; %s", status, rep->nfail != 0 ? rep->msg : "no check failed");
	return (good ? 0 : 1);
}

/*
 * The cases of the table: fn run by frame_child, ending as want_sig
 * says; a ucontext spoilt as bad_kind says, given to sigreturn, kills
 * with SIGILL; a signal frame with no room as noroom_kind says kills
 * with SIGSEGV.
 */
#define FRAME_CASE(name, fn, want_sig)					\
static int								\
name(void)								\
{									\
	return (frame_child(fn, want_sig));				\
}
#define BAD_CASE(name, kind)						\
static int								\
name(void)								\
{									\
	bad_kind = kind;						\
	return (frame_child(case_corrupt, SIGILL));			\
}
#define NOROOM_CASE(name, kind)						\
static int								\
name(void)								\
{									\
	noroom_kind = kind;						\
	return (frame_child(case_noroom, SIGSEGV));			\
}

FRAME_CASE(fault_regs, case_regs_fault, 0)
FRAME_CASE(kill_regs, case_regs_syscall, 0)
FRAME_CASE(loop_regs, case_regs_loop, 0)
FRAME_CASE(altstack, case_altstack, 0)
FRAME_CASE(nested, case_nested, 0)
FRAME_CASE(restart, case_restart, 0)
FRAME_CASE(corrupt_sigill_caught, case_corrupt_sigill_caught, SIGILL)
#if defined(__x86_64__)
FRAME_CASE(privileged, case_privileged, 0)
#else
FRAME_CASE(privileged, case_privileged, SIGILL)
#endif

BAD_CASE(bad_pc_kernel, BAD_PC_KERNEL)
BAD_CASE(bad_pc_top, BAD_PC_TOP)
BAD_CASE(bad_garbage, BAD_GARBAGE)
#if defined(__x86_64__)
BAD_CASE(bad_pc_noncanon, BAD_PC_NONCANON)
BAD_CASE(bad_pc_noncanon_high, BAD_PC_NONCANON_HIGH)
BAD_CASE(bad_sp_noncanon, BAD_SP_NONCANON)
BAD_CASE(bad_mxcsr, BAD_MXCSR)
BAD_CASE(bad_len, BAD_LEN)
#else
BAD_CASE(bad_pc_odd, BAD_PC_ODD)
#if defined(__aarch64__)
BAD_CASE(bad_fpcr, BAD_FPCR)
BAD_CASE(bad_fpsr, BAD_FPSR)
#else
BAD_CASE(bad_fcsr, BAD_FCSR)
#endif
#endif

NOROOM_CASE(noroom_unmapped, NOROOM_UNMAPPED)
NOROOM_CASE(noroom_readonly, NOROOM_READONLY)
NOROOM_CASE(noroom_straddle, NOROOM_STRADDLE)
NOROOM_CASE(noroom_low, NOROOM_LOW)
NOROOM_CASE(noroom_zero, NOROOM_ZERO)
#if defined(__x86_64__)
NOROOM_CASE(noroom_noncanon, NOROOM_NONCANON)
#endif
NOROOM_CASE(noroom_altstack, NOROOM_ALTSTACK)

static const struct tap_case cases[] = {
	TAP_CASE(fault_regs, "a fault's handler finds every GPR, the pc and the FP state in its ucontext and changes them all; sigreturn loads them (pc past the load) and the red zone is untouched"),
	TAP_CASE(kill_regs, "every register and the FP state and control survive a handler that clobbers them, taken on return from kill()"),
	TAP_CASE(loop_regs, "every register (all GPRs) and the FP state survive a handler taken on an interrupt while spinning"),
	TAP_CASE(altstack, "with SA_ONSTACK the frame lands on the sigaltstack, aligned, with uc_stack set"),
	TAP_CASE(nested, "a handler interrupted by another gets a frame below its own, which survives"),
	TAP_CASE(restart, "a read interrupted by a SA_RESTART handler runs again with the same arguments"),
	TAP_CASE(bad_pc_kernel, "sigreturn with a kernel pc kills the process with SIGILL"),
	TAP_CASE(bad_pc_top, "sigreturn with pc at VM_MAX_USER kills the process with SIGILL"),
	TAP_CASE(bad_garbage, "sigreturn with a ucontext of garbage bytes kills the process with SIGILL"),
#if defined(__x86_64__)
	TAP_CASE(bad_pc_noncanon, "sigreturn with a non-canonical rip (0x0000800000000000) kills the process with SIGILL"),
	TAP_CASE(bad_pc_noncanon_high, "sigreturn with a non-canonical rip (0x8000000000001000) kills the process with SIGILL"),
	TAP_CASE(bad_sp_noncanon, "sigreturn with a non-canonical rsp kills the process with SIGILL"),
	TAP_CASE(bad_mxcsr, "sigreturn with MXCSR reserved bits 16-31 set kills the process with SIGILL"),
	TAP_CASE(bad_len, "sigreturn with mc_len 0 kills the process with SIGILL"),
#elif defined(__aarch64__)
	TAP_CASE(bad_pc_odd, "sigreturn with a pc not 4-byte aligned kills the process with SIGILL"),
	TAP_CASE(bad_fpcr, "sigreturn with FPCR bit 31 set kills the process with SIGILL"),
	TAP_CASE(bad_fpsr, "sigreturn with FPSR bit 20 set kills the process with SIGILL"),
#else
	TAP_CASE(bad_pc_odd, "sigreturn with an odd pc kills the process with SIGILL"),
	TAP_CASE(bad_fcsr, "sigreturn with fcsr bit 8 set kills the process with SIGILL"),
#endif
	TAP_CASE(corrupt_sigill_caught, "a corrupted ucontext kills with SIGILL even when SIGILL is caught"),
#if defined(__x86_64__)
	TAP_CASE(privileged, "sigreturn ignores privileged rflags bits and kernel cs/ss: ring 3, IF on, IOPL 0"),
#elif defined(__aarch64__)
	TAP_CASE(privileged, "sigreturn takes only the flags of gp_spsr: the process stays at EL0 (mrs CurrentEL traps)"),
#else
	TAP_CASE(privileged, "sigreturn ignores gp_sstatus: the process stays in U-mode (csrr sstatus traps)"),
#endif
	TAP_CASE(noroom_unmapped, "a signal frame that cannot be written (sp in unmapped memory) kills the process with SIGSEGV"),
	TAP_CASE(noroom_readonly, "a signal frame that cannot be written (sp at the top of a read-only mapping) kills the process with SIGSEGV"),
	TAP_CASE(noroom_straddle, "a signal frame that cannot be written (a frame that would straddle the bottom of a mapping) kills the process with SIGSEGV"),
	TAP_CASE(noroom_low, "a signal frame that cannot be written (sp below VM_MIN_USER) kills the process with SIGSEGV"),
	TAP_CASE(noroom_zero, "a signal frame that cannot be written (sp 0) kills the process with SIGSEGV"),
#if defined(__x86_64__)
	TAP_CASE(noroom_noncanon, "a signal frame that cannot be written (a non-canonical rsp) kills the process with SIGSEGV"),
#endif
	TAP_CASE(noroom_altstack, "a signal frame that cannot be written (a sigaltstack in unmapped memory) kills the process with SIGSEGV"),
};

int
main(int argc, char **argv)
{
	thread_ptr = pthread_self();
	rep = mmap(NULL, PGSZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0);
	if (rep == MAP_FAILED) {
		printf("Bail out! mmap of the report page failed (errno %d)\n", errno);
		return (1);
	}
	memset(rep, 0, sizeof(*rep));	/* its page counts as the suite's, not a case's */
	return (RUN_SUITE("sigframe", cases, argc, argv));
}
