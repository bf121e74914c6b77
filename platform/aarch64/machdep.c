/*
 * Platform start-up after start.S, and the small HAL services: command
 * line, entropy, power-off, idle.
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
#include "aarch64.h"

const char hal_arch_name[] = "aarch64";
const uint16_t hal_elf_machine = EM_AARCH64;
uintptr_t hal_dmap_base = DMAP_BASE;

#define FDT_MAGIC_LE		0xedfe0dd0	/* 0xd00dfeed read little-endian */
#define SEMIHOST_SYS_EXIT	0x18
#define ADP_STOPPED_APP_EXIT	0x20026

static char cmdline[HAL_CMDLINE_MAX];

/*
 * What of RAM physmem must not hand out beyond the device tree's own
 * holes: the start of RAM up to the end of the image (QEMU's device tree
 * lies below the image).  The direct map is built in gigabytes, at most
 * DMAP_MAX_GIGS of them.
 */
static paddr_t
mem_init(const struct fdt_info *fi)
{
	paddr_t kend = (paddr_t)_kernel_end - KERNEL_VA_OFFSET;

	return (fdt_physmem(fi, RAM_BASE, kend, L1_SIZE, (paddr_t)DMAP_MAX_GIGS * L1_SIZE));
}

/*
 * Entropy: RNDR where ID_AA64ISAR0 says the CPU has it (QEMU's -cpu max
 * does), else the device tree's /chosen/rng-seed (fdt_seed_read), else
 * nothing trusted: the counter bits fill the buffer and the core mixes
 * in jitter.
 */
static bool
rndr(uint64_t *v)
{
	uint64_t ok;

	__asm__ volatile("mrs %0, s3_3_c2_c4_0; cset %1, ne" : "=r"(*v), "=r"(ok) : : "cc");
	return (ok != 0);
}

size_t
hal_entropy(void *buf, size_t len)
{
	uint8_t *b = buf;
	size_t n = 0, i;
	uint64_t v;

	if (ID_ISAR0_RNDR(r_id_aa64isar0_el1()) >= 1) {
		while (n < len) {
			int tries;

			for (tries = 0; tries < 10 && !rndr(&v); tries++)
				;
			if (tries == 10)
				break;
			for (i = 0; i < 8 && n < len; i++, v >>= 8)
				b[n++] = (uint8_t)v;
		}
		if (n == len)
			return (n);
	}
	n += fdt_seed_read(b + n, len - n);
	for (i = n; i < len; i++)
		b[i] = (uint8_t)(r_cntvct_el0() >> (8 * (i & 3)));
	return (n);
}

static struct cpu *
aarch64_cpu_attach(uint64_t mpidr)
{
	struct cpu *ci;

	if ((ci = cpu_attach(mpidr)) != NULL)
		trap_cpu_init(ci);
	return (ci);
}

/* The device tree: where the boot loader said (x0), else QEMU's place for an ELF kernel. */
static paddr_t
dtb_find(uint64_t x0)
{
	if (x0 != 0 && x0 < (paddr_t)DMAP_MAX_GIGS * L1_SIZE && (x0 & 7) == 0 &&
	    *(volatile uint32_t *)phys_to_kva(x0) == FDT_MAGIC_LE)
		return (x0);
	return (RAM_BASE);
}

/*
 * C entry from start.S: MMU on (boot tables), running high, on
 * boot_stack.  The boot CPU's struct cpu comes first, before anything
 * can take a spinlock; the other CPUs the device tree lists are attached
 * once it has been read, and started by smp_boot().
 */
__noreturn void aarch64_init(uint64_t x0);

__noreturn void
aarch64_init(uint64_t x0)
{
	uint64_t me = r_mpidr_el1() & 0xff00fffffful;
	struct fdt_info fi;
	struct cpu *ci;
	paddr_t dtb;
	unsigned i;

	ci = cpu_attach(me);
	w_tpidr_el1((uintptr_t)ci);
	trap_cpu_init(ci);
	console_init();
	dtb = dtb_find(x0);
	if (fdt_parse(dtb, &fi) != 0)
		panic("aarch64: no device tree at %#lx", (unsigned long)dtb);
	for (i = 0; i < fi.ncpus; i++)
		if (fi.cpus[i] != me)
			(void)aarch64_cpu_attach(fi.cpus[i]);
	psci_init(fi.psci_smc);
	if (fi.bootargs != NULL)
		strlcpy(cmdline, fi.bootargs, sizeof(cmdline));
	fdt_seed_take(&fi);
	gic_init();
	gic_cpu_init(ci);
	timer_init();
	pmap_bootstrap(mem_init(&fi));
	printf("aarch64: %s, %s ASIDs, RNDR %s, %u CPUs in the device tree\n",
	    ID_MMFR1_PAN(r_id_aa64mmfr1_el1()) != 0 ? "PAN on" : "no PAN",
	    ID_MMFR0_ASIDBITS(r_id_aa64mmfr0_el1()) == 2 ? "16-bit" : "8-bit",
	    ID_ISAR0_RNDR(r_id_aa64isar0_el1()) != 0 ? "yes" : "no", fi.ncpus);
	kmain();
}

/* start.S sets PSTATE.PAN, and SCTLR.SPAN clear keeps it set on every exception. */
bool
hal_user_access_faults(void)
{
	return (ID_MMFR1_PAN(r_id_aa64mmfr1_el1()) != 0);
}

const char *
hal_cmdline(void)
{
	return (cmdline);
}

/*
 * Semihosting SYS_EXIT with ADP_Stopped_ApplicationExit: on AArch64 it
 * takes a block {reason, status}, and QEMU (-semihosting) exits with the
 * status.  Without -semihosting the hlt is an undefined instruction,
 * which trap_kernel() steps over (semihost_hlt): PSCI SYSTEM_OFF then
 * stops the machine, with QEMU's status 0, which the tools do not take
 * for a guest's.
 */
__noreturn void
hal_poweroff(int status)
{
	uint64_t block[2] = { ADP_STOPPED_APP_EXIT, (uint64_t)(status & 0xff) };
	register uint64_t x0 __asm__("x0") = SEMIHOST_SYS_EXIT;
	register uint64_t x1 __asm__("x1") = (uint64_t)block;

	__asm__ volatile(".globl semihost_hlt\nsemihost_hlt: hlt #0xf000"
	    : "+r"(x0) : "r"(x1) : "memory");
	psci_off();
}

/*
 * wfi wakes on a pending interrupt even while PSTATE.I masks it, so
 * waiting masked and then opening a window cannot lose a wake-up.
 */
void
hal_idle(void)
{
	wfi();
	__asm__ volatile("msr daifclr, #2; isb; msr daifset, #2" : : : "memory");
}
