/*
 * PVH entry and the switch to long mode.
 *
 * Register contract: QEMU (-kernel with the PVH note below) enters
 * _start32 at its physical address in 32-bit protected mode, paging off,
 * flat segments, %ebx = physical address of struct hvm_start_info, no
 * stack.  We zero .bss, build the boot page tables, enable PAE + long mode
 * (+ NX when the CPU has it) + paging, far-jump to 64-bit code, jump to the
 * linked (upper-half) address, set the boot stack and call
 * x86_start(start_info_pa) in machdep.c, which never returns.
 *
 * Boot page tables (all in .bss, 2 MiB pages, supervisor-only, RWX):
 *	PML4[0]   -> boot_pdpt_low[0]      -> boot_pd: identity [0, 1 GiB),
 *	             only for the jump (mp.c's bring-up PML4 for the
 *	             secondary CPUs points at boot_pdpt_low too)
 *	PML4[256] -> boot_pdpt_dmap[0..3]  -> boot_pd: the direct map,
 *	             DMAP_BASE + [0, 4 GiB) (RAM, LAPIC and IOAPIC MMIO;
 *	             [3.5 GiB, 4 GiB) uncached: no PC machine puts RAM there)
 *	PML4[511] -> boot_pdpt_kern[510]   -> boot_pd: KERNBASE + [0, 1 GiB),
 *	             the kernel image window
 * They last only until x86_start() has read the PVH memory map: kpmap.c
 * then draws the kernel's own tables (W^X, all of RAM) and switches to
 * them.  No C frame layout is shared with this file.
 */
#include "x86.h"

#define V2P(x)	((x) - KERNBASE)
#define PDE_2M	(PG_P | PG_RW | PG_PS)
#define PTP	(PG_P | PG_RW)
#define MMIO_PDE	(DMAP_BOOT_RAM_END >> PDRSHIFT)	/* IOAPIC, LAPIC up to 4 GiB */

	/* PVH: XEN_ELFNOTE_PHYS32_ENTRY (18), desc = physical entry */
	.section .note.Xen, "a", @note
	.p2align 2
	.long	4		/* namesz */
	.long	8		/* descsz */
	.long	18		/* type */
	.asciz	"Xen"
	.quad	V2P(_start32)

	.section .text.boot, "ax", @progbits
	.code32
	.globl	_start32
_start32:
	cli
	cld
	movl	%ebx, %esi			/* keep hvm_start_info */

	movl	$V2P(__bss_start), %edi
	movl	$V2P(__bss_end), %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb

	/* boot_pd: 2048 entries of 2 MiB covering [0, 4 GiB) */
	movl	$V2P(boot_pd), %edi
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$PDRSHIFT, %eax
	orl	$PDE_2M, %eax
	cmpl	$MMIO_PDE, %ecx
	jb	3f
	orl	$(PG_PCD | PG_PWT), %eax	/* [3.5 GiB, 4 GiB): MMIO, uncached */
3:	movl	%eax, (%edi,%ecx,8)
	movl	$0, 4(%edi,%ecx,8)
	incl	%ecx
	cmpl	$2048, %ecx
	jb	1b

	movl	$(V2P(boot_pd) + PTP), V2P(boot_pdpt_low)
	movl	$(V2P(boot_pd) + PTP), V2P(boot_pdpt_kern) + 510 * 8
	movl	$(V2P(boot_pd) + 0x0000 + PTP), V2P(boot_pdpt_dmap) + 0 * 8
	movl	$(V2P(boot_pd) + 0x1000 + PTP), V2P(boot_pdpt_dmap) + 1 * 8
	movl	$(V2P(boot_pd) + 0x2000 + PTP), V2P(boot_pdpt_dmap) + 2 * 8
	movl	$(V2P(boot_pd) + 0x3000 + PTP), V2P(boot_pdpt_dmap) + 3 * 8
	movl	$(V2P(boot_pdpt_low) + PTP), V2P(boot_pml4)
	movl	$(V2P(boot_pdpt_dmap) + PTP), V2P(boot_pml4) + 256 * 8
	movl	$(V2P(boot_pdpt_kern) + PTP), V2P(boot_pml4) + 511 * 8

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$V2P(boot_pml4), %eax
	movl	%eax, %cr3

	/* EFER: long mode, and no-execute if CPUID says the CPU has it */
	movl	$0x80000001, %eax
	cpuid
	movl	%edx, %edi
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	testl	$CPUID_EDX_80000001_NX, %edi
	jz	2f
	orl	$EFER_NXE, %eax
2:	wrmsr

	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP | CR0_PE), %eax
	movl	%eax, %cr0

	lgdt	V2P(boot_gdtr)
	ljmp	$GSEL_KCODE, $V2P(start64)

	.code64
start64:
	movabsq	$start64_high, %rax
	jmpq	*%rax
start64_high:
	movw	$GSEL_KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorl	%eax, %eax
	movw	%ax, %fs
	movw	%ax, %gs
	leaq	boot_stack_top(%rip), %rsp
	xorl	%ebp, %ebp
	movl	%esi, %edi
	call	x86_start
	ud2

	/* Boot GDT: the same selectors gdt.c installs for good. */
	.data
	.p2align 3
boot_gdt:
	.quad	0
	.quad	0x00209a0000000000	/* GSEL_KCODE: present, DPL 0, code, L */
	.quad	0x0000920000000000	/* GSEL_KDATA: present, DPL 0, data, W */
boot_gdt_end:
	.p2align 3
boot_gdtr:
	.word	boot_gdt_end - boot_gdt - 1
	.long	V2P(boot_gdt)

	.bss
	.p2align 12
	.globl	boot_pml4, boot_pdpt_low, boot_stack_guard, boot_stack, boot_stack_top
boot_pml4:
	.space	4096
boot_pdpt_low:
	.space	4096
boot_pdpt_dmap:
	.space	4096
boot_pdpt_kern:
	.space	4096
boot_pd:
	.space	4 * 4096
	/*
	 * The boot stack's guard: a page of its own under the stack, which
	 * these tables map like the rest of .bss but kpmap.c leaves unmapped,
	 * so that lwp0 overflowing its stack faults there instead of writing
	 * over boot_pd.  Page-aligned: the tables above are whole pages.
	 */
boot_stack_guard:
	.space	4096
boot_stack:
	.space	KSTACK_SIZE_BOOT
boot_stack_top:
