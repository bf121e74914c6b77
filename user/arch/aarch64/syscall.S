/*
 * long __syscall6(long num, long a0, long a1, long a2, long a3, long a4,
 *     long a5)
 *
 * The kernel ABI: svc #0 with x8 = num and the arguments in x0-x5; the
 * raw result comes back in x0 (negative errno on failure).  All other
 * registers are preserved by the kernel.
 */
	.text
	.balign	4
	.globl	__syscall6
	.type	__syscall6, %function
__syscall6:
	mov	x8, x0
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	mov	x3, x4
	mov	x4, x5
	mov	x5, x6
	svc	#0
	ret
	.size	__syscall6, . - __syscall6
