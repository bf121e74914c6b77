/*
 * mcontext_t: the machine registers of a signal frame's ucontext_t
 * (<sys/ucontext.h>), FreeBSD's layout for each architecture, so that a
 * handler written for FreeBSD finds the same fields at the same offsets.
 * The kernel writes every field it documents here when it delivers a
 * signal (cpu_sendsig) and reads the context back on sigreturn
 * (cpu_sigreturn), trusting nothing in it: what user mode could not have
 * set itself is either ignored or makes sigreturn fail with EINVAL.
 * A handler changes how the interrupted code resumes by changing these
 * fields, e.g. advancing mc_rip / mc_gpregs.gp_sepc past a faulting
 * instruction.
 */
#ifndef _MACHINE_UCONTEXT_H_
#define _MACHINE_UCONTEXT_H_

#include <stdint.h>

#if defined(__x86_64__)

/*
 * x86-64 (FreeBSD's amd64 mcontext_t, 800 bytes).
 *
 * mc_rdi .. mc_r15, mc_rip, mc_rflags, mc_rsp: the interrupted general
 * registers, pc, flags and stack pointer.  sigreturn loads them all
 * (rcx and r11 too, even when the signal came in a system call), takes
 * from mc_rflags only the bits user mode may change (CF PF AF ZF SF TF
 * DF OF AC ID; IF is always on, IOPL 0), wants mc_rip below the top of
 * user space and mc_rsp canonical.  mc_cs and mc_ss are reported and
 * ignored (user mode always gets the user selectors back); so are
 * mc_onstack, mc_trapno, mc_err, mc_addr (the trap's vector, error code
 * and fault address, for information), mc_fsbase (the thread pointer
 * lwp_setprivate set: the thread keeps its own) and the other segment
 * fields (zero).  mc_len must be sizeof(mcontext_t) and mc_fpformat
 * _MC_FPFMT_XMM, or sigreturn fails.
 *
 * mc_fpstate: the 512-byte FXSAVE image of the x87/SSE state:
 *	byte 0 FCW (x87 control word), 2 FSW, 4 abridged FTW, 6 FOP,
 *	8 FIP, 16 FDP, 24 MXCSR, 28 MXCSR_MASK (the CPU's writable MXCSR
 *	bits), 32 + 16 * i ST(i)/MMi (i = 0..7), 160 + 16 * i XMMi
 *	(i = 0..15); bytes 416-511 are zero.
 * sigreturn loads all of it, and fails with EINVAL if MXCSR has a bit set
 * that MXCSR_MASK (as the CPU reports it, 0xffbf by default) does not
 * allow.
 */
typedef struct __mcontext {
	int64_t		mc_onstack;	/* 1 if the interrupted code was on the alternate stack */
	int64_t		mc_rdi;		/* 8 */
	int64_t		mc_rsi;		/* 16 */
	int64_t		mc_rdx;		/* 24 */
	int64_t		mc_rcx;		/* 32 */
	int64_t		mc_r8;		/* 40 */
	int64_t		mc_r9;		/* 48 */
	int64_t		mc_rax;		/* 56 */
	int64_t		mc_rbx;		/* 64 */
	int64_t		mc_rbp;		/* 72 */
	int64_t		mc_r10;		/* 80 */
	int64_t		mc_r11;		/* 88 */
	int64_t		mc_r12;		/* 96 */
	int64_t		mc_r13;		/* 104 */
	int64_t		mc_r14;		/* 112 */
	int64_t		mc_r15;		/* 120 */
	uint32_t	mc_trapno;	/* 128 */
	uint16_t	mc_fs;
	uint16_t	mc_gs;
	int64_t		mc_addr;	/* 136 */
	uint32_t	mc_flags;	/* 144 */
	uint16_t	mc_es;
	uint16_t	mc_ds;
	int64_t		mc_err;		/* 152 */
	int64_t		mc_rip;		/* 160 */
	int64_t		mc_cs;		/* 168 */
	int64_t		mc_rflags;	/* 176 */
	int64_t		mc_rsp;		/* 184 */
	int64_t		mc_ss;		/* 192 */
	long		mc_len;		/* 200: sizeof(mcontext_t) */
#define _MC_FPFMT_NODEV		0x10000
#define _MC_FPFMT_XMM		0x10002
	long		mc_fpformat;	/* 208: _MC_FPFMT_XMM */
#define _MC_FPOWNED_NONE	0x20000
#define _MC_FPOWNED_FPU		0x20001
#define _MC_FPOWNED_PCB		0x20002
	long		mc_ownedfp;	/* 216: _MC_FPOWNED_FPU */
	long		mc_fpstate[64] __attribute__((aligned(16)));	/* 224: FXSAVE image */
	int64_t		mc_fsbase;	/* 736 */
	int64_t		mc_gsbase;
	int64_t		mc_xfpustate;
	int64_t		mc_xfpustate_len;
	long		mc_spare[4];
} mcontext_t;

#define _MC_FXSAVE_MXCSR	24	/* byte offsets in mc_fpstate */
#define _MC_FXSAVE_MXCSR_MASK	28

#elif defined(__riscv)

/*
 * riscv64 (FreeBSD's riscv mcontext_t, 864 bytes).
 *
 * mc_gpregs: every integer register by its ABI name; gp_sepc is the pc
 * the interrupted code resumes at.  sigreturn loads them all and wants
 * gp_sepc below the top of user space and 2-byte aligned.  gp_sstatus is
 * reported and ignored (user mode never sets its own privilege or
 * interrupt state).
 *
 * mc_fpregs: f0-f31 in fp_x[n][0] (fp_x[n][1] is for a Q extension
 * forkrt does not have and is zero), fcsr in fp_fcsr (frm in bits 7:5,
 * fflags in bits 4:0; sigreturn fails with EINVAL if any other bit is
 * set).  mc_flags has _MC_FP_VALID: sigreturn always loads mc_fpregs.
 */
struct gpregs {
	int64_t		gp_ra;		/* x1, byte 0 */
	int64_t		gp_sp;		/* x2, 8 */
	int64_t		gp_gp;		/* x3, 16 */
	int64_t		gp_tp;		/* x4, 24 */
	int64_t		gp_t[7];	/* 32: t0-t2 = x5-x7, t3-t6 = x28-x31 */
	int64_t		gp_s[12];	/* 88: s0-s1 = x8-x9, s2-s11 = x18-x27 */
	int64_t		gp_a[8];	/* 184: a0-a7 = x10-x17 */
	int64_t		gp_sepc;	/* 248: the pc */
	int64_t		gp_sstatus;	/* 256 */
};

struct fpregs {
	uint64_t	fp_x[32][2];	/* 264: f0-f31 in fp_x[n][0] */
	uint64_t	fp_fcsr;	/* 776 */
	int		fp_flags;
	int		pad;
};

typedef struct __mcontext {
	struct gpregs	mc_gpregs;
	struct fpregs	mc_fpregs;
	int		mc_flags;
#define _MC_FP_VALID	0x1		/* mc_fpregs holds the FP state */
	int		mc_pad;
	uint64_t	mc_spare[8];
} mcontext_t;

#elif defined(__aarch64__)

/*
 * aarch64 (FreeBSD's arm64 mcontext_t, 880 bytes).
 *
 * mc_gpregs: x0-x29 in gp_x[], x30 in gp_lr, the stack pointer, and
 * gp_elr, the pc the interrupted code resumes at.  sigreturn loads them
 * all, wants gp_elr below the top of user space and 4-byte aligned, and
 * takes only the condition flags (NZCV, bits 31:28) from gp_spsr: user
 * mode never sets its own exception level or interrupt masks.
 *
 * mc_fpregs: q0-q31 in fp_q[], FPSR in fp_sr, FPCR in fp_cr; sigreturn
 * fails with EINVAL if either has a bit set that user mode could not
 * have set.  mc_flags has _MC_FP_VALID: sigreturn always loads
 * mc_fpregs.  The thread pointer (TPIDR_EL0) is the lwp's and is not in
 * the context.
 */
struct gpregs {
	uint64_t	gp_x[30];	/* byte 0 */
	uint64_t	gp_lr;		/* 240 */
	uint64_t	gp_sp;		/* 248 */
	uint64_t	gp_elr;		/* 256: the pc */
	uint32_t	gp_spsr;	/* 264 */
	int		gp_pad;
};

struct fpregs {
	__uint128_t	fp_q[32];	/* 272 */
	uint32_t	fp_sr;		/* 784: FPSR */
	uint32_t	fp_cr;		/* 788: FPCR */
	int		fp_flags;
	int		fp_pad;
};

typedef struct __mcontext {
	struct gpregs	mc_gpregs;
	struct fpregs	mc_fpregs;
	int		mc_flags;
#define _MC_FP_VALID	0x1		/* mc_fpregs holds the FP state */
	int		mc_pad;
	uint64_t	mc_spare[8];
} mcontext_t;

#else
#error "forkrt has mcontext_t for x86_64, riscv64 and aarch64 only"
#endif

#endif /* !_MACHINE_UCONTEXT_H_ */
