/*
 * pid_t __rfork_thread(int flags, void *stack, int (*func)(void *), void *arg)
 *
 * FreeBSD's: rfork(flags) whose child runs func(arg) on `stack` and exits
 * with its return value.  With RFMEM the child shares the parent's memory,
 * stack included, so the child must not touch the parent's stack at all:
 * everything it needs stays in t0-t2 (the kernel gives the child the
 * parent's registers) until it is on its own stack.
 */
	.text
	.globl	__rfork_thread
	.type	__rfork_thread, @function
__rfork_thread:
	mv	t0, a1
	mv	t1, a2
	mv	t2, a3
	li	a7, 251			/* SYS_rfork */
	ecall
	bltz	a0, 2f
	bnez	a0, 1f
	mv	sp, t0			/* child */
	mv	a0, t2
	jalr	t1
	li	a7, 1			/* SYS_exit(func's return) */
	ecall
1:	ret				/* parent: the child's pid */
2:	tail	__vfork_error
	.size	__rfork_thread, . - __rfork_thread
