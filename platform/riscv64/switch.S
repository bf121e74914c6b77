/*
 * Context switch and user FP state.
 *
 * swtch(a0 = from->md_ctx, a1 = to->md_ctx): stores the callee-saved
 * registers ra, sp, s0-s11 into from's context (CTX_* word indices in
 * machdep.h: ra, sp, s0..s11) and loads to's, then returns on to's stack.
 * A fresh context has ra = fork_trampoline, sp = its kernel stack below
 * the FP area, s0 = 0 and s1 = the lwp (see cpu.c).
 *
 * fpu_save(a0 = struct fpstate *) / fpu_restore(a0): f0-f31 at 8 * n,
 * fcsr at 256.  The kernel is built without the F/D extensions, so the
 * FP loads and stores are spelled with .insn; sstatus.FS is never Off in
 * the kernel, so they do not trap.  Only t0 is clobbered.
 */
#include "machdep.h"

	.text
	.balign	4
	.globl	swtch
swtch:
	sd	ra, (CTX_RA * 8)(a0)
	sd	sp, (CTX_SP * 8)(a0)
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11
	sd	s\n, ((CTX_S0 + \n) * 8)(a0)
	.endr
	ld	ra, (CTX_RA * 8)(a1)
	ld	sp, (CTX_SP * 8)(a1)
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11
	ld	s\n, ((CTX_S0 + \n) * 8)(a1)
	.endr
	ret

	.globl	fpu_save
fpu_save:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.insn	s 0x27, 3, f\n, (\n * 8)(a0)		/* fsd */
	.endr
	csrr	t0, fcsr
	sd	t0, 256(a0)
	ret

	.globl	fpu_restore
fpu_restore:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.insn	i 0x07, 3, f\n, (\n * 8)(a0)		/* fld */
	.endr
	ld	t0, 256(a0)
	csrw	fcsr, t0
	ret
