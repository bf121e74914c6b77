/*
 * pid_t __rfork_thread(int flags, void *stack, int (*func)(void *), void *arg)
 *
 * FreeBSD's: rfork(flags) whose child runs func(arg) on `stack` and exits
 * with its return value.  With RFMEM the child shares the parent's memory,
 * stack included, so the child must not touch the parent's stack at all:
 * everything it needs stays in x9-x11 (the kernel gives the child the
 * parent's registers) until it is on its own stack.
 */
	.text
	.balign	4
	.globl	__rfork_thread
	.type	__rfork_thread, %function
__rfork_thread:
	mov	x9, x1
	mov	x10, x2
	mov	x11, x3
	mov	x8, #251		/* SYS_rfork */
	svc	#0
	tbnz	x0, #63, 2f
	cbnz	x0, 1f
	mov	sp, x9			/* child */
	mov	x29, #0
	mov	x0, x11
	blr	x10
	mov	x8, #1			/* SYS_exit(func's return) */
	svc	#0
1:	ret				/* parent: the child's pid */
2:	b	__vfork_error
	.size	__rfork_thread, . - __rfork_thread
