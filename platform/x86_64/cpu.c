/*
 * The machine-dependent part of lwps (include/cpu.h): user frames, FPU
 * state and kernel contexts.
 *
 * Top of every lwp's kernel stack [md_kstack, md_kstack + KSTACK_SIZE):
 *
 *	KSTACK_SIZE - 512	FXSAVE area (16-byte aligned) of the lwp's user FP
 *				state while it is switched out
 *	KSTACK_SIZE - 512	= TSS.rsp0 = the CPU's ci_md[CI_MD_KSTACK]
 *				while it runs (x86_set_kstack)
 *	... - 176		struct trapframe (md_tf): the user registers
 *	below			the kernel C stack
 *
 * lwp0 (the boot CPU's idle lwp, md_kstack == 0) runs on the boot stack
 * and never in user mode: it has no FP area and leaves TSS.rsp0 alone.
 * The other CPUs' idle lwps have kernel stacks like any lwp and start
 * just below their FXSAVE area (mp.c), which cpu_switch uses as usual.
 */
#include "hal.h"
#include "proc.h"
#include "trap.h"
#include "x86.h"

_Static_assert(sizeof(struct trapframe) % 16 == 0, "frame keeps rsp aligned");
_Static_assert(CTX_RIP < CPU_CTX_WORDS, "md_ctx holds the switch context");

/*
 * The state a new program (and a signal handler) starts with: x87 and SSE
 * at their reset defaults.
 */
void
x86_fpu_clean(void *area)
{
	uint64_t *p = area;
	size_t i;

	for (i = 0; i < FPU_SAVE_SIZE / 8; i++)
		p[i] = 0;
	*(uint16_t *)area = FCW_INIT;			/* FCW at offset 0 */
	*(uint32_t *)((char *)area + 24) = MXCSR_INIT;	/* MXCSR at 24 */
}

/* Make l's first cpu_switch() in run fork_trampoline on its own stack. */
static void
ctx_new(struct lwp *l)
{
	uintptr_t *ctx = l->l_md.md_ctx;
	size_t i;

	for (i = 0; i < CPU_CTX_WORDS; i++)
		ctx[i] = 0;
	ctx[CTX_RSP] = (uintptr_t)USER_TF(l);
	ctx[CTX_RIP] = (uintptr_t)fork_trampoline;
	ctx[CTX_R12] = (uintptr_t)l;
}

/*
 * parent is curlwp, in a system call: its live FP registers are its own
 * and its frame is a T_SYSCALL frame, which the child returns through too.
 */
void
cpu_fork(struct lwp *parent, struct lwp *child)
{
	struct trapframe *tf = USER_TF(child);

	*tf = *(struct trapframe *)parent->l_md.md_tf;
	tf->tf_rax = 0;
	child->l_md.md_tf = tf;
	child->l_md.md_private = parent->l_md.md_private;
	fxsave(FPU_AREA(child));
	ctx_new(child);
}

void
cpu_set_kthread(struct lwp *l, void (*entry)(struct lwp *))
{
	ctx_new(l);
	l->l_md.md_ctx[CTX_RIP] = (uintptr_t)kthread_trampoline;
	l->l_md.md_ctx[CTX_R13] = (uintptr_t)entry;
	x86_fpu_clean(FPU_AREA(l));	/* cpu_switch loads it: it must be valid */
}

void
cpu_set_user(struct lwp *l, vaddr_t pc, vaddr_t sp, uintptr_t arg)
{
	struct trapframe *tf = USER_TF(l);

	*tf = (struct trapframe){
		.tf_rip = pc,
		.tf_cs = GSEL_UCODE,
		.tf_rflags = PSL_I | PSL_1,
		.tf_rsp = sp,
		.tf_ss = GSEL_UDATA,
		.tf_rdi = arg,
		.tf_trapno = T_SETFRAME,	/* leave by iretq: all registers as set */
	};
	l->l_md.md_tf = tf;
	l->l_md.md_private = 0;
	x86_fpu_clean(FPU_AREA(l));
	if (l == curlwp) {
		fxrstor(FPU_AREA(l));
		wrmsr(MSR_FSBASE, 0);
	} else
		ctx_new(l);
}

/*
 * The FS base is the thread pointer: ring 3 cannot set it without
 * FSGSBASE, and the kernel never uses FS, so each lwp's lives in
 * md_private and cpu_switch loads it.
 */
void
cpu_lwp_setprivate(struct lwp *l, uintptr_t addr)
{
	l->l_md.md_private = addr;
	wrmsr(MSR_FSBASE, addr);
}

void
cpu_switch(struct lwp *from, struct lwp *to)
{
	if (from->l_md.md_kstack != 0)
		fxsave(FPU_AREA(from));
	if (to->l_md.md_kstack != 0) {
		fxrstor(FPU_AREA(to));
		x86_set_kstack(KSTACK_TOP(to));
		wrmsr(MSR_FSBASE, to->l_md.md_private);
	}
	switch_context(from->l_md.md_ctx, to->l_md.md_ctx);
}
