/*
 * User program entry (riscv64, lp64d).
 *
 * The kernel enters _start with sp pointing at argc, then argv[0..argc-1]
 * and a NULL, and a0 holding that same sp (16-byte aligned).  _start ends
 * the frame-pointer chain and calls __libc_start(sp), which never returns;
 * if it did, the ebreak ends the process.
 */
	.text
	.balign	4
	.globl	_start
	.type	_start, @function
_start:
	mv	a0, sp
	andi	sp, sp, -16
	li	s0, 0
	li	ra, 0
	call	__libc_start
	ebreak
	.size	_start, . - _start
