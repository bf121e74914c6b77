/*
 * __sigtramp: where every signal handler returns (the kernel's sd_tramp;
 * libc passes it to sigaction).  The frame cpu_sendsig builds
 * (platform/x86_64/sigframe.c) has the return address at the handler's
 * entry rsp and the ucontext_t right above it, so after the handler's
 * `ret` the ucontext is at %rsp.  sigreturn(&ucontext) does not return
 * when it succeeds.
 *
 * If it fails (the handler corrupted its context), the process dies of
 * SIGILL: SIGILL goes back to SIG_DFL first, so that a SIGILL handler
 * cannot catch it and return here with the same bad context, over and
 * over; the mask at this point is the handler's, and a masked SIGILL
 * from a trap ends the process too.
 */
	.text
	.globl	__sigtramp
	.type	__sigtramp, @function
__sigtramp:
	movq	%rsp, %rdi		/* ucontext_t * */
	movl	$417, %eax		/* SYS_sigreturn */
	syscall
	/* sigaction(SIGILL, &{ SIG_DFL }, NULL, 0); then an invalid opcode. */
	andq	$-16, %rsp
	subq	$32, %rsp		/* struct sigaction, zeroed: SIG_DFL, no flags, empty mask */
	xorl	%eax, %eax
	movq	%rax, 0(%rsp)
	movq	%rax, 8(%rsp)
	movq	%rax, 16(%rsp)
	movq	%rax, 24(%rsp)
	movl	$4, %edi		/* SIGILL */
	movq	%rsp, %rsi
	xorl	%edx, %edx
	xorl	%r10d, %r10d
	movl	$416, %eax		/* SYS_sigaction */
	syscall
1:	ud2
	jmp	1b
	.size	__sigtramp, . - __sigtramp
