/*
 * _start: the entry of every x86-64 user program.
 *
 * Register contract (the kernel's cpu_set_user): %rsp points at argc, then
 * argv[0..argc-1], NULL; %rdi holds that same %rsp; every other register is
 * zero; %rsp is 16-byte aligned.  We clear %rbp (end of the frame chain)
 * and call __libc_start(long *sp) with %rsp 16-byte aligned at the call, as
 * the SysV ABI wants.  __libc_start never returns.
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp
	movq	%rsp, %rdi
	andq	$-16, %rsp
	call	__libc_start
	ud2
	.size	_start, . - _start
