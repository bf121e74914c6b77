/*
 * Kernel entry from OpenSBI fw_jump (or fw_dynamic): S-mode, MMU off,
 * interrupts off, pc = KERNEL_PA (0x80200000), a0 = hart id, a1 = physical
 * address of the flattened device tree.
 *
 * The image is linked at KERNEL_VMA but runs here at its physical address,
 * so until the jump below only PC-relative addressing (lla) is used.  We
 * clear .bss, build boot_root, a provisional Sv39 root table with
 * gigapage leaves:
 *   - identity for the gigapage holding the image (for the jump),
 *   - the kernel window: root slot of KERNEL_VMA -> the same gigapage,
 *   - the direct map: DMAP_MAX_GIGS gigapages from pa 0 at DMAP_BASE (no X),
 * turn on satp, jump to the high address, install stvec, zero sscratch
 * (meaning "trap came from the kernel"), set sstatus.FS to Initial (the
 * kernel never uses FP, but cpu_switch saves the user's FP registers) and
 * call riscv_init(hartid, dtb_pa) on boot_stack.  riscv_init never returns;
 * it points tp at the hart's struct cpu before anything needs curcpu().
 * boot_root maps the image read, write and execute in one piece: it lives
 * only until pmap_bootstrap() (before kmain) builds the kernel's real
 * tables, W^X and with a direct map as large as the device tree's memory.
 *
 * Secondary harts enter here too (hal_cpu_start: SBI HSM hart_start),
 * S-mode, MMU off, interrupts off, a0 = hart id.  They must: OpenSBI 1.1's
 * hart_start marks the hart START_PENDING before it stores the start
 * address and a1, and a secondary polling for that state (with an IPI
 * already pending, its wfi returns at once) can leave with the values the
 * firmware set at boot: pc = here, a1 = the device tree.  So every hart
 * comes to _start; the first to swap boot_lottery boots the kernel, and
 * the others go to ap_entry, ignore a1 and look their struct cpu up by
 * hart id in ap_boot[] (smp.c), where hal_cpu_start put it.
 *
 * By then the kernel's tables do not map the image at its physical
 * address, and putting that into the live kernel pmap would show it to
 * every CPU; so pmap_bootstrap() has rewritten boot_root for the
 * secondaries: the kernel's upper half (the same tables, so the same
 * rights) plus the identity gigapage, read and execute only, for the
 * jump.  A secondary turns paging on with it; once high, it sets the CSRs
 * as the boot hart does, tp = its struct cpu, sp = the top of its idle
 * lwp's kernel stack (ci_md[CPU_MD_KSTACK]) less the frame and FP area
 * (cpu_switch keeps the lwp's user state there, as for any lwp), and
 * calls riscv_hatch(ci), which leaves boot_root for the kernel pmap and
 * never returns.
 */
#include "machdep.h"

#define PTE_KERNEL_RWX	0xef	/* V R W X G A D */
#define PTE_KERNEL_RW	0xe7	/* V R W G A D */
#define BOOT_STACK_SIZE	16384

	/* Paging on with root table \root (a physical address); t0, t1. */
	.macro	SATP_ON root
	srli	t0, \root, 12
	li	t1, 8
	slli	t1, t1, 60		/* SATP_MODE_SV39 */
	or	t0, t0, t1
	sfence.vma
	csrw	satp, t0
	sfence.vma
	.endm

	/* Continue at the linked (high) address of \label. */
	.macro	JUMP_HIGH label
	lla	t0, \label
	li	t1, KERNEL_VA_OFFSET
	add	t0, t0, t1
	jr	t0
	.endm

	/* The kernel's trap vector and sstatus, on every hart. */
	.macro	KERNEL_CSRS
	lla	t0, trap_entry
	csrw	stvec, t0
	li	t0, (1 << 13)		/* sstatus.FS = Initial */
	csrs	sstatus, t0
	li	t0, (1 << 18)		/* sstatus.SUM = 0: no user access */
	csrc	sstatus, t0
	.endm

	.section .text.boot, "ax", @progbits
	.globl	_start
_start:
	lla	t0, boot_lottery
	li	t1, 1
	amoswap.w t1, t1, (t0)
	bnez	t1, ap_entry
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
	li	t1, DMAP_MAX_GIGS
	li	t2, DMAP_SLOT * 8
	add	t2, s2, t2
3:	slli	t3, t0, 28
	ori	t3, t3, PTE_KERNEL_RW
	sd	t3, 0(t2)
	addi	t0, t0, 1
	addi	t2, t2, 8
	bltu	t0, t1, 3b

	SATP_ON	s2
	JUMP_HIGH high_entry

high_entry:
	KERNEL_CSRS
	lla	sp, boot_stack_top
	mv	a0, s0
	mv	a1, s1
	li	s0, 0			/* end of the frame-pointer chain */
	li	ra, 0
	call	riscv_init
4:	wfi
	j	4b

ap_entry:
	csrw	sie, zero
	csrw	sscratch, zero
	fence				/* see ap_boot[] as hal_cpu_start left it */
	lla	t0, ap_boot
	li	t1, AP_BOOT_SLOTS
1:	ld	s1, AP_BOOT_CI(t0)
	beqz	s1, 2f
	ld	t2, AP_BOOT_HWID(t0)
	beq	t2, a0, 3f
2:	addi	t0, t0, AP_BOOT_SIZE
	addi	t1, t1, -1
	bnez	t1, 1b
	/* A hart nobody started: it has no struct cpu to run on. */
5:	wfi
	j	5b

3:	lla	t2, boot_root
	SATP_ON	t2
	JUMP_HIGH ap_high

ap_high:
	KERNEL_CSRS
	mv	tp, s1
	ld	sp, CI_KSTACK(tp)
	addi	sp, sp, -(TF_SIZE + FPS_SIZE)
	mv	a0, tp
	li	s0, 0
	li	ra, 0
	call	riscv_hatch
	unimp

	/* In .data: the winner clears .bss after it has won. */
	.data
	.balign	4
boot_lottery:
	.word	0

	.section .bss.boot, "aw", @nobits
	.balign	4096
	.globl	boot_root
boot_root:
	.space	4096
	/*
	 * The boot stack's guard: a page of its own under the stack, which
	 * boot_root maps with the rest of the image but pmap_bootstrap()
	 * leaves out of the kernel's tables, so that lwp0 overflowing its
	 * stack faults there instead of writing over boot_root.
	 */
	.globl	boot_stack_guard, boot_stack, boot_stack_top
boot_stack_guard:
	.space	4096
boot_stack:
	.space	BOOT_STACK_SIZE
boot_stack_top:
