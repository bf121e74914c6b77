/*
 * Exception vectors (VBAR_EL1), entry and exit.
 *
 * Register contract: in the kernel, TPIDR_EL1 = this CPU's struct cpu and
 * the stack is SP_EL1 (SPSel = 1); SP_EL0 is the user's stack pointer
 * while in user mode and scratch in the kernel (the frame holds the
 * user's).  At every return to user mode SP_EL1 is left at the top of
 * curlwp's kernel stack, so a trap from user mode pushes its frame
 * (struct trapframe, machdep.h) at kstack top - TF_SIZE with no per-CPU
 * lookup; the FP save area lies below it and C below that.
 * trap_user(tf, irq) returns the frame of curlwp (perhaps another lwp's,
 * on whose stack we then are) and trap_user_exit(tf) restores it.
 *
 * From the kernel: an IRQ (only ever taken in hal_idle, on a sound stack)
 * pushes its frame on the current stack.  A synchronous exception cannot
 * trust sp (a kernel stack overflow faults with sp in the guard page, and
 * pushing a frame there would fault again, forever), so before any load
 * or store through sp it moves to this CPU's exception stack (ci_md
 * [CPU_MD_EXC_STACK]), or further down it when already on it with room
 * left: x0 is parked in SP_EL0 and sp and the stack top are swapped with
 * arithmetic alone.  The frame's record (fp, elr) joins the x29 chain so
 * that panic backtraces run from the handler into the trapped code.
 * fork_trampoline is the first code of a new lwp (x19 = the lwp).
 */
#include "machdep.h"

	.macro	SAVE_X1_X30
	stp	x1, x2, [sp, #TF_X(1)]
	stp	x3, x4, [sp, #TF_X(3)]
	stp	x5, x6, [sp, #TF_X(5)]
	stp	x7, x8, [sp, #TF_X(7)]
	stp	x9, x10, [sp, #TF_X(9)]
	stp	x11, x12, [sp, #TF_X(11)]
	stp	x13, x14, [sp, #TF_X(13)]
	stp	x15, x16, [sp, #TF_X(15)]
	stp	x17, x18, [sp, #TF_X(17)]
	stp	x19, x20, [sp, #TF_X(19)]
	stp	x21, x22, [sp, #TF_X(21)]
	stp	x23, x24, [sp, #TF_X(23)]
	stp	x25, x26, [sp, #TF_X(25)]
	stp	x27, x28, [sp, #TF_X(27)]
	stp	x29, x30, [sp, #TF_X(29)]
	.endm

	/* All but x0 from the frame at \base (not sp-relative: sp may be moved). */
	.macro	LOAD_X1_X30 base
	ldr	x1, [\base, #TF_X(1)]
	ldp	x2, x3, [\base, #TF_X(2)]
	ldp	x4, x5, [\base, #TF_X(4)]
	ldp	x6, x7, [\base, #TF_X(6)]
	ldp	x8, x9, [\base, #TF_X(8)]
	ldp	x10, x11, [\base, #TF_X(10)]
	ldp	x12, x13, [\base, #TF_X(12)]
	ldp	x14, x15, [\base, #TF_X(14)]
	ldp	x16, x17, [\base, #TF_X(16)]
	ldp	x18, x19, [\base, #TF_X(18)]
	ldp	x20, x21, [\base, #TF_X(20)]
	ldp	x22, x23, [\base, #TF_X(22)]
	ldp	x24, x25, [\base, #TF_X(24)]
	ldp	x26, x27, [\base, #TF_X(26)]
	ldp	x28, x29, [\base, #TF_X(28)]
	ldr	x30, [\base, #TF_X(30)]
	.endm

	/* The system registers of the trap into the frame at sp; x1-x5. */
	.macro	SAVE_SYSREGS
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	mrs	x4, esr_el1
	mrs	x5, far_el1
	stp	x2, x3, [sp, #TF_ELR]
	stp	x4, x5, [sp, #TF_ESR]
	.endm

	.macro	USER_ENTRY irq
	sub	sp, sp, #TF_SIZE
	str	x0, [sp, #TF_X(0)]
	SAVE_X1_X30
	mrs	x1, sp_el0
	str	x1, [sp, #TF_SP]
	SAVE_SYSREGS
	stp	xzr, xzr, [sp, #TF_FRAME]
	mov	x29, #0
	mov	x0, sp
	mov	x1, #\irq
	sub	sp, sp, #FPS_SIZE
	bl	trap_user
	b	trap_user_exit
	.endm

	.macro	VECTOR label
	.balign	128
	b	\label
	.endm

	.text
	.balign	2048
	.globl	exception_vectors
exception_vectors:
	VECTOR	el1_bad		/* current EL, SP_EL0: never used */
	VECTOR	el1_bad
	VECTOR	el1_bad
	VECTOR	el1_bad
	VECTOR	el1_sync	/* current EL, SP_EL1 */
	VECTOR	el1_irq
	VECTOR	el1_bad
	VECTOR	el1_bad
	VECTOR	el0_sync	/* lower EL, AArch64 */
	VECTOR	el0_irq
	VECTOR	el1_bad
	VECTOR	el1_bad
	VECTOR	el1_bad		/* lower EL, AArch32: no such user mode here */
	VECTOR	el1_bad
	VECTOR	el1_bad
	VECTOR	el1_bad

el0_sync:
	USER_ENTRY 0
el0_irq:
	USER_ENTRY 1

el1_sync:
	msr	sp_el0, x0
	mrs	x0, tpidr_el1
	ldr	x0, [x0, #CI_EXC_STACK]
	add	sp, sp, x0
	sub	x0, sp, x0			/* x0 = the trapped sp */
	sub	sp, sp, x0			/* sp = exception stack top */
	sub	sp, sp, x0			/* bytes of it in use, if on it */
	cmp	sp, #((EXC_STACK_SIZE - EXC_STACK_NESTED) >> 12), lsl #12
	b.lo	1f
	add	sp, sp, x0
	b	2f
1:	mov	sp, x0
2:	sub	sp, sp, #TF_SIZE
	str	x0, [sp, #TF_SP]
	mrs	x0, sp_el0
	str	x0, [sp, #TF_X(0)]
	SAVE_X1_X30
	SAVE_SYSREGS
	b	el1_common

el1_irq:
	sub	sp, sp, #TF_SIZE
	str	x0, [sp, #TF_X(0)]
	SAVE_X1_X30
	add	x0, sp, #TF_SIZE
	str	x0, [sp, #TF_SP]
	SAVE_SYSREGS
	ldr	x2, [sp, #TF_ELR]
	stp	x29, x2, [sp, #TF_FRAME]
	add	x29, sp, #TF_FRAME
	mov	x0, sp
	mov	x1, #0
	bl	trap_irq
	b	el1_return

el1_bad:
	sub	sp, sp, #TF_SIZE
	str	x0, [sp, #TF_X(0)]
	SAVE_X1_X30
	add	x0, sp, #TF_SIZE
	str	x0, [sp, #TF_SP]
	SAVE_SYSREGS
	mov	x0, #0xffff
	str	x0, [sp, #TF_ESR]		/* no syndrome: trap_kernel panics */
el1_common:
	ldr	x2, [sp, #TF_ELR]
	stp	x29, x2, [sp, #TF_FRAME]
	add	x29, sp, #TF_FRAME
	mov	x0, sp
	bl	trap_kernel
el1_return:
	ldp	x2, x3, [sp, #TF_ELR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	mov	x0, sp
	ldr	x1, [x0, #TF_SP]
	mov	sp, x1
	LOAD_X1_X30 x0
	ldr	x0, [x0, #TF_X(0)]
	eret

	.globl	trap_user_exit
trap_user_exit:
	mov	sp, x0
	ldp	x1, x2, [sp, #TF_SP]		/* sp_el0, elr */
	ldr	x3, [sp, #TF_SPSR]
	msr	sp_el0, x1
	msr	elr_el1, x2
	msr	spsr_el1, x3
	LOAD_X1_X30 sp
	ldr	x0, [sp, #TF_X(0)]
	add	sp, sp, #TF_SIZE
	eret

/* A kernel thread's first code: x19 = the lwp, x20 = its entry, which never returns. */
	.globl	kthread_trampoline
kthread_trampoline:
	mov	x0, x19
	blr	x20
	brk	#0

	.globl	fork_trampoline
fork_trampoline:
	mov	x0, x19
	bl	lwp_trampoline
	b	trap_user_exit
