/*
 * Signal frames (include/cpu.h: cpu_sendsig, cpu_sigreturn): FreeBSD's
 * riscv sendsig/sys_sigreturn, on forkrt's trap frame.
 *
 * The frame on the user stack, from the handler's entry sp up:
 *
 *	sp + 0			struct sigframe: ucontext_t sf_uc, then
 *				siginfo_t sf_si; sp is 16-byte aligned
 *	above			the interrupted stack (no red zone in the
 *				RISC-V psABI) or the top of the alternate
 *				stack
 *
 * The handler is entered with a0 = signo, a1 = &sf_si, a2 = &sf_uc and
 * ra = sd_tramp; it returns there with sp back at the frame, where
 * __sigtramp finds the ucontext (user/arch/riscv64/sigtramp.S).  f0-f31
 * are zero and fcsr is 0 (round to nearest, no flags) at its entry.
 *
 * Both calls run for curlwp, in the kernel on its way back to user mode:
 * its FP state is live in the FP registers (cpu.c's invariant), so that
 * is where it is read from and written to; cpu_switch() keeps it across
 * a sleep in copyout.  trap_user_exit reloads every register of the
 * frame, so a rewritten frame needs nothing more.
 */
#include "proc.h"
#include "trap.h"
#include "vm.h"

#include "machdep.h"
#include "riscv.h"

#include "user/sys/ucontext.h"
#include "vmparam.h"

struct sigframe {
	ucontext_t	sf_uc;
	siginfo_t	sf_si;
};

_Static_assert(sizeof(mcontext_t) == 864, "FreeBSD's riscv mcontext_t");
_Static_assert(offsetof(mcontext_t, mc_gpregs.gp_sepc) == 248, "gp_sepc");
_Static_assert(offsetof(mcontext_t, mc_fpregs.fp_fcsr) == 776, "fp_fcsr");
_Static_assert(offsetof(struct sigframe, sf_uc) == 0,
    "__sigtramp finds the ucontext at its sp");

/* The x registers gp_t[], gp_s[] and gp_a[] hold, in their order. */
static const uint8_t reg_t[7] = { 5, 6, 7, 28, 29, 30, 31 };
static const uint8_t reg_s[12] = { 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27 };
static const uint8_t reg_a[8] = { 10, 11, 12, 13, 14, 15, 16, 17 };

static void
tf_to_gpregs(const struct trapframe *tf, struct gpregs *gp)
{
	size_t i;

	gp->gp_ra = tf->tf_x[REG_RA];
	gp->gp_sp = tf->tf_x[REG_SP];
	gp->gp_gp = tf->tf_x[REG_GP];
	gp->gp_tp = tf->tf_x[REG_TP];
	for (i = 0; i < nitems(reg_t); i++)
		gp->gp_t[i] = tf->tf_x[reg_t[i]];
	for (i = 0; i < nitems(reg_s); i++)
		gp->gp_s[i] = tf->tf_x[reg_s[i]];
	for (i = 0; i < nitems(reg_a); i++)
		gp->gp_a[i] = tf->tf_x[reg_a[i]];
	gp->gp_sepc = tf->tf_sepc;
	gp->gp_sstatus = tf->tf_sstatus;
}

/* Only after the context has been checked; sstatus stays the kernel's. */
static void
gpregs_to_tf(const struct gpregs *gp, struct trapframe *tf)
{
	size_t i;

	tf->tf_x[REG_RA] = gp->gp_ra;
	tf->tf_x[REG_SP] = gp->gp_sp;
	tf->tf_x[REG_GP] = gp->gp_gp;
	tf->tf_x[REG_TP] = gp->gp_tp;
	for (i = 0; i < nitems(reg_t); i++)
		tf->tf_x[reg_t[i]] = gp->gp_t[i];
	for (i = 0; i < nitems(reg_s); i++)
		tf->tf_x[reg_s[i]] = gp->gp_s[i];
	for (i = 0; i < nitems(reg_a); i++)
		tf->tf_x[reg_a[i]] = gp->gp_a[i];
	tf->tf_sepc = gp->gp_sepc;
}

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
	top = sd->sd_altsp != 0 ? sd->sd_altsp : tf->tf_x[REG_SP];
	/* A stack pointer too low for the frame (or wrapped past 0) has no room. */
	if (top < sizeof(sf) + VM_MIN_USER)
		return (EFAULT);
	sp = (top - sizeof(sf)) & ~(uint64_t)15;

	memset(&sf, 0, sizeof(sf));
	sf.sf_si = sd->sd_info;
	sf.sf_uc.uc_sigmask = sd->sd_oldmask;
	sf.sf_uc.uc_stack = sd->sd_oldstack;
	tf_to_gpregs(tf, &mc->mc_gpregs);
	fpu_save(&fps);
	for (i = 0; i < nitems(fps.fp_f); i++)
		mc->mc_fpregs.fp_x[i][0] = fps.fp_f[i];
	mc->mc_fpregs.fp_fcsr = fps.fp_fcsr;
	mc->mc_flags = _MC_FP_VALID;

	/* copyout may sleep; cpu_switch keeps the live FP state meanwhile. */
	if (copyout(vm, &sf, sp, sizeof(sf)) != 0)
		return (EFAULT);

	tf->tf_sepc = sd->sd_handler;
	tf->tf_x[REG_RA] = sd->sd_tramp;
	tf->tf_x[REG_SP] = sp;
	tf->tf_x[REG_A0] = (uint64_t)sd->sd_info.si_signo;
	tf->tf_x[REG_A0 + 1] = sp + offsetof(struct sigframe, sf_si);
	tf->tf_x[REG_A0 + 2] = sp + offsetof(struct sigframe, sf_uc);
	memset(&fps, 0, sizeof(fps));
	fpu_restore(&fps);
	return (0);
}

/*
 * Nothing privileged comes from the context: sstatus (privilege,
 * interrupt enables, FS) stays the trap's, sepc must be a user address
 * an instruction can be at, and fcsr may hold only frm and fflags.
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
	if ((uint64_t)mc->mc_gpregs.gp_sepc >= VM_MAX_USER ||
	    (mc->mc_gpregs.gp_sepc & 1) != 0)
		return (EINVAL);
	if ((mc->mc_fpregs.fp_fcsr & ~FCSR_MASK) != 0)
		return (EINVAL);

	gpregs_to_tf(&mc->mc_gpregs, tf);
	memset(&fps, 0, sizeof(fps));
	for (i = 0; i < nitems(fps.fp_f); i++)
		fps.fp_f[i] = mc->mc_fpregs.fp_x[i][0];
	fps.fp_fcsr = mc->mc_fpregs.fp_fcsr;
	fpu_restore(&fps);
	*mask = uc.uc_sigmask;
	return (0);
}
