/*
 * Platform start-up after start.S, and the small HAL services: memory
 * ranges, command line, power-off, interrupt masking, idle, backtrace.
 */
#include "kernel.h"
#include "hal.h"
#include "pmap.h"
#include "proc.h"
#include "trap.h"

#include "machdep.h"
#include "riscv.h"

const char hal_arch_name[] = "riscv64";
const uint16_t hal_elf_machine = 243;	/* EM_RISCV */
uintptr_t hal_dmap_base = DMAP_BASE;

#define SIFIVE_TEST_FAIL	0x3333
#define SIFIVE_TEST_PASS	0x5555

#define NFREE	32
static struct mem_range free_ranges[NFREE];
static unsigned nfree;
static char cmdline[1024];

/* Take [base, base + len) out of free_ranges, splitting where needed. */
static void
mem_exclude(paddr_t base, paddr_t len)
{
	paddr_t s = trunc_page(base), e = round_page(base + len);
	unsigned i;

	for (i = 0; i < nfree; i++) {
		struct mem_range *r = &free_ranges[i];
		paddr_t rs = r->base, re = r->base + r->len;

		if (e <= rs || s >= re)
			continue;
		if (s > rs && e < re) {
			if (nfree == NFREE)
				panic("riscv64: too many memory holes");
			free_ranges[nfree].base = e;
			free_ranges[nfree].len = re - e;
			nfree++;
			r->len = s - rs;
		} else if (s > rs) {
			r->len = s - rs;
		} else if (e < re) {
			r->base = e;
			r->len = re - e;
		} else {
			r->len = 0;
		}
	}
}

/*
 * The free physical memory: the device tree's RAM (what the direct map
 * covers of it), minus the memory reservation block, /reserved-memory
 * (OpenSBI's own region), everything below the end of the kernel image in
 * the gigapage it is loaded in (the firmware, the image with its .bss,
 * boot_root and boot_stack) and the device tree blob.
 */
static void
mem_init(const struct fdt_info *fi)
{
	paddr_t dmap_end = (paddr_t)DMAP_GIGS * SV39_GIGAPAGE;
	paddr_t kend = (paddr_t)_kernel_end - KERNEL_VA_OFFSET;
	unsigned i;

	for (i = 0; i < fi->nmem && nfree < NFREE; i++) {
		paddr_t s = round_page(fi->mem[i].base);
		paddr_t e = trunc_page(fi->mem[i].base + fi->mem[i].len);

		if (e > dmap_end)
			e = dmap_end;
		if (s >= e)
			continue;
		free_ranges[nfree].base = s;
		free_ranges[nfree].len = e - s;
		nfree++;
	}
	for (i = 0; i < fi->nresv; i++)
		mem_exclude(fi->resv[i].base, fi->resv[i].len);
	mem_exclude(KERNEL_PA & ~(SV39_GIGAPAGE - 1),
	    kend - (KERNEL_PA & ~(SV39_GIGAPAGE - 1)));
	mem_exclude(fi->dtb_pa, fi->dtb_size);
}

/*
 * C entry from start.S: MMU on, running high, on boot_stack.  The boot
 * hart's struct cpu comes first, before anything can take a spinlock
 * (printf does; spinlocks ask curcpu()); the other harts the device tree
 * lists are attached once it has been read, and started by smp_boot().
 */
__noreturn void riscv_init(uint64_t hartid, paddr_t dtb_pa);

__noreturn void
riscv_init(uint64_t hartid, paddr_t dtb_pa)
{
	struct fdt_info fi;
	unsigned i;

	w_tp((uintptr_t)cpu_attach(hartid));
	s_sie(SIE_SSIE);
	console_init();
	pmap_bootstrap();
	if (fdt_parse(dtb_pa, &fi) != 0)
		panic("riscv64: no device tree at %#lx", (unsigned long)dtb_pa);
	for (i = 0; i < fi.nharts; i++)
		if (fi.harts[i] != hartid)
			cpu_attach(fi.harts[i]);
	timer_init(fi.timebase_hz);
	if (fi.bootargs != NULL)
		strlcpy(cmdline, fi.bootargs, sizeof(cmdline));
	mem_init(&fi);
	kmain();
}

void
hal_mem_foreach(void (*fn)(paddr_t base, size_t len))
{
	unsigned i;

	for (i = 0; i < nfree; i++)
		if (free_ranges[i].len != 0)
			fn(free_ranges[i].base, free_ranges[i].len);
}

const char *
hal_cmdline(void)
{
	return (cmdline);
}

/*
 * The sifive_test finisher makes QEMU exit: PASS exits 0, FAIL with the
 * status in bits 31:16 exits with that status.
 */
__noreturn void
hal_poweroff(int status)
{
	volatile uint32_t *test = phys_to_kva(VIRT_TEST_PA);

	status &= 0xff;
	*test = status == 0 ? SIFIVE_TEST_PASS :
	    ((uint32_t)status << 16) | SIFIVE_TEST_FAIL;
	for (;;)
		wfi();
}

/*
 * wfi wakes on a pending enabled interrupt even with sstatus.SIE clear, so
 * waiting with interrupts off and then opening a window cannot lose a
 * wake-up between the check and the wait.  Every hart enables the timer
 * and the software interrupt in sie (the IPI: hal_ipi_send), so another
 * CPU can wake this one.
 */
void
hal_idle(void)
{
	wfi();
	s_sstatus(SSTATUS_SIE);
	c_sstatus(SSTATUS_SIE);
}

/*
 * Walk the s0 chain (the kernel keeps frame pointers): the return address
 * is at fp - 8 and the caller's fp at fp - 16.  Stay inside the stack the
 * walk started on: curlwp's kernel stack or the boot stack.
 */
void
hal_backtrace(void)
{
	uintptr_t fp = r_fp(), lo, hi;
	int n;

	lo = (uintptr_t)boot_stack;
	hi = (uintptr_t)boot_stack_top;
	if (curlwp != NULL && curlwp->l_md.md_kstack != 0 &&
	    fp > curlwp->l_md.md_kstack &&
	    fp <= curlwp->l_md.md_kstack + KSTACK_SIZE) {
		lo = curlwp->l_md.md_kstack;
		hi = lo + KSTACK_SIZE;
	}
	printf("backtrace:\n");
	for (n = 0; n < 32 && fp >= lo + 16 && fp <= hi && (fp & 7) == 0; n++) {
		uintptr_t ra = ((uintptr_t *)fp)[-1];
		uintptr_t prev = ((uintptr_t *)fp)[-2];

		if (ra == 0)
			break;
		printf("  %#lx\n", (unsigned long)ra);
		if (prev <= fp)
			break;
		fp = prev;
	}
}
