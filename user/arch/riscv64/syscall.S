/*
 * long __syscall6(long num, long a0, long a1, long a2, long a3, long a4,
 *     long a5)
 *
 * The kernel ABI: ecall with a7 = num and the arguments in a0-a5; the raw
 * result comes back in a0 (negative errno on failure).  All other
 * registers are preserved by the kernel.
 */
	.text
	.balign	4
	.globl	__syscall6
	.type	__syscall6, @function
__syscall6:
	mv	a7, a0
	mv	a0, a1
	mv	a1, a2
	mv	a2, a3
	mv	a3, a4
	mv	a4, a5
	mv	a5, a6
	ecall
	ret
	.size	__syscall6, . - __syscall6
