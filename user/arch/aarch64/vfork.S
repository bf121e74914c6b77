/*
 * pid_t vfork(void)
 *
 * The child borrows the parent's stack until it execs or exits, so nothing
 * may live there across the call: the return address stays in x30, which
 * the kernel restores for the parent from its own saved frame.  On failure
 * (x0 = -errno) tail-call __vfork_error, which sets errno and returns -1.
 */
	.text
	.balign	4
	.globl	vfork
	.type	vfork, %function
vfork:
	mov	x8, #66			/* SYS_vfork */
	svc	#0
	tbnz	x0, #63, 1f
	ret
1:	b	__vfork_error
	.size	vfork, . - vfork
