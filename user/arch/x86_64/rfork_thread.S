/*
 * pid_t __rfork_thread(int flags, void *stack, int (*func)(void *), void *arg)
 *
 * FreeBSD's: rfork(flags) whose child runs func(arg) on `stack` and exits
 * with its return value.  With RFMEM the child shares the parent's memory,
 * stack included, so the child must not touch the parent's stack at all:
 * what it needs stays in r8-r10, which the kernel preserves across
 * syscall (only rax, rcx and r11 change), until it is on its own stack.
 */
	.text
	.globl	__rfork_thread
	.type	__rfork_thread, @function
__rfork_thread:
	movq	%rsi, %r8
	movq	%rdx, %r9
	movq	%rcx, %r10
	movl	$251, %eax		/* SYS_rfork; flags already in %rdi */
	syscall
	testq	%rax, %rax
	js	2f
	jnz	1f
	movq	%r8, %rsp		/* child */
	andq	$-16, %rsp
	movq	%r10, %rdi
	call	*%r9
	movq	%rax, %rdi
	movl	$1, %eax		/* SYS_exit(func's return) */
	syscall
1:	ret				/* parent: the child's pid */
2:	movq	%rax, %rdi
	jmp	__vfork_error
	.size	__rfork_thread, . - __rfork_thread
