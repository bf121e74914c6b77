/*
 * The secondary CPUs' way in: real mode to long mode, then the kernel.
 *
 * mp.c copies [mp_tramp, mp_tramp_end) to physical MP_TRAMPOLINE (a page
 * below 1 MiB, which a STARTUP IPI names by its page number), fills in
 * the argument block at mp_tramp_args (struct mp_args in mp.c: the same
 * words in the same order) and sends INIT, STARTUP, STARTUP.  The CPU
 * starts here in real mode, CS:IP = (MP_TRAMPOLINE >> 4):0, interrupts
 * off.  The code runs only from that copy: every address in it is
 * MP_TRAMPOLINE plus an offset into the page (TADDR), or, in real mode, an
 * offset from CS.
 *
 * 16-bit: load the trampoline's GDT, set CR0.PE, far-jump to 32-bit code.
 * 32-bit: flat data segments, CR4.PAE, CR3 = args.cr3 (mp.c's bring-up
 *	PML4, below 4 GiB: the boot identity map of low memory, holding this
 *	page, and the kernel's upper half), EFER = args.efer (the boot CPU's
 *	LME, NXE, SCE), CR0.PG|WP, far-jump to 64-bit code.
 * 64-bit: rsp = args.stack, call args.entry(args.cpu, args.stack) in the
 *	upper half (x86_ap_start in mp.c), which never returns.
 */
#include "x86.h"

#define TADDR(x)	(MP_TRAMPOLINE + ((x) - mp_tramp))
#define TSEL_CODE64	0x08	/* = GSEL_KCODE: CS means the same in both */
#define TSEL_DATA	0x10
#define TSEL_CODE32	0x18

	/* Copied, never run in place: it is data to the kernel image. */
	.section .rodata
	.p2align 3
	.globl	mp_tramp, mp_tramp_args, mp_tramp_end
	.code16
mp_tramp:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	tramp_gdtr - mp_tramp
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$TSEL_CODE32, $TADDR(tramp32)

	.code32
tramp32:
	movw	$TSEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	TADDR(args_cr3), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	movl	TADDR(args_efer), %eax
	xorl	%edx, %edx
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0
	ljmpl	$TSEL_CODE64, $TADDR(tramp64)

	.code64
tramp64:
	movq	TADDR(args_stack), %rsp
	movq	TADDR(args_cpu), %rdi
	movq	%rsp, %rsi
	xorl	%ebp, %ebp
	callq	*TADDR(args_entry)
	ud2

	.p2align 3
tramp_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* TSEL_CODE64: P, DPL 0, code, L */
	.quad	0x00cf92000000ffff	/* TSEL_DATA: P, DPL 0, data, W, 4 GiB */
	.quad	0x00cf9a000000ffff	/* TSEL_CODE32: P, DPL 0, code, D, 4 GiB */
tramp_gdt_end:
tramp_gdtr:
	.word	tramp_gdt_end - tramp_gdt - 1
	.long	TADDR(tramp_gdt)

	.p2align 3
mp_tramp_args:
args_cr3:
	.long	0
args_efer:
	.long	0
args_entry:
	.quad	0
args_stack:
	.quad	0
args_cpu:
	.quad	0
mp_tramp_end:
