/*
 * Trap entry and exit (stvec, direct mode).
 *
 * Register contract: sscratch holds the top of curlwp's kernel stack while
 * the hart is in user mode and 0 while it is in the kernel.  The entry
 * swaps sp with sscratch: a non-zero result means the trap came from user
 * mode and sp is now that stack top.
 *
 * Frame layout (struct trapframe in machdep.h, asserted there): tf_x[n] at
 * n * 8 for x1..x31, then sepc, sstatus, scause, stval; TF_SIZE bytes.
 *   From user:   the frame is at kstack top - TF_SIZE, the FP save area is
 *                below it, and the C handler runs on the stack below that:
 *                trap_user(tf) returns the frame of curlwp (perhaps another
 *                lwp's, always its stack top) and trap_user_exit restores it.
 *   From kernel: the frame is pushed on the current stack and
 *                trap_kernel(tf) is called; only the timer inside hal_idle
 *                returns here, every other cause panics.
 * trap_user_exit(tf) sets sscratch = tf + TF_SIZE (the lwp's stack top),
 * restores sepc, sstatus and all GPRs from tf, and srets.
 * fork_trampoline is the first code a new lwp runs (cpu_switch returns
 * into it): s1 = the lwp; it calls lwp_trampoline(l) and exits to user.
 */
#include "machdep.h"

	.macro	SAVE_GPRS base
	.irp	n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, (\n * 8)(\base)
	.endr
	.endm

	/* Everything but sp (x2) and a0 (x10), which the caller loads last. */
	.macro	LOAD_GPRS base
	.irp	n, 1,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, (\n * 8)(\base)
	.endr
	.endm

	.text
	.balign	4
	.globl	trap_entry
trap_entry:
	csrrw	sp, sscratch, sp
	beqz	sp, from_kernel

	/* From user mode: sp = kstack top, sscratch = user sp. */
	addi	sp, sp, -TF_SIZE
	SAVE_GPRS sp
	csrr	t0, sscratch
	sd	t0, TF_X(2)(sp)
	csrw	sscratch, zero
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)
	mv	a0, sp
	addi	sp, sp, -FPS_SIZE
	li	s0, 0
	call	trap_user
	/* FALLTHROUGH with a0 = curlwp's frame */

	.globl	trap_user_exit
trap_user_exit:
	addi	t0, a0, TF_SIZE
	csrw	sscratch, t0
	ld	t0, TF_SEPC(a0)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(a0)
	csrw	sstatus, t0
	LOAD_GPRS a0
	ld	sp, TF_X(2)(a0)
	ld	a0, TF_X(10)(a0)
	sret

from_kernel:
	/* sp back to the kernel stack, sscratch back to 0. */
	csrrw	sp, sscratch, sp
	addi	sp, sp, -TF_SIZE
	SAVE_GPRS sp
	addi	t0, sp, TF_SIZE
	sd	t0, TF_X(2)(sp)
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)
	mv	a0, sp
	call	trap_kernel
	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	mv	a0, sp
	LOAD_GPRS a0
	ld	a0, TF_X(10)(sp)
	addi	sp, sp, TF_SIZE
	sret

/* A kernel thread's first code: s1 = the lwp, s2 = its entry, which never returns. */
	.globl	kthread_trampoline
kthread_trampoline:
	mv	a0, s1
	jalr	s2
	unimp

	.globl	fork_trampoline
fork_trampoline:
	mv	a0, s1
	call	lwp_trampoline
	j	trap_user_exit
