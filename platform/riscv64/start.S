/*
 * Kernel entry from OpenSBI fw_jump (or fw_dynamic): S-mode, MMU off,
 * interrupts off, pc = KERNEL_PA (0x80200000), a0 = hart id, a1 = physical
 * address of the flattened device tree.
 *
 * The image is linked at KERNEL_VMA but runs here at its physical address,
 * so until the jump below only PC-relative addressing (lla) is used.  We
 * clear .bss, build boot_root, the Sv39 root table, with gigapage leaves:
 *   - identity for the gigapage holding the image (for the jump; removed
 *     by pmap_bootstrap),
 *   - the kernel window: root slot of KERNEL_VMA -> the same gigapage,
 *   - the direct map: DMAP_GIGS gigapages from pa 0 at DMAP_BASE (no X),
 * turn on satp, jump to the high address, install stvec, zero sscratch
 * (meaning "trap came from the kernel"), set sstatus.FS to Initial (the
 * kernel never uses FP, but cpu_switch saves the user's FP registers) and
 * call riscv_init(hartid, dtb_pa) on boot_stack.  riscv_init never returns.
 */
#include "machdep.h"

#define PTE_KERNEL_RWX	0xef	/* V R W X G A D */
#define PTE_KERNEL_RW	0xe7	/* V R W G A D */
#define BOOT_STACK_SIZE	16384

	.section .text.boot, "ax", @progbits
	.globl	_start
_start:
	csrw	sie, zero
	csrw	sscratch, zero
	mv	s0, a0
	mv	s1, a1

	/* Clear .bss (boot_root and boot_stack live there). */
	lla	t0, __bss_start
	lla	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	lla	s2, boot_root

	/* Identity gigapage and kernel window, both onto the image's gigapage. */
	lla	t0, _start
	srli	t0, t0, 30		/* gigapage number */
	slli	t1, t0, 28		/* PPN << 10 */
	ori	t1, t1, PTE_KERNEL_RWX
	slli	t2, t0, 3
	add	t2, s2, t2
	sd	t1, 0(t2)		/* boot_root[pa >> 30] */
	li	t2, ((KERNEL_VMA >> 30) & 511) * 8
	add	t2, s2, t2
	sd	t1, 0(t2)		/* boot_root[slot of KERNEL_VMA] */

	/* Direct map. */
	li	t0, 0			/* gigapage number */
	li	t1, DMAP_GIGS
	li	t2, DMAP_SLOT * 8
	add	t2, s2, t2
3:	slli	t3, t0, 28
	ori	t3, t3, PTE_KERNEL_RW
	sd	t3, 0(t2)
	addi	t0, t0, 1
	addi	t2, t2, 8
	bltu	t0, t1, 3b

	/* Paging on. */
	srli	t0, s2, 12
	li	t1, 8
	slli	t1, t1, 60
	or	t0, t0, t1
	sfence.vma
	csrw	satp, t0
	sfence.vma

	/* Jump to the linked (high) address of high_entry. */
	lla	t0, high_entry
	li	t1, KERNEL_VA_OFFSET
	add	t0, t0, t1
	jr	t0

high_entry:
	lla	t0, trap_entry
	csrw	stvec, t0
	li	t0, (1 << 13)		/* sstatus.FS = Initial */
	csrs	sstatus, t0
	li	t0, (1 << 18)		/* sstatus.SUM = 0: no user access */
	csrc	sstatus, t0
	lla	sp, boot_stack_top
	mv	a0, s0
	mv	a1, s1
	li	s0, 0			/* end of the frame-pointer chain */
	li	ra, 0
	call	riscv_init
4:	wfi
	j	4b

	.section .bss.boot, "aw", @nobits
	.balign	4096
	.globl	boot_root
boot_root:
	.space	4096
	.globl	boot_stack, boot_stack_top
boot_stack:
	.space	BOOT_STACK_SIZE
boot_stack_top:
