/*
 * Trap entry and exit (stvec, direct mode).
 *
 * Register contract, per hart: in the kernel, tp = this CPU's struct cpu
 * and sscratch = 0; in user mode, tp is the user's and sscratch = this
 * CPU's struct cpu.  The entry swaps tp with sscratch: a non-zero result
 * means the trap came from user mode, with tp now the struct cpu and
 * sscratch the user's tp; zero means it came from the kernel, and a second
 * swap puts both back.  Coming from user mode, the entry parks the user's
 * sp in ci_md[CPU_MD_USER_SP] and takes ci_md[CPU_MD_KSTACK], the top of
 * curlwp's kernel stack, which cpu_switch() keeps current on each CPU.
 *
 * Frame layout (struct trapframe in machdep.h, asserted there): tf_x[n] at
 * n * 8 for x1..x31, then sepc, sstatus, scause, stval; TF_SIZE bytes.
 *   From user:   the frame is at kstack top - TF_SIZE, the FP save area is
 *                below it, and the C handler runs on the stack below that:
 *                trap_user(tf) returns the frame of curlwp (perhaps another
 *                lwp's, always its stack top) and trap_user_exit restores it.
 *   From kernel: an interrupt (only ever taken inside hal_idle, on a
 *                sound stack) pushes the frame on the current stack.  An
 *                exception cannot trust sp: a kernel stack overflow
 *                faults with sp in the guard page below the stack, and
 *                pushing a frame there would fault again, forever.  So it
 *                moves to this CPU's exception stack (ci_md
 *                [CPU_MD_EXC_STACK], see EXC_STACK_* in machdep.h), or
 *                further down it if it is already there with room left
 *                (a fault while handling one): no load or store goes
 *                through sp before the move.  Two per-CPU words hold t0 and
 *                the old sp meanwhile: nothing can trap between their
 *                store and their load but a bad tp.  Either way
 *                trap_kernel(tf) is called; the timer, the IPI and a
 *                spurious fault on a fresh kernel stack return here and
 *                resume at tf's sp, every other cause panics.  tp is
 *                neither saved nor restored: it is the CPU's.
 * trap_user_exit(tf), on the kernel's tp, sets sscratch = tp, restores
 * sepc, sstatus and all GPRs (the user's tp included) from tf, and srets.
 * fork_trampoline is the first code a new lwp runs (cpu_switch returns
 * into it): s1 = the lwp; it calls lwp_trampoline(l) and exits to user.
 */
#include "machdep.h"

	/* All but sp (x2) and tp (x4), which each path handles itself. */
	.macro	SAVE_GPRS base
	.irp	n, 1,3,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, (\n * 8)(\base)
	.endr
	.endm

	/* Nor a0 (x10), which the caller loads last. */
	.macro	LOAD_GPRS base
	.irp	n, 1,3,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, (\n * 8)(\base)
	.endr
	.endm

	.text
	.balign	4
	.globl	trap_entry
trap_entry:
	csrrw	tp, sscratch, tp
	beqz	tp, from_kernel

	/* From user mode: tp = struct cpu, sscratch = the user's tp. */
	sd	sp, CI_USER_SP(tp)
	ld	sp, CI_KSTACK(tp)
	addi	sp, sp, -TF_SIZE
	SAVE_GPRS sp
	ld	t0, CI_USER_SP(tp)
	sd	t0, TF_X(2)(sp)
	csrrw	t0, sscratch, zero
	sd	t0, TF_X(4)(sp)
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
	csrw	sscratch, tp
	ld	t0, TF_SEPC(a0)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(a0)
	csrw	sstatus, t0
	LOAD_GPRS a0
	ld	tp, TF_X(4)(a0)
	ld	sp, TF_X(2)(a0)
	ld	a0, TF_X(10)(a0)
	sret

from_kernel:
	/* tp back to the struct cpu, sscratch back to 0. */
	csrrw	tp, sscratch, tp
	sd	t0, CI_EXC_T0(tp)
	csrr	t0, scause
	bltz	t0, 2f			/* an interrupt: this stack */
	/* An exception: nest on the exception stack if sp is well inside it. */
	ld	t0, CI_EXC_STACK(tp)
	sub	t0, t0, sp		/* bytes of it in use, if sp is on it */
	srli	t0, t0, 10
	sltiu	t0, t0, (EXC_STACK_SIZE - EXC_STACK_NESTED) / 1024
	bnez	t0, 2f
	sd	sp, CI_EXC_SP(tp)
	ld	sp, CI_EXC_STACK(tp)
	addi	sp, sp, -TF_SIZE
	ld	t0, CI_EXC_SP(tp)
	j	3f
2:	mv	t0, sp
	addi	sp, sp, -TF_SIZE
3:	sd	t0, TF_X(2)(sp)
	ld	t0, CI_EXC_T0(tp)
	SAVE_GPRS sp
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
	ld	sp, TF_X(2)(sp)
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
