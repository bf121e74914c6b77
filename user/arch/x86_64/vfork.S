/*
 * pid_t vfork(void)
 *
 * The child borrows the parent's stack until it execs or exits, so the
 * return address is popped into %rsi (preserved by the kernel for each
 * side from its own saved frame) and pushed back after the call; whatever
 * the child does to the stack, the parent returns through its own %rsi.
 * On failure (%rax = -errno) tail-jump to __vfork_error (sets errno, -1).
 */
	.text
	.globl vfork
	.type vfork, @function
vfork:
	popq	%rsi
	movl	$66, %eax		/* SYS_vfork */
	syscall
	pushq	%rsi
	testq	%rax, %rax
	js	1f
	ret
1:	movq	%rax, %rdi
	jmp	__vfork_error
	.size vfork, . - vfork
