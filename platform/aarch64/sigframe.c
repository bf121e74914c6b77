/*
 * Signal frames (include/cpu.h: cpu_sendsig, cpu_sigreturn): FreeBSD's
 * arm64 sendsig/sys_sigreturn, on forkrt's trap frame.
 *
 * The frame on the user stack, from the handler's entry sp up:
 *
 *	sp + 0		struct sigframe: ucontext_t sf_uc, then siginfo_t
 *			sf_si; sp 16-byte aligned
 *	above		the interrupted stack (AAPCS64 has no red zone) or
 *			the top of the alternate stack
 *
 * The handler is entered with x0 = signo, x1 = &sf_si, x2 = &sf_uc and
 * lr = sd_tramp; it returns there with sp back at the frame, where
 * __sigtramp finds the ucontext (user/arch/aarch64/sigtramp.S).  q0-q31,
 * FPCR and FPSR are zero at its entry.
 *
 * Both calls run for curlwp on its way back to user mode: its FP state
 * is live in the registers (cpu.c's invariant), so that is where it is
 * read and written; cpu_switch() keeps it across a sleep in copyout.
 */
#include "proc.h"
#include "trap.h"
#include "vm.h"

#include "machdep.h"
#include "aarch64.h"

#include "user/sys/ucontext.h"
#include "vmparam.h"

struct sigframe {
	ucontext_t	sf_uc;
	siginfo_t	sf_si;
};

_Static_assert(sizeof(mcontext_t) == 880, "FreeBSD's arm64 mcontext_t");
_Static_assert(offsetof(mcontext_t, mc_gpregs.gp_elr) == 256, "gp_elr");
_Static_assert(offsetof(mcontext_t, mc_fpregs.fp_q) == 272, "fp_q");
_Static_assert(offsetof(mcontext_t, mc_fpregs.fp_sr) == 784, "fp_sr");
_Static_assert(offsetof(struct sigframe, sf_uc) == 0,
    "__sigtramp finds the ucontext at its sp");

int
cpu_sendsig(struct lwp *l, const struct sigdeliver *sd)
{
	struct trapframe *tf = l->l_md.md_tf;
	struct vmspace *vm = l->l_proc->p_vmspace;
	struct fpstate fps;
	struct sigframe sf;
	mcontext_t *mc = &sf.sf_uc.uc_mcontext;
	uint64_t top, sp;
	size_t i;

	KASSERT(l == curlwp, "cpu_sendsig: not curlwp");
	top = sd->sd_altsp != 0 ? sd->sd_altsp : tf->tf_sp;
	if (top < sizeof(sf) + VM_MIN_USER)
		return (EFAULT);
	sp = (top - sizeof(sf)) & ~(uint64_t)15;

	memset(&sf, 0, sizeof(sf));
	sf.sf_si = sd->sd_info;
	sf.sf_uc.uc_sigmask = sd->sd_oldmask;
	sf.sf_uc.uc_stack = sd->sd_oldstack;
	for (i = 0; i < 30; i++)
		mc->mc_gpregs.gp_x[i] = tf->tf_x[i];
	mc->mc_gpregs.gp_lr = tf->tf_x[30];
	mc->mc_gpregs.gp_sp = tf->tf_sp;
	mc->mc_gpregs.gp_elr = tf->tf_elr;
	mc->mc_gpregs.gp_spsr = (uint32_t)tf->tf_spsr;
	fpu_save(&fps);
	memcpy(mc->mc_fpregs.fp_q, fps.fp_q, sizeof(fps.fp_q));
	mc->mc_fpregs.fp_sr = fps.fp_fpsr;
	mc->mc_fpregs.fp_cr = fps.fp_fpcr;
	mc->mc_flags = _MC_FP_VALID;

	if (copyout(vm, &sf, sp, sizeof(sf)) != 0)
		return (EFAULT);

	tf->tf_elr = sd->sd_handler;
	tf->tf_x[30] = sd->sd_tramp;
	tf->tf_sp = sp;
	tf->tf_x[0] = (uint64_t)sd->sd_info.si_signo;
	tf->tf_x[1] = sp + offsetof(struct sigframe, sf_si);
	tf->tf_x[2] = sp + offsetof(struct sigframe, sf_uc);
	memset(&fps, 0, sizeof(fps));
	fpu_restore(&fps);
	return (0);
}

/*
 * Nothing privileged comes from the context: SPSR stays EL0t with
 * interrupts unmasked and takes only the flags, ELR must be a user
 * address an instruction can be at, FPCR and FPSR only bits user mode
 * may set.  sp may be anything: a bad one faults in user mode.
 */
int
cpu_sigreturn(struct lwp *l, vaddr_t ucp, sigset_t *mask)
{
	struct trapframe *tf = l->l_md.md_tf;
	const mcontext_t *mc;
	struct fpstate fps;
	ucontext_t uc;
	size_t i;

	KASSERT(l == curlwp, "cpu_sigreturn: not curlwp");
	if (copyin(l->l_proc->p_vmspace, ucp, &uc, sizeof(uc)) != 0)
		return (EFAULT);
	mc = &uc.uc_mcontext;
	if (mc->mc_gpregs.gp_elr >= VM_MAX_USER || (mc->mc_gpregs.gp_elr & 3) != 0)
		return (EINVAL);
	if ((mc->mc_fpregs.fp_cr & ~FPCR_MASK) != 0 ||
	    (mc->mc_fpregs.fp_sr & ~FPSR_MASK) != 0)
		return (EINVAL);

	for (i = 0; i < 30; i++)
		tf->tf_x[i] = mc->mc_gpregs.gp_x[i];
	tf->tf_x[30] = mc->mc_gpregs.gp_lr;
	tf->tf_sp = mc->mc_gpregs.gp_sp;
	tf->tf_elr = mc->mc_gpregs.gp_elr;
	tf->tf_spsr = mc->mc_gpregs.gp_spsr & PSR_NZCV;
	memset(&fps, 0, sizeof(fps));
	memcpy(fps.fp_q, mc->mc_fpregs.fp_q, sizeof(fps.fp_q));
	fps.fp_fpsr = mc->mc_fpregs.fp_sr;
	fps.fp_fpcr = mc->mc_fpregs.fp_cr;
	fpu_restore(&fps);
	*mask = uc.uc_sigmask;
	return (0);
}
