/*
 * The machine-dependent part of lwps (cpu.h): user frames, fork, the
 * switch wrapper with its FP save and restore, and the system call ABI
 * (ecall: a7 = number, a0-a5 = arguments, a0 = result).
 *
 * Invariant: while the kernel runs, the live FP registers are curlwp's
 * user FP state.  cpu_switch saves them into from's FP area and, once
 * `from` is switched back in, reloads them; a new lwp loads its own in
 * lwp_trampoline().
 */
#include "kernel.h"
#include "proc.h"
#include "trap.h"

#include "machdep.h"
#include "riscv.h"

_Static_assert(CTX_WORDS <= CPU_CTX_WORDS, "switch context does not fit l_md");

/* sstatus for user mode: SPP = U, interrupts on after sret, FP usable. */
#define USER_SSTATUS	(SSTATUS_SPIE | SSTATUS_FS_INITIAL)

/* Make l's first cpu_switch() run fork_trampoline on its own kernel stack. */
static void
lwp_ctx_new(struct lwp *l)
{
	uintptr_t *ctx = l->l_md.md_ctx;

	memset(ctx, 0, sizeof(l->l_md.md_ctx));
	ctx[CTX_RA] = (uintptr_t)fork_trampoline;
	ctx[CTX_SP] = (uintptr_t)lwp_fpstate(l->l_md.md_kstack);
	ctx[CTX_S0 + 0] = 0;			/* frame-pointer chain ends */
	ctx[CTX_S0 + 1] = (uintptr_t)l;		/* s1 */
}

void
cpu_fork(struct lwp *parent, struct lwp *child)
{
	struct trapframe *tf;

	KASSERT(parent == curlwp, "cpu_fork: parent not running");
	tf = lwp_trapframe(child->l_md.md_kstack);
	memcpy(tf, parent->l_md.md_tf, sizeof(*tf));
	tf->tf_x[REG_A0] = 0;
	tf->tf_sstatus = USER_SSTATUS;
	child->l_md.md_tf = tf;
	/* The live FP registers are the parent's. */
	fpu_save(lwp_fpstate(child->l_md.md_kstack));
	lwp_ctx_new(child);
}

void
cpu_set_kthread(struct lwp *l, void (*entry)(struct lwp *))
{
	lwp_ctx_new(l);
	l->l_md.md_ctx[CTX_RA] = (uintptr_t)kthread_trampoline;
	l->l_md.md_ctx[CTX_S0 + 2] = (uintptr_t)entry;		/* s2 */
	memset(lwp_fpstate(l->l_md.md_kstack), 0, sizeof(struct fpstate));
}

void
cpu_set_user(struct lwp *l, vaddr_t pc, vaddr_t sp, uintptr_t arg)
{
	struct trapframe *tf = lwp_trapframe(l->l_md.md_kstack);
	struct fpstate *fps = lwp_fpstate(l->l_md.md_kstack);

	memset(tf, 0, sizeof(*tf));
	tf->tf_sepc = pc;
	tf->tf_x[REG_SP] = sp;
	tf->tf_x[REG_A0] = arg;
	tf->tf_sstatus = USER_SSTATUS;
	l->l_md.md_tf = tf;
	memset(fps, 0, sizeof(*fps));
	if (l == curlwp)
		fpu_restore(fps);	/* execv: a clean FP state now */
	else
		lwp_ctx_new(l);
}

/* The user's tp is in the frame: trap.S restores it on the way out. */
void
cpu_lwp_setprivate(struct lwp *l, uintptr_t addr)
{
	((struct trapframe *)l->l_md.md_tf)->tf_x[REG_TP] = addr;
}

/*
 * Point this CPU's trap entry at to's kernel stack (trap.S), save from's
 * FP state, switch stacks, and, when someone switches back to `from` (on
 * this CPU or another: tp is not part of the context, so it stays the
 * CPU's), reload its FP state.  An lwp without a kernel stack of its own
 * (the boot context) has no user FP state to keep and never enters user
 * mode.
 */
void
cpu_switch(struct lwp *from, struct lwp *to)
{
	curcpu()->ci_md[CPU_MD_KSTACK] = to->l_md.md_kstack + KSTACK_SIZE;
	if (from->l_md.md_kstack != 0)
		fpu_save(lwp_fpstate(from->l_md.md_kstack));
	swtch(from->l_md.md_ctx, to->l_md.md_ctx);
	if (from->l_md.md_kstack != 0)
		fpu_restore(lwp_fpstate(from->l_md.md_kstack));
}

void
cpu_syscall_args(struct lwp *l, register_t *code, register_t args[6])
{
	struct trapframe *tf = l->l_md.md_tf;
	int i;

	*code = tf->tf_x[REG_A7];
	for (i = 0; i < 6; i++)
		args[i] = tf->tf_x[REG_A0 + i];
}

/*
 * ERESTART: the frame still holds a7 and a0-a5 as the ecall left them
 * (a0 is written only with a result), so backing sepc up over the 4-byte
 * ecall (it has no compressed form) runs the same call again.
 */
void
cpu_syscall_return(struct lwp *l, int error, register_t rv)
{
	struct trapframe *tf = l->l_md.md_tf;

	if (error == ERESTART) {
		tf->tf_sepc -= 4;
		return;
	}
	tf->tf_x[REG_A0] = error != 0 ? (register_t)-error : rv;
}

vaddr_t
cpu_user_pc(struct lwp *l)
{
	return (((struct trapframe *)l->l_md.md_tf)->tf_sepc);
}

vaddr_t
cpu_user_sp(struct lwp *l)
{
	return (((struct trapframe *)l->l_md.md_tf)->tf_x[REG_SP]);
}
