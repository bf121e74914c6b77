/*
 * long __syscall6(long num, long a0, long a1, long a2, long a3, long a4, long a5)
 *
 * SysV passes num a0..a4 in rdi rsi rdx rcx r8 r9 and a5 at 8(%rsp); the
 * kernel wants the number in rax and the arguments in rdi rsi rdx r10 r8
 * r9 (syscall itself clobbers rcx and r11).  Returns the kernel's rax
 * unchanged: the result, or -errno on failure.
 */
	.text
	.globl	__syscall6
	.type	__syscall6, @function
__syscall6:
	movq	%rdi, %rax
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	movq	%rcx, %rdx
	movq	%r8, %r10
	movq	%r9, %r8
	movq	8(%rsp), %r9
	syscall
	ret
	.size	__syscall6, . - __syscall6
