/*
 * Platform start-up after start.S, and the small HAL services: command
 * line, power-off, interrupt masking, idle.
 */
#include "kernel.h"
#include "elf.h"
#include "hal.h"
#include "physmem.h"
#include "pmap.h"
#include "proc.h"
#include "trap.h"

#include "fdt.h"
#include "machdep.h"
#include "riscv.h"

const char hal_arch_name[] = "riscv64";
const uint16_t hal_elf_machine = EM_RISCV;
uintptr_t hal_dmap_base = DMAP_BASE;

#define SIFIVE_TEST_FAIL	0x3333
#define SIFIVE_TEST_PASS	0x5555

static char cmdline[HAL_CMDLINE_MAX];

/*
 * What of RAM physmem must not hand out beyond the device tree's own
 * holes: everything below the end of the kernel image in the gigapage it
 * is loaded in (the firmware, the image with its .bss and boot_stack).
 * The direct map is built in gigapages, at most DMAP_MAX_GIGS of them.
 */
static paddr_t
mem_init(const struct fdt_info *fi)
{
	paddr_t kend = (paddr_t)_kernel_end - KERNEL_VA_OFFSET;
	paddr_t kgiga = KERNEL_PA & ~(SV39_GIGAPAGE - 1);

	return (fdt_physmem(fi, kgiga, kend, SV39_GIGAPAGE,
	    (paddr_t)DMAP_MAX_GIGS * SV39_GIGAPAGE));
}

/*
 * Entropy: the device tree's seed (fdt_seed_read).  No seed CSR (Zkr):
 * S-mode may read it only where M-mode set mseccfg.SSEED, which the
 * kernel cannot see; OpenSBI 1.1 (Debian's, which the tools boot) never
 * sets it, and QEMU 7.2's CPUs lack Zkr, so trying it would be an
 * illegal-instruction trap.
 */
size_t
hal_entropy(void *buf, size_t len)
{
	uint8_t *b = buf;
	size_t n = fdt_seed_read(buf, len), i;

	/* The rest of buf: counter bits, worth nothing, not counted. */
	for (i = n; i < len; i++)
		b[i] = (uint8_t)((r_cycle() >> (8 * (i & 3))) ^ r_time());
	return (n);
}

/* A CPU the device tree lists: its struct cpu and exception stack. */
static struct cpu *
riscv_cpu_attach(uint64_t hartid)
{
	struct cpu *ci;

	if ((ci = cpu_attach(hartid)) != NULL)
		trap_cpu_init(ci);
	return (ci);
}

/*
 * C entry from start.S: MMU on (boot_root), running high, on boot_stack.
 * The boot hart's struct cpu comes first, before anything can take a
 * spinlock (printf does; spinlocks ask curcpu()); the other harts the
 * device tree lists are attached once it has been read, and started by
 * smp_boot().  The device tree is read through start.S's direct map; the
 * kernel's own tables, sized from it, replace boot_root before kmain().
 */
__noreturn void riscv_init(uint64_t hartid, paddr_t dtb_pa);

__noreturn void
riscv_init(uint64_t hartid, paddr_t dtb_pa)
{
	struct fdt_info fi;
	struct cpu *ci;
	unsigned i;

	ci = cpu_attach(hartid);
	w_tp((uintptr_t)ci);
	trap_cpu_init(ci);
	s_sie(SIE_SSIE);
	console_init();
	if (fdt_parse(dtb_pa, &fi) != 0)
		panic("riscv64: no device tree at %#lx", (unsigned long)dtb_pa);
	for (i = 0; i < fi.ncpus; i++)
		if (fi.cpus[i] != hartid)
			(void)riscv_cpu_attach(fi.cpus[i]);
	timer_init(fi.timebase_hz);
	if (fi.bootargs != NULL)
		strlcpy(cmdline, fi.bootargs, sizeof(cmdline));
	fdt_seed_take(&fi);
	pmap_bootstrap(mem_init(&fi));
	kmain();
}

/* sstatus.SUM is clear (start.S) and nothing sets it: the base privileged spec. */
bool
hal_user_access_faults(void)
{
	return (true);
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
