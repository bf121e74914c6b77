/*
 * __sigtramp: where every signal handler returns (the kernel's sd_tramp;
 * libc passes it to sigaction).  The frame cpu_sendsig builds
 * (platform/riscv64/sigframe.c) puts the ucontext_t at the handler's entry
 * sp, and the handler returns here (ra) with sp back at that value, so
 * the ucontext is at sp.  sigreturn(&ucontext) does not return when it
 * succeeds.
 *
 * If it fails (the handler corrupted its context), the process dies of
 * SIGILL: SIGILL goes back to SIG_DFL first, so that a SIGILL handler
 * cannot catch it and return here with the same bad context, over and
 * over; the mask at this point is the handler's, and a masked SIGILL
 * from a trap ends the process too.
 */
	.text
	.balign	4
	.globl	__sigtramp
	.type	__sigtramp, @function
__sigtramp:
	mv	a0, sp			/* ucontext_t * */
	li	a7, 417			/* SYS_sigreturn */
	ecall
	/* sigaction(SIGILL, &{ SIG_DFL }, NULL, 0); then an illegal instruction. */
	andi	sp, sp, -16
	addi	sp, sp, -32		/* struct sigaction, zeroed: SIG_DFL, no flags, empty mask */
	sd	zero, 0(sp)
	sd	zero, 8(sp)
	sd	zero, 16(sp)
	sd	zero, 24(sp)
	li	a0, 4			/* SIGILL */
	mv	a1, sp
	li	a2, 0
	li	a3, 0
	li	a7, 416			/* SYS_sigaction */
	ecall
1:	unimp
	j	1b
	.size	__sigtramp, . - __sigtramp
