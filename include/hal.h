/*
 * The hardware abstraction layer: what each platform (platform/<arch>/)
 * provides to the portable kernel (core/, mm/).  Address spaces are in
 * pmap.h, threads of control in cpu.h; this file holds console, time,
 * interrupts and power.  Physical memory goes the other way: before
 * kmain() the platform registers its RAM and everything in it still in
 * use with physmem.h, which the page allocator then reads.
 *
 * Conventions: the kernel runs with interrupts disabled whenever it is in
 * supervisor mode, except inside hal_idle().  Traps from user mode
 * enter the core through the functions in trap.h.
 */
#ifndef _HAL_H_
#define _HAL_H_

#include "types.h"

/* Console.  hal_putc never blocks for long and is safe from panic(). */
void	hal_putc(int c);

/* Monotonic time since boot in nanoseconds, and a raw cycle counter. */
uint64_t hal_time_ns(void);
uint64_t hal_cycles(void);

/*
 * The counter hal_time_ns() reads, raw (inline in hal_inline.h,
 * hal_timecount()): one instruction, monotonic and the same on every CPU,
 * for the CPU-time accounting the core does on every system call; and the
 * nanoseconds a number of its counts (a difference, or a sum of them)
 * make.
 */
uint64_t hal_timecount_ns(uint64_t count);

/*
 * Wall-clock time from the machine's real-time clock, in nanoseconds
 * since the epoch (1970-01-01 UTC), or 0 when it has none.  Slow (device
 * reads): the core reads it once and counts from hal_time_ns() after.
 */
uint64_t hal_rtc_ns(void);

/*
 * Start the periodic timer interrupt: hardclock() is then called hz times
 * a second, from the trap handler, in either mode.
 */
void	hal_timer_start(unsigned hz);

/*
 * Leave the machine; QEMU exits with a status the tools decode back into
 * `status` (0..255).  Before stopping, the platform prints nothing: the
 * core prints the "forkrt: poweroff status=N" line itself.
 */
__noreturn void hal_poweroff(int status);

/*
 * Entropy for the kernel's random source (core/random.c): fill buf with
 * len bytes from the best the platform has (x86_64 rdseed/rdrand where
 * CPUID says so; riscv64 the device tree's /chosen/rng-seed, or the
 * seed CSR where present).  Returns how many of those bytes are worth
 * trusting: 0 when there is no hardware source (the core then mixes in
 * timer and cycle-counter jitter).  Called at boot, before any lock.
 */
size_t	hal_entropy(void *buf, size_t len);

/*
 * Whether this CPU faults a kernel access through a user address
 * (x86-64's SMAP, RISC-V's sstatus.SUM clear, AArch64's PAN).  The
 * kernel never makes one (copyin goes through the direct map); the
 * debug.read_user test checks that the CPU would stop one.
 */
bool	hal_user_access_faults(void);

/*
 * The boot command line (QEMU's -append), "" if none.  Never NULL, and at
 * most HAL_CMDLINE_MAX - 1 bytes: the platform cuts a longer one short.
 */
#define HAL_CMDLINE_MAX	1024
const char *hal_cmdline(void);

/*
 * Interrupt masking, inline in hal_inline.h: hal_intr_disable() returns
 * the previous state for hal_intr_restore().  hal_idle enables interrupts,
 * waits for one (wfi / hlt), and returns with interrupts disabled again.
 */
void	hal_idle(void);

/*
 * The direct map: all of physical memory is mapped, supervisor-only, at
 * hal_dmap_base + pa in every address space.  Set by the platform before
 * kmain().
 */
extern uintptr_t hal_dmap_base;

static inline void *
phys_to_kva(paddr_t pa)
{
	return ((void *)(pa + hal_dmap_base));
}

static inline paddr_t
kva_to_phys(const void *va)
{
	return ((paddr_t)((uintptr_t)va - hal_dmap_base));
}

/*
 * Symbols every platform's start.S and kernel.ld define: the boot CPU's
 * stack (lwp0's for good, an unmapped guard page under it) and .bss.
 */
extern char boot_stack[], boot_stack_top[];
extern char __bss_start[], __bss_end[];

/*
 * For the kernel backtrace (core/backtrace.c), which walks the frame
 * pointers: the stack this CPU takes traps from kernel mode on, [*lo, *hi)
 * (riscv64's exception stack, x86_64's double-fault stack), besides the
 * kernel stacks and the boot stack the core knows.  hal_inline.h says
 * where a frame's record is: HAL_FRAME_RECORD, the offset from a frame
 * pointer to two words, the caller's frame pointer then the return
 * address.
 */
void	hal_trap_stack(uintptr_t *lo, uintptr_t *hi);

/* The ELF e_machine of user programs for this platform (elf.h: EM_RISCV, EM_X86_64). */
extern const uint16_t hal_elf_machine;

/* A short name for the machine ("riscv64", "x86_64") for messages and bench lines. */
extern const char hal_arch_name[];

#endif /* !_HAL_H_ */
