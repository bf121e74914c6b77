/*
 * Machine start-up and the small HAL services: the PVH start_info (memory
 * map for physmem, command line, ACPI), per-CPU set-up and curcpu(),
 * power-off, idle and interrupt masking.
 */
#include "elf.h"
#include "hal.h"
#include "physmem.h"
#include "proc.h"
#include "smp.h"
#include "trap.h"
#include "x86.h"

/* trap.S reaches these through %gs. */
_Static_assert(offsetof(struct cpu, ci_self) == 0, "ci_self first");
_Static_assert(offsetof(struct cpu, ci_md[CI_MD_KSTACK]) ==
    CI_MD_OFF(CI_MD_KSTACK), "CI_MD_KSTACK");
_Static_assert(offsetof(struct cpu, ci_md[CI_MD_URSP]) ==
    CI_MD_OFF(CI_MD_URSP), "CI_MD_URSP");
_Static_assert(CI_MD_KSTACK < CPU_MD_WORDS && CI_MD_URSP < CPU_MD_WORDS,
    "ci_md holds the platform's words");
_Static_assert(offsetof(struct cpu, ci_curlwp) == CI_CURLWP_OFF,
    "CI_CURLWP_OFF");

/* Xen's public start_info.h, as QEMU's PVH loader fills it in. */
#define XEN_HVM_START_MAGIC	0x336ec578
#define XEN_HVM_MEMMAP_TYPE_RAM	1

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	/* version >= 1 */
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

#define LOW_RESERVED	0x100000ul	/* real mode, BIOS, start_info, MP_TRAMPOLINE */

const char hal_arch_name[] = "x86_64";
const uint16_t hal_elf_machine = EM_X86_64;
uintptr_t hal_dmap_base = DMAP_BASE;

/* (b): set by x86_start() on the boot CPU, constant once kmain() runs. */
static char cmdline[HAL_CMDLINE_MAX]; /* (b) */
static paddr_t rsdp_pa;		/* (b) */

void	x86_start(uint32_t start_info_pa);

/*
 * start_info and what it points at, through start.S's direct map (the
 * first 4 GiB), before kpmap.c has drawn the whole one.
 */
static const void *
pvh_kva(paddr_t pa, size_t len)
{
	if (pa >= DMAP_BOOT_SIZE || len > DMAP_BOOT_SIZE - pa)
		panic("x86: PVH boot data at %#lx above 4 GiB", pa);
	return (phys_to_kva(pa));
}

/*
 * Copy what we need out of start_info, which may live in memory the page
 * allocator will hand out (the command line, where the ACPI RSDP is), and
 * give physmem its RAM ranges.  Every RAM range counts, above 4 GiB too
 * (kpmap.c's direct map reaches physmem_ram_end()), up to DMAP_MAX.
 */
static void
pvh_parse(paddr_t si_pa)
{
	const struct hvm_start_info *si = pvh_kva(si_pa, sizeof(*si));
	const struct hvm_memmap_table_entry *mm;
	const char *cl;
	uint32_t i;
	paddr_t b, e;

	if (si->magic != XEN_HVM_START_MAGIC)
		panic("x86: bad PVH start_info magic %#x at %#lx", si->magic,
		    si_pa);
	if (si->cmdline_paddr != 0) {
		cl = pvh_kva(si->cmdline_paddr, 1);
		for (i = 0; i < HAL_CMDLINE_MAX - 1 &&
		    si->cmdline_paddr + i < DMAP_BOOT_SIZE && cl[i] != '\0'; i++)
			cmdline[i] = cl[i];
		cmdline[i] = '\0';
	}
	rsdp_pa = si->rsdp_paddr;
	if (si->version < 1 || si->memmap_paddr == 0 || si->memmap_entries == 0)
		panic("x86: PVH start_info v%u has no memory map", si->version);
	mm = pvh_kva(si->memmap_paddr, (size_t)si->memmap_entries * sizeof(*mm));
	printf("x86: PVH start_info v%u at %#lx, %u memory map entries\n",
	    si->version, si_pa, si->memmap_entries);
	for (i = 0; i < si->memmap_entries; i++) {
		if (mm[i].type != XEN_HVM_MEMMAP_TYPE_RAM)
			continue;
		b = round_page(mm[i].addr);
		e = trunc_page(mm[i].addr + mm[i].size);
		if (e > DMAP_MAX || e < b) {
			printf("x86: RAM above %lu GiB ignored\n", DMAP_MAX >> 30);
			e = DMAP_MAX;
		}
		if (b < e)
			physmem_add_ram(b, e - b);
	}
}

/*
 * What of the RAM is taken before the page allocator starts: the first
 * MiB (real-mode and BIOS data, start_info, mp.c's MP_TRAMPOLINE page)
 * and the kernel image.  kpmap.c steals its page tables after this.
 */
static void
mem_exclude_boot(void)
{
	paddr_t kb = trunc_page((uintptr_t)__kernel_start - KERNBASE);
	paddr_t ke = round_page((uintptr_t)__kernel_end - KERNBASE);

	physmem_exclude(0, LOW_RESERVED);
	physmem_exclude(kb, ke - kb);
}

/*
 * The MXCSR bits fxrstor accepts: sigreturn refuses a context with any
 * other bit set, which would #GP in the kernel.  Every CPU stores the
 * same value (QEMU gives all of them one model); constant after boot.
 */
uint32_t x86_mxcsr_mask = MXCSR_MASK_DEFAULT;

/* Ask fxsave for MXCSR_MASK; 0 there means the SDM's default. */
static void
mxcsr_mask_init(void)
{
	uint8_t area[FPU_SAVE_SIZE] __attribute__((aligned(16)));
	uint32_t mask;

	fxsave(area);
	mask = *(uint32_t *)(area + FXSAVE_MXCSR_MASK);
	__atomic_store_n(&x86_mxcsr_mask, mask != 0 ? mask : MXCSR_MASK_DEFAULT,
	    __ATOMIC_RELAXED);
}

/*
 * Enable what the kernel relies on: SSE for user code (the kernel itself
 * never touches FP), SMEP/SMAP when present (the kernel neither executes
 * nor reads user pages through user addresses).
 */
static void
cpu_features_init(void)
{
	uint32_t r[4];

	lcr0((rcr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
	lcr4(rcr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fninit");
	mxcsr_mask_init();
	cpuid(0, 0, r);
	if (r[0] >= 7) {
		cpuid(7, 0, r);
		if (r[1] & CPUID_EBX_7_SMEP)
			lcr4(rcr4() | CR4_SMEP);
		if (r[1] & CPUID_EBX_7_SMAP)
			lcr4(rcr4() | CR4_SMAP);
	}
}

/*
 * Make ci the calling CPU's curcpu(): the kernel's %gs base, with the
 * user's (none: 0) in MSR_KGSBASE for the first swapgs to user mode.
 */
void
x86_set_curcpu(struct cpu *ci)
{
	wrmsr(MSR_GSBASE, (uint64_t)ci);
	wrmsr(MSR_KGSBASE, 0);
}

/*
 * What every CPU sets up for itself, the boot CPU first: descriptor
 * tables, system call MSRs, control-register features, the local APIC,
 * and kstack as its ring-0 entry stack until the first cpu_switch.
 */
void
x86_cpu_init(struct cpu *ci, uint64_t kstack)
{
	x86_gdt_init(ci);
	x86_set_kstack(kstack);
	cpu_features_init();
	x86_lapic_init();
}

/*
 * Called by start.S on the boot stack, interrupts off, paging on.  The
 * boot CPU is attached and made curcpu() before anything can print:
 * printf takes a spinlock, which asks for curcpu().
 */
void
x86_start(uint32_t start_info_pa)
{
	uint32_t r[4];
	struct cpu *ci;

	cpuid(1, 0, r);
	ci = cpu_attach(CPUID_EBX_1_APICID(r[1]));
	x86_set_curcpu(ci);
	x86_console_init();
	x86_idt_init();
	x86_cpu_init(ci, (uint64_t)boot_stack_top);
	pvh_parse(start_info_pa);
	mem_exclude_boot();
	x86_kpmap_bootstrap();
	x86_pmap_bootstrap();
	x86_timer_init();
	x86_acpi_attach_cpus(rsdp_pa, (uint32_t)ci->ci_hwid);
	kmain();
}

bool
hal_user_access_faults(void)
{
	return ((rcr4() & CR4_SMAP) != 0);
}

const char *
hal_cmdline(void)
{
	return (cmdline);
}

/*
 * isa-debug-exit makes QEMU exit with (value << 1) | 1, of which the shell
 * keeps 8 bits.  We write status + 1 so that the exit code is never 1 (what
 * QEMU itself returns on an error) nor 0 (a triple fault under -no-reboot):
 * exit code = 2 * status + 3 for status 0..125; 126 and above all give 255
 * (decode: 126), and the tools take the exact value from the
 * "forkrt: poweroff status=N" line.  Without the device we force a triple
 * fault, which -no-reboot turns into exit code 0 ("not through the device").
 */
__noreturn void
hal_poweroff(int status)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed noidt = { 0, 0 };

	intr_disable();
	if (status < 0)
		status = 255;
	outl(IO_DEBUG_EXIT, (uint32_t)MIN(status, 126) + 1);
	__asm__ volatile("lidt %0; int3" : : "m"(noidt));
	for (;;)
		__asm__ volatile("hlt");
}


/* sti's one-instruction shadow makes "sti; hlt" atomic: no lost wake-up. */
void
hal_idle(void)
{
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}
