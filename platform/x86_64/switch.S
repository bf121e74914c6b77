/*
 * Kernel context switch and the first entry of a new lwp.
 *
 * switch_context(uintptr_t *from_ctx, uintptr_t *to_ctx): saves the SysV
 * callee-saved registers rbx rbp r12-r15, the stack pointer and the return
 * address into from_ctx (slots CTX_* of x86.h, i.e. l_md.md_ctx) and
 * resumes to_ctx the same way.  Everything else (FPU state, TSS.rsp0, the
 * pmap) is cpu_switch()'s job in cpu.c, done before calling here.
 *
 * fork_trampoline: where a new lwp's context starts (cpu.c sets CTX_RIP to
 * it, CTX_RSP to its trap frame, 16-byte aligned, CTX_R12 to the lwp).  It
 * calls fork_return(l), which does the core's bookkeeping and userret(),
 * then leaves to user mode through trap_exit_user with curlwp's frame.
 */
#include "x86.h"

	.text
	.globl	switch_context
switch_context:
	popq	%rax				/* return address */
	movq	%rbx, (CTX_RBX * 8)(%rdi)
	movq	%rbp, (CTX_RBP * 8)(%rdi)
	movq	%r12, (CTX_R12 * 8)(%rdi)
	movq	%r13, (CTX_R13 * 8)(%rdi)
	movq	%r14, (CTX_R14 * 8)(%rdi)
	movq	%r15, (CTX_R15 * 8)(%rdi)
	movq	%rsp, (CTX_RSP * 8)(%rdi)
	movq	%rax, (CTX_RIP * 8)(%rdi)

	movq	(CTX_RBX * 8)(%rsi), %rbx
	movq	(CTX_RBP * 8)(%rsi), %rbp
	movq	(CTX_R12 * 8)(%rsi), %r12
	movq	(CTX_R13 * 8)(%rsi), %r13
	movq	(CTX_R14 * 8)(%rsi), %r14
	movq	(CTX_R15 * 8)(%rsi), %r15
	movq	(CTX_RSP * 8)(%rsi), %rsp
	jmpq	*(CTX_RIP * 8)(%rsi)

/* A kernel thread's first code: r12 = the lwp, r13 = its entry, which never returns. */
	.globl	kthread_trampoline
kthread_trampoline:
	movq	%r12, %rdi
	call	*%r13
	ud2

	.globl	fork_trampoline
fork_trampoline:
	movq	%r12, %rdi
	call	fork_return
	jmp	trap_exit_user
