/*
 * Context switch and user FP/SIMD state.
 *
 * swtch(x0 = from->md_ctx, x1 = to->md_ctx): stores the callee-saved
 * x19-x28, fp, lr and sp into from's context (CTX_* word indices in
 * machdep.h) and loads to's, then returns on to's stack.  A fresh context
 * has lr = fork_trampoline, sp = its kernel stack below the FP area,
 * fp = 0 and x19 = the lwp (cpu.c).
 *
 * fpu_save(x0 = struct fpstate *) / fpu_restore(x0): q0-q31 at 16 * n,
 * FPCR at 512, FPSR at 516.  The kernel is built -mgeneral-regs-only, so
 * the vector registers are always the user's.  Only x1 is clobbered.
 */
#include "machdep.h"

	.text
	.globl	swtch
swtch:
	stp	x19, x20, [x0, #(CTX_X19 * 8)]
	stp	x21, x22, [x0, #((CTX_X19 + 2) * 8)]
	stp	x23, x24, [x0, #((CTX_X19 + 4) * 8)]
	stp	x25, x26, [x0, #((CTX_X19 + 6) * 8)]
	stp	x27, x28, [x0, #((CTX_X19 + 8) * 8)]
	stp	x29, x30, [x0, #(CTX_FP * 8)]
	mov	x2, sp
	str	x2, [x0, #(CTX_SP * 8)]
	ldp	x19, x20, [x1, #(CTX_X19 * 8)]
	ldp	x21, x22, [x1, #((CTX_X19 + 2) * 8)]
	ldp	x23, x24, [x1, #((CTX_X19 + 4) * 8)]
	ldp	x25, x26, [x1, #((CTX_X19 + 6) * 8)]
	ldp	x27, x28, [x1, #((CTX_X19 + 8) * 8)]
	ldp	x29, x30, [x1, #(CTX_FP * 8)]
	ldr	x2, [x1, #(CTX_SP * 8)]
	mov	sp, x2
	ret

	.arch_extension fp
	.arch_extension simd
	.globl	fpu_save
fpu_save:
	stp	q0, q1, [x0, #0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	stp	q8, q9, [x0, #128]
	stp	q10, q11, [x0, #160]
	stp	q12, q13, [x0, #192]
	stp	q14, q15, [x0, #224]
	stp	q16, q17, [x0, #256]
	stp	q18, q19, [x0, #288]
	stp	q20, q21, [x0, #320]
	stp	q22, q23, [x0, #352]
	stp	q24, q25, [x0, #384]
	stp	q26, q27, [x0, #416]
	stp	q28, q29, [x0, #448]
	stp	q30, q31, [x0, #480]
	mrs	x1, fpcr
	str	w1, [x0, #512]
	mrs	x1, fpsr
	str	w1, [x0, #516]
	ret

	.globl	fpu_restore
fpu_restore:
	ldp	q0, q1, [x0, #0]
	ldp	q2, q3, [x0, #32]
	ldp	q4, q5, [x0, #64]
	ldp	q6, q7, [x0, #96]
	ldp	q8, q9, [x0, #128]
	ldp	q10, q11, [x0, #160]
	ldp	q12, q13, [x0, #192]
	ldp	q14, q15, [x0, #224]
	ldp	q16, q17, [x0, #256]
	ldp	q18, q19, [x0, #288]
	ldp	q20, q21, [x0, #320]
	ldp	q22, q23, [x0, #352]
	ldp	q24, q25, [x0, #384]
	ldp	q26, q27, [x0, #416]
	ldp	q28, q29, [x0, #448]
	ldp	q30, q31, [x0, #480]
	ldr	w1, [x0, #512]
	msr	fpcr, x1
	ldr	w1, [x0, #516]
	msr	fpsr, x1
	ret
