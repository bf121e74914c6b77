/*
 * Kernel entry.  QEMU's -kernel starts an ELF image on the boot CPU at
 * its physical entry, MMU off, at EL1 (EL2 under virtualization=on, which
 * we leave for EL1 at once), with the device tree at the start of RAM
 * (RAM_BASE; QEMU passes nothing in x0 for a non-Linux image, but we keep
 * x0 in case a loader does).  The secondaries sleep until PSCI CPU_ON
 * starts them at ap_entry, MMU off, x0 = their struct cpu (a kernel VA).
 *
 * The image is linked at KERNEL_VMA and runs at its physical address
 * until the jump below, so only PC-relative addressing (adr, adrp) is
 * used before it.  The boot CPU clears .bss and draws provisional tables
 * with 1 GiB blocks: TTBR0 maps the gigabyte holding the image onto
 * itself (for the jump), TTBR1 maps it at KERNEL_VMA's gigabyte and puts
 * the direct map over the first 512 GiB of physical space (the first
 * gigabyte, the virt board's MMIO, as Device memory).  Everything is EL1
 * read-write-execute for now: pmap_bootstrap() replaces TTBR1's tables
 * with W^X ones sized from the device tree before kmain().  boot_l0_lo
 * stays the secondaries' identity map; they load the real kernel root
 * (ap_ttbr1) straight away.
 *
 * Each CPU: MAIR attr 0 normal write-back, attr 1 Device-nGnRE; TCR 48-bit
 * halves, 4 KiB granule, IPS from ID_AA64MMFR0 (at most 48 bits), 16-bit
 * ASIDs where the CPU has them; FP/SIMD on at EL0 and EL1 (the kernel is
 * built -mgeneral-regs-only; cpu_switch saves the user's registers);
 * SCTLR: MMU and caches on, SP alignment checked, EL0 may read CTR and use
 * DC ZVA; SPAN clear so that every exception into EL1 sets PSTATE.PAN
 * (where the CPU has PAN: the kernel never touches user addresses, as
 * copyin goes through the direct map).
 */
#include "machdep.h"

#define BLOCK_NORMAL	(0x1 | (0 << 2) | (3 << 8) | (1 << 10))	/* valid block, attr 0, inner shareable, AF */
#define BLOCK_DEVICE	(0x1 | (1 << 2) | (1 << 10))
#define BLOCK_XN	(3 << 53)
#define TABLE_DESC	0x3
#define TCR_BASE	(16 | (1 << 8) | (1 << 10) | (3 << 12) | (16 << 16) | \
			 (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30))
#define SCTLR_VALUE	((1 << 0) | (1 << 2) | (1 << 3) | (1 << 11) | (1 << 12) | \
			 (1 << 14) | (1 << 15) | (1 << 20) | (1 << 22) | (1 << 26) | \
			 (1 << 28) | (1 << 29))
#define BOOT_STACK_SIZE	16384
#define MAIR_VALUE	0x04ff		/* as aarch64.h */

	/* From EL2 (if there) to EL1h, interrupts masked, EL1 timers usable. */
	.macro	TO_EL1
	mrs	x9, CurrentEL
	cmp	x9, #(2 << 2)
	b.ne	1f
	mov	x9, #(1 << 31)			/* HCR_EL2.RW: EL1 is AArch64 */
	msr	hcr_el2, x9
	mov	x9, #3				/* CNTHCTL_EL2: EL1 counter and timer access */
	msr	cnthctl_el2, x9
	msr	cntvoff_el2, xzr
	mov	x9, #0x3c5			/* EL1h, DAIF masked */
	msr	spsr_el2, x9
	adr	x9, 1f
	msr	elr_el2, x9
	eret
1:	msr	daifset, #0xf
	.endm

	/* Translation on with TTBR0 = boot_l0_lo, TTBR1 = \ttbr1; x9-x11. */
	.macro	MMU_ON ttbr1
	ldr	x9, =MAIR_VALUE
	msr	mair_el1, x9
	mrs	x10, id_aa64mmfr0_el1
	and	x11, x10, #0xf			/* PARange */
	cmp	x11, #5
	b.ls	2f
	mov	x11, #5				/* 48 bits: no LPA2 here */
2:	ldr	x9, =TCR_BASE
	orr	x9, x9, x11, lsl #32
	ubfx	x11, x10, #4, #4		/* ASIDBits */
	cmp	x11, #2
	b.ne	3f
	orr	x9, x9, #(1 << 36)
3:	msr	tcr_el1, x9
	adrp	x9, boot_l0_lo
	msr	ttbr0_el1, x9
	msr	ttbr1_el1, \ttbr1
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	mov	x9, #(3 << 20)			/* CPACR_EL1.FPEN: no FP/SIMD traps */
	msr	cpacr_el1, x9
	msr	cntkctl_el1, xzr		/* EL0 reads no counter: time is a system call */
	ldr	x9, =SCTLR_VALUE
	mrs	x10, id_aa64mmfr1_el1
	ubfx	x10, x10, #20, #4		/* PAN */
	cbnz	x10, 4f
	orr	x9, x9, #(1 << 23)		/* SPAN is RES1 without PAN */
4:	msr	sctlr_el1, x9
	isb
	cbz	x10, 5f
	.inst	0xd500419f			/* msr pan, #1 */
5:
	.endm

	.section .text.boot, "ax", %progbits
	.globl	_start
_start:
	TO_EL1
	mov	x19, x0

	adrp	x9, __bss_start
	add	x9, x9, :lo12:__bss_start
	adrp	x10, __bss_end
	add	x10, x10, :lo12:__bss_end
1:	cmp	x9, x10
	b.hs	2f
	stp	xzr, xzr, [x9], #16
	b	1b
2:
	adr	x20, _start
	lsr	x20, x20, #30
	lsl	x20, x20, #30			/* the image's gigabyte */

	/* TTBR0: identity for that gigabyte. */
	adrp	x0, boot_l0_lo
	adrp	x1, boot_l1_lo
	orr	x2, x1, #TABLE_DESC
	str	x2, [x0]
	lsr	x3, x20, #30
	ldr	x2, =BLOCK_NORMAL
	orr	x2, x2, x20
	str	x2, [x1, x3, lsl #3]

	/* TTBR1 slot 511: the image's gigabyte at KERNEL_VMA's. */
	adrp	x0, boot_l0_hi
	adrp	x1, boot_l1_kern
	orr	x3, x1, #TABLE_DESC
	str	x3, [x0, #(511 * 8)]
	mov	x3, #((KERNEL_VMA >> 30) & 511)
	str	x2, [x1, x3, lsl #3]

	/* TTBR1 slot 0: the direct map, no execution. */
	adrp	x1, boot_l1_dmap
	orr	x3, x1, #TABLE_DESC
	str	x3, [x0]
	ldr	x2, =(BLOCK_DEVICE | BLOCK_XN)
	str	x2, [x1]
	ldr	x2, =(BLOCK_NORMAL | BLOCK_XN)
	mov	x3, #1
3:	orr	x4, x2, x3, lsl #30
	str	x4, [x1, x3, lsl #3]
	add	x3, x3, #1
	cmp	x3, #512
	b.lo	3b

	dsb	ish
	MMU_ON	x0
	ldr	x9, =high_entry
	br	x9

high_entry:
	ldr	x9, =exception_vectors
	msr	vbar_el1, x9
	isb
	ldr	x9, =boot_stack_top
	mov	sp, x9
	mov	x29, #0
	mov	x30, #0
	mov	x0, x19
	bl	aarch64_init
6:	wfi
	b	6b

	.globl	ap_entry
ap_entry:
	TO_EL1
	mov	x19, x0
	adrp	x1, ap_ttbr1
	ldr	x1, [x1, :lo12:ap_ttbr1]
	MMU_ON	x1
	ldr	x9, =ap_high
	br	x9

ap_high:
	ldr	x9, =exception_vectors
	msr	vbar_el1, x9
	isb
	msr	tpidr_el1, x19
	ldr	x9, [x19, #CI_KSTACK]
	sub	x9, x9, #(TF_SIZE + FPS_SIZE)
	mov	sp, x9
	mov	x29, #0
	mov	x30, #0
	mov	x0, x19
	bl	aarch64_hatch
7:	wfi
	b	7b
	.ltorg

	.data
	.balign	8
	.globl	ap_ttbr1
ap_ttbr1:
	.quad	0

	.section .bss.boot, "aw", %nobits
	.balign	4096
	.globl	boot_l0_lo
boot_l0_lo:
	.space	4096
boot_l1_lo:
	.space	4096
boot_l0_hi:
	.space	4096
boot_l1_kern:
	.space	4096
boot_l1_dmap:
	.space	4096
	/* The boot stack's guard, left out of the kernel's tables by pmap_bootstrap(). */
	.globl	boot_stack_guard, boot_stack, boot_stack_top
boot_stack_guard:
	.space	4096
boot_stack:
	.space	BOOT_STACK_SIZE
boot_stack_top:
