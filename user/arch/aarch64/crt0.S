/*
 * User program entry (aarch64, AAPCS64).
 *
 * The kernel enters _start with sp pointing at argc, then argv[0..argc-1]
 * and a NULL, and x0 holding that same sp (16-byte aligned).  _start ends
 * the frame-record chain and calls __libc_start(sp), which never returns;
 * if it did, the brk ends the process.
 */
	.text
	.balign	4
	.globl	_start
	.type	_start, %function
_start:
	mov	x0, sp
	and	x1, x0, #-16
	mov	sp, x1
	mov	x29, #0
	mov	x30, #0
	bl	__libc_start
	brk	#0
	.size	_start, . - _start
