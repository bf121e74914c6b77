/*
 * __sigtramp: where every signal handler returns (the kernel's sd_tramp;
 * libc passes it to sigaction).  The frame cpu_sendsig builds
 * (platform/aarch64/sigframe.c) puts the ucontext_t at the handler's
 * entry sp, and the handler returns here (x30) with sp back at that
 * value, so the ucontext is at sp.  sigreturn(&ucontext) does not return
 * when it succeeds.
 *
 * If it fails (the handler corrupted its context), the process dies of
 * SIGILL: SIGILL goes back to SIG_DFL first, so that a SIGILL handler
 * cannot catch it and return here with the same bad context, over and
 * over; the mask here is the handler's, and a masked SIGILL from a trap
 * ends the process too.
 */
	.text
	.balign	4
	.globl	__sigtramp
	.type	__sigtramp, %function
__sigtramp:
	mov	x0, sp			/* ucontext_t * */
	mov	x8, #417		/* SYS_sigreturn */
	svc	#0
	/* sigaction(SIGILL, &{ SIG_DFL }, NULL, 0); then an undefined instruction. */
	mov	x9, sp
	and	x9, x9, #-16
	sub	sp, x9, #32		/* struct sigaction, zeroed */
	stp	xzr, xzr, [sp]
	stp	xzr, xzr, [sp, #16]
	mov	x0, #4			/* SIGILL */
	mov	x1, sp
	mov	x2, #0
	mov	x3, #0
	mov	x8, #416		/* SYS_sigaction */
	svc	#0
1:	udf	#0
	b	1b
	.size	__sigtramp, . - __sigtramp
