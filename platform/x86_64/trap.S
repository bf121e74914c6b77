/*
 * Trap, interrupt and system call entry, and the one way back to user mode.
 *
 * Frame (struct trapframe in x86.h; trap.c asserts these offsets): from
 * low to high address r15 r14 r13 r12 r11 r10 r9 r8 rbp rdi rsi rdx rcx
 * rbx rax, trapno, err, then the interrupt frame rip cs rflags rsp ss.
 * 176 bytes; always 16-byte aligned, so `call` from here keeps the ABI.
 *
 * %gs: in ring 0 its base is always this CPU's struct cpu (curcpu(); see
 * x86.h for the CI_* offsets used here); in ring 3 it is the user's, and
 * MSR_KGSBASE holds the struct cpu.  Every entry from ring 3 begins with
 * swapgs and every return to ring 3 ends with one, right before sysretq or
 * iretq, so nothing a process does to %gs reaches the kernel.  Entries from
 * ring 0 (the timer or an IPI in hal_idle, a kernel bug) leave %gs alone.
 * There is no NMI handling that could land between a swapgs and the
 * instruction after it: NMIs are not used.
 *
 * Exceptions and interrupts (IDT interrupt gates, so IF is clear on
 * entry): from user mode the CPU switches to TSS.rsp0 (curlwp's frame
 * end, just below its FXSAVE area), so the frame lands at curlwp's md_tf;
 * from kernel mode it is pushed on the current stack.  The stubs push a
 * zero error code where the CPU pushes none, then the vector; alltraps
 * swaps %gs if the saved CS is ring 3, saves the rest and calls trap(tf).
 * On return, a kernel-mode frame is popped and iretq'd; a user-mode one
 * leaves through trap_exit_user.
 *
 * syscall (EFER.SCE; SFMASK clears IF DF TF AC): rcx = user rip, r11 =
 * user rflags, rsp still the user's.  After swapgs, the user rsp waits in
 * this CPU's ci_md[CI_MD_URSP] while rsp becomes ci_md[CI_MD_KSTACK]
 * (curlwp's frame end, = TSS.rsp0, set by x86_set_kstack).  We build the
 * same frame (trapno T_SYSCALL, err 0) and call trap_syscall(tf).
 *
 * trap_exit_user: restores the frame of curlwp (this CPU's ci_curlwp, read
 * again: userret may have run other lwps in between) at its l_md.md_tf.
 * A T_SYSCALL frame whose rip is canonical returns with sysretq (rcx and
 * r11 are the syscall's to clobber); every other frame returns with iretq,
 * among them the frames signal delivery and sigreturn rewrite (T_SETFRAME,
 * sigframe.c), which must get all of their registers back.  User rip is
 * always below VM_MAX_USER (256 GiB: cpu_sigreturn refuses any other), so
 * the non-canonical sysret trap cannot happen; we still test, for safety.
 */
#include "x86.h"

#define TF_RCX		(12 * 8)
#define TF_R11		(4 * 8)
#define TF_TRAPNO	(15 * 8)
#define TF_RIP		(17 * 8)
#define TF_CS		(18 * 8)
#define TF_RFLAGS	(19 * 8)
#define TF_RSP		(20 * 8)
#define TF_SIZE		(22 * 8)
/* Exceptions, the remapped 8259 range, T_TIMER, T_IPI, T_SPURIOUS (gdt.c lists the same). */
#define VECTORS_EXC	0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15, \
			16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
#define VECTORS_INTR	32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47, \
			48,240,255
#define TF_CS_ENTRY	(3 * 8)		/* the saved CS above the stub's vector and error */
#define LWP_MD_TF	(16 * 8)	/* offsetof(struct lwp, l_md.md_tf) */

.macro	PUSH_GPRS
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm

.macro	POP_GPRS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
.endm

/* Vectors for which the CPU pushes an error code. */
.macro	VEC n
	.if (\n == 8) || (\n == 10) || (\n == 11) || (\n == 12) || \
	    (\n == 13) || (\n == 14) || (\n == 17) || (\n == 21) || \
	    (\n == 29) || (\n == 30)
vec\n:
	pushq	$\n
	jmp	alltraps
	.else
vec\n:
	pushq	$0
	pushq	$\n
	jmp	alltraps
	.endif
.endm

	.text
	.irp	n, VECTORS_EXC
	VEC	\n
	.endr
	.irp	n, VECTORS_INTR
	VEC	\n
	.endr

alltraps:
	testb	$SEL_RPL_MASK, TF_CS_ENTRY(%rsp)
	jz	1f
	swapgs
1:	PUSH_GPRS
	cld
	movq	%rsp, %rdi
	call	trap
	testb	$SEL_RPL_MASK, TF_CS(%rsp)
	jnz	trap_exit_user
	POP_GPRS
	addq	$16, %rsp
	iretq

	.globl	syscall_entry
syscall_entry:
	swapgs
	movq	%rsp, %gs:CI_MD_OFF(CI_MD_URSP)
	movq	%gs:CI_MD_OFF(CI_MD_KSTACK), %rsp
	pushq	$GSEL_UDATA
	pushq	%gs:CI_MD_OFF(CI_MD_URSP)
	pushq	%r11
	pushq	$GSEL_UCODE
	pushq	%rcx
	pushq	$0
	pushq	$T_SYSCALL
	PUSH_GPRS
	movq	%rsp, %rdi
	call	trap_syscall
	/* FALLTHROUGH */

	.globl	trap_exit_user
trap_exit_user:
	movq	%gs:CI_CURLWP_OFF, %rax
	movq	LWP_MD_TF(%rax), %rsp
	cmpq	$T_SYSCALL, TF_TRAPNO(%rsp)
	jne	1f
	movq	TF_RIP(%rsp), %rcx
	shrq	$47, %rcx
	jnz	1f
	POP_GPRS
	movq	(16 + 0)(%rsp), %rcx		/* rip */
	movq	(16 + 16)(%rsp), %r11		/* rflags */
	movq	(16 + 24)(%rsp), %rsp		/* user rsp, last */
	swapgs
	sysretq
1:	POP_GPRS
	addq	$16, %rsp
	swapgs
	iretq

	/* IDT stub addresses for gdt.c, indexed like x86_vectors[] there. */
	.section .rodata
	.p2align 3
	.globl	x86_vector_stubs
x86_vector_stubs:
	.irp	n, VECTORS_EXC
	.quad	vec\n
	.endr
	.irp	n, VECTORS_INTR
	.quad	vec\n
	.endr
