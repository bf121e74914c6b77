/*
 * Signal frames (include/cpu.h: cpu_sendsig, cpu_sigreturn): FreeBSD's
 * amd64 sendsig/sys_sigreturn, on forkrt's trap frame.
 *
 * The frame on the user stack, from the handler's entry rsp up:
 *
 *	rsp + 0			the return address: sd_tramp (__sigtramp)
 *	rsp + 8			struct sigframe: ucontext_t sf_uc
 *				(16-byte aligned), then siginfo_t sf_si
 *	above			the interrupted stack, less its 128-byte
 *				red zone, or the top of the alternate stack
 *
 * The handler's `ret` pops the return address, so __sigtramp finds the
 * ucontext at its rsp (user/arch/x86_64/sigtramp.S).  At the handler's
 * entry (rsp + 8) % 16 == 0, as after a `call`; rdi = signo, rsi =
 * &sf_si, rdx = &sf_uc; DF and TF are clear and the FPU is at its reset
 * state (FCW 0x37f, MXCSR 0x1f80).
 *
 * Both calls run for curlwp, in the kernel on its way back to user mode,
 * so its FP state is live in the FPU and its FXSAVE area is scratch (see
 * cpu.c).  A frame they rewrite is marked T_SETFRAME, so that
 * trap_exit_user leaves through iretq, which loads every register of the
 * frame, rcx and r11 included; sysretq would take rip and rflags from
 * rcx and r11 instead.
 */
#include "proc.h"
#include "trap.h"
#include "vm.h"
#include "vmparam.h"
#include "x86.h"

#include "user/sys/ucontext.h"

#define RED_ZONE	128	/* SysV x86-64 ABI, 3.2.2 */

struct sigframe {
	ucontext_t	sf_uc;
	siginfo_t	sf_si;
};

_Static_assert(sizeof(mcontext_t) == 800, "FreeBSD's amd64 mcontext_t");
_Static_assert(offsetof(mcontext_t, mc_rip) == 160, "mc_rip");
_Static_assert(offsetof(mcontext_t, mc_len) == 200, "mc_len");
_Static_assert(offsetof(mcontext_t, mc_fpstate) == 224, "mc_fpstate");
_Static_assert(sizeof(ucontext_t) == 880, "FreeBSD's amd64 ucontext_t");
_Static_assert(offsetof(struct sigframe, sf_uc) == 0,
    "__sigtramp finds the ucontext at its rsp");
_Static_assert(_MC_FXSAVE_MXCSR == FXSAVE_MXCSR &&
    _MC_FXSAVE_MXCSR_MASK == FXSAVE_MXCSR_MASK, "FXSAVE offsets");

/* A canonical 48-bit address: bits 63:47 all equal. */
static bool
canonical(uint64_t va)
{
	return ((uint64_t)((int64_t)(va << 16) >> 16) == va);
}

static void
tf_to_mcontext(const struct trapframe *tf, mcontext_t *mc)
{
	mc->mc_rdi = tf->tf_rdi;
	mc->mc_rsi = tf->tf_rsi;
	mc->mc_rdx = tf->tf_rdx;
	mc->mc_rcx = tf->tf_rcx;
	mc->mc_r8 = tf->tf_r8;
	mc->mc_r9 = tf->tf_r9;
	mc->mc_rax = tf->tf_rax;
	mc->mc_rbx = tf->tf_rbx;
	mc->mc_rbp = tf->tf_rbp;
	mc->mc_r10 = tf->tf_r10;
	mc->mc_r11 = tf->tf_r11;
	mc->mc_r12 = tf->tf_r12;
	mc->mc_r13 = tf->tf_r13;
	mc->mc_r14 = tf->tf_r14;
	mc->mc_r15 = tf->tf_r15;
	mc->mc_trapno = (uint32_t)tf->tf_trapno;
	mc->mc_err = tf->tf_err;
	mc->mc_rip = tf->tf_rip;
	mc->mc_cs = tf->tf_cs;
	mc->mc_rflags = tf->tf_rflags;
	mc->mc_rsp = tf->tf_rsp;
	mc->mc_ss = tf->tf_ss;
	mc->mc_len = sizeof(*mc);
	mc->mc_fpformat = _MC_FPFMT_XMM;
	mc->mc_ownedfp = _MC_FPOWNED_FPU;
}

/* Only after the context has been checked (cpu_sigreturn). */
static void
mcontext_to_tf(const mcontext_t *mc, struct trapframe *tf)
{
	tf->tf_rdi = mc->mc_rdi;
	tf->tf_rsi = mc->mc_rsi;
	tf->tf_rdx = mc->mc_rdx;
	tf->tf_rcx = mc->mc_rcx;
	tf->tf_r8 = mc->mc_r8;
	tf->tf_r9 = mc->mc_r9;
	tf->tf_rax = mc->mc_rax;
	tf->tf_rbx = mc->mc_rbx;
	tf->tf_rbp = mc->mc_rbp;
	tf->tf_r10 = mc->mc_r10;
	tf->tf_r11 = mc->mc_r11;
	tf->tf_r12 = mc->mc_r12;
	tf->tf_r13 = mc->mc_r13;
	tf->tf_r14 = mc->mc_r14;
	tf->tf_r15 = mc->mc_r15;
	tf->tf_rip = mc->mc_rip;
	tf->tf_rsp = mc->mc_rsp;
	tf->tf_rflags = (mc->mc_rflags & PSL_USERCHANGE) | PSL_I | PSL_1;
	tf->tf_cs = GSEL_UCODE;
	tf->tf_ss = GSEL_UDATA;
	tf->tf_trapno = T_SETFRAME;
	tf->tf_err = 0;
}

int
cpu_sendsig(struct lwp *l, const struct sigdeliver *sd)
{
	struct trapframe *tf = l->l_md.md_tf;
	struct vmspace *vm = l->l_proc->p_vmspace;
	struct sigframe sf;
	uint64_t top, sfp, sp, ret;

	KASSERT(l == curlwp, "cpu_sendsig: not curlwp");
	top = sd->sd_altsp != 0 ? sd->sd_altsp : tf->tf_rsp - RED_ZONE;
	/* A stack pointer too low for the frame (or wrapped past 0) has no room. */
	if (top > tf->tf_rsp && sd->sd_altsp == 0)
		return (EFAULT);
	if (top < sizeof(sf) + 16 + VM_MIN_USER)
		return (EFAULT);
	sfp = (top - sizeof(sf)) & ~(uint64_t)15;
	sp = sfp - 8;

	memset(&sf, 0, sizeof(sf));
	sf.sf_si = sd->sd_info;
	sf.sf_uc.uc_sigmask = sd->sd_oldmask;
	sf.sf_uc.uc_stack = sd->sd_oldstack;
	sf.sf_uc.uc_mcontext.mc_onstack =
	    (sd->sd_oldstack.ss_flags & SS_ONSTACK) != 0;
	sf.sf_uc.uc_mcontext.mc_addr = (uint64_t)sd->sd_info.si_addr;
	tf_to_mcontext(tf, &sf.sf_uc.uc_mcontext);
	/* For the handler's information; sigreturn keeps the lwp's own. */
	sf.sf_uc.uc_mcontext.mc_fsbase = (int64_t)l->l_md.md_private;
	/*
	 * The live FP state; only what fxsave writes goes out, the rest of
	 * the area (never written by the CPU) stays zero in the frame.
	 */
	fxsave(FPU_AREA(l));
	memcpy(sf.sf_uc.uc_mcontext.mc_fpstate, FPU_AREA(l), FXSAVE_HW_SIZE);

	/* copyout may sleep; cpu_switch keeps the live FP state meanwhile. */
	ret = sd->sd_tramp;
	if (copyout(vm, &sf, sfp, sizeof(sf)) != 0 ||
	    copyout(vm, &ret, sp, sizeof(ret)) != 0)
		return (EFAULT);

	tf->tf_rip = sd->sd_handler;
	tf->tf_rsp = sp;
	tf->tf_rdi = (uint64_t)sd->sd_info.si_signo;
	tf->tf_rsi = sfp + offsetof(struct sigframe, sf_si);
	tf->tf_rdx = sfp + offsetof(struct sigframe, sf_uc);
	tf->tf_rflags &= ~(PSL_T | PSL_D);
	tf->tf_cs = GSEL_UCODE;
	tf->tf_ss = GSEL_UDATA;
	tf->tf_trapno = T_SETFRAME;
	x86_fpu_clean(FPU_AREA(l));
	fxrstor(FPU_AREA(l));
	return (0);
}

/*
 * Everything that reaches the frame is checked first, so that iretq and
 * fxrstor, which run with the kernel's privilege, cannot fault on it:
 * rip below VM_MAX_USER (hence canonical), rsp canonical, MXCSR within
 * the CPU's mask; rflags, cs and ss are forced to what ring 3 may have.
 */
int
cpu_sigreturn(struct lwp *l, vaddr_t ucp, sigset_t *mask)
{
	struct trapframe *tf = l->l_md.md_tf;
	const mcontext_t *mc;
	ucontext_t uc;
	uint32_t mxcsr;

	KASSERT(l == curlwp, "cpu_sigreturn: not curlwp");
	if (copyin(l->l_proc->p_vmspace, ucp, &uc, sizeof(uc)) != 0)
		return (EFAULT);
	mc = &uc.uc_mcontext;
	if (mc->mc_len != sizeof(*mc) || mc->mc_fpformat != _MC_FPFMT_XMM)
		return (EINVAL);
	if ((uint64_t)mc->mc_rip >= VM_MAX_USER ||
	    !canonical((uint64_t)mc->mc_rsp))
		return (EINVAL);
	memcpy(&mxcsr, (const char *)mc->mc_fpstate + FXSAVE_MXCSR,
	    sizeof(mxcsr));
	if ((mxcsr & ~__atomic_load_n(&x86_mxcsr_mask, __ATOMIC_RELAXED)) != 0)
		return (EINVAL);

	mcontext_to_tf(mc, tf);
	memcpy(FPU_AREA(l), mc->mc_fpstate, FPU_SAVE_SIZE);
	fxrstor(FPU_AREA(l));
	*mask = uc.uc_sigmask;
	return (0);
}
