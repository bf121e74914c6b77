/*
 * The machine-dependent part of lwps (cpu.h): user frames, fork, the
 * switch wrapper with its FP and thread-pointer hand-over, and the system
 * call ABI (svc #0: x8 = number, x0-x5 = arguments, x0 = result).
 *
 * Invariants: while the kernel runs, the live FP/SIMD registers are
 * curlwp's user state, and TPIDR_EL0 is curlwp's user thread pointer
 * (also in md_private, which is what a switched-out lwp keeps).
 */
#include "kernel.h"
#include "proc.h"
#include "trap.h"

#include "machdep.h"
#include "aarch64.h"

_Static_assert(CTX_WORDS <= CPU_CTX_WORDS, "switch context does not fit l_md");

/* SPSR for user mode: EL0t, interrupts unmasked, flags clear. */
#define USER_SPSR	0

static void
lwp_ctx_new(struct lwp *l)
{
	uintptr_t *ctx = l->l_md.md_ctx;

	memset(ctx, 0, sizeof(l->l_md.md_ctx));
	ctx[CTX_LR] = (uintptr_t)fork_trampoline;
	ctx[CTX_SP] = (uintptr_t)lwp_fpstate(l->l_md.md_kstack);
	ctx[CTX_FP] = 0;
	ctx[CTX_X19] = (uintptr_t)l;
}

void
cpu_fork(struct lwp *parent, struct lwp *child)
{
	struct trapframe *tf;

	KASSERT(parent == curlwp, "cpu_fork: parent not running");
	tf = lwp_trapframe(child->l_md.md_kstack);
	memcpy(tf, parent->l_md.md_tf, sizeof(*tf));
	tf->tf_x[0] = 0;
	tf->tf_spsr = USER_SPSR | (tf->tf_spsr & PSR_NZCV);
	child->l_md.md_tf = tf;
	child->l_md.md_private = r_tpidr_el0();
	fpu_save(lwp_fpstate(child->l_md.md_kstack));
	lwp_ctx_new(child);
}

void
cpu_set_kthread(struct lwp *l, void (*entry)(struct lwp *))
{
	lwp_ctx_new(l);
	l->l_md.md_ctx[CTX_LR] = (uintptr_t)kthread_trampoline;
	l->l_md.md_ctx[CTX_X19 + 1] = (uintptr_t)entry;		/* x20 */
	memset(lwp_fpstate(l->l_md.md_kstack), 0, sizeof(struct fpstate));
}

void
cpu_set_user(struct lwp *l, vaddr_t pc, vaddr_t sp, uintptr_t arg)
{
	struct trapframe *tf = lwp_trapframe(l->l_md.md_kstack);
	struct fpstate *fps = lwp_fpstate(l->l_md.md_kstack);

	memset(tf, 0, sizeof(*tf));
	tf->tf_elr = pc;
	tf->tf_sp = sp;
	tf->tf_x[0] = arg;
	tf->tf_spsr = USER_SPSR;
	l->l_md.md_tf = tf;
	l->l_md.md_private = 0;
	memset(fps, 0, sizeof(*fps));
	if (l == curlwp) {
		fpu_restore(fps);	/* execv: a clean FP state now */
		w_tpidr_el0(0);
	} else
		lwp_ctx_new(l);
}

void
cpu_lwp_setprivate(struct lwp *l, uintptr_t addr)
{
	KASSERT(l == curlwp, "cpu_lwp_setprivate: not curlwp");
	l->l_md.md_private = addr;
	w_tpidr_el0(addr);
}

/*
 * Point this CPU at to's kernel stack top (hal_cpu_start and the
 * backtrace read it), hand over FP state and the thread pointer, switch
 * stacks; when someone switches back to `from`, reload its FP state.  An
 * lwp without a kernel stack (the boot context) has no user state.
 */
void
cpu_switch(struct lwp *from, struct lwp *to)
{
	curcpu()->ci_md[CPU_MD_KSTACK] = to->l_md.md_kstack + KSTACK_SIZE;
	if (from->l_md.md_kstack != 0) {
		fpu_save(lwp_fpstate(from->l_md.md_kstack));
		from->l_md.md_private = r_tpidr_el0();
	}
	w_tpidr_el0(to->l_md.md_private);
	swtch(from->l_md.md_ctx, to->l_md.md_ctx);
	if (from->l_md.md_kstack != 0)
		fpu_restore(lwp_fpstate(from->l_md.md_kstack));
}

void
cpu_syscall_args(struct lwp *l, register_t *code, register_t args[6])
{
	struct trapframe *tf = l->l_md.md_tf;
	int i;

	*code = tf->tf_x[8];
	for (i = 0; i < 6; i++)
		args[i] = tf->tf_x[i];
}

/*
 * ERESTART: x8 and x0-x5 are as the svc left them (x0 is written only
 * with a result), so backing ELR up over the 4-byte svc runs the same
 * call again.
 */
void
cpu_syscall_return(struct lwp *l, int error, register_t rv)
{
	struct trapframe *tf = l->l_md.md_tf;

	if (error == ERESTART) {
		tf->tf_elr -= 4;
		return;
	}
	tf->tf_x[0] = error != 0 ? (register_t)-error : rv;
}

vaddr_t
cpu_user_pc(struct lwp *l)
{
	return (((struct trapframe *)l->l_md.md_tf)->tf_elr);
}

vaddr_t
cpu_user_sp(struct lwp *l)
{
	return (((struct trapframe *)l->l_md.md_tf)->tf_sp);
}
