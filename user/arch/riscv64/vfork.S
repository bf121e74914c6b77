/*
 * pid_t vfork(void)
 *
 * The child borrows the parent's stack until it execs or exits, so nothing
 * may live there across the call: the return address stays in ra, which
 * the kernel restores for the parent from its own saved frame.  On failure
 * (a0 = -errno) tail-call __vfork_error, which sets errno and returns -1.
 */
	.text
	.globl vfork
	.type vfork, @function
vfork:
	li	a7, 66			/* SYS_vfork */
	ecall
	bltz	a0, 1f
	ret
1:	tail	__vfork_error
	.size vfork, . - vfork
