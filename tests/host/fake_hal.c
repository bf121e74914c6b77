/*
 * A fake HAL: enough of include/hal.h for mm/ and core/ code to run as a
 * host program.  panic() ends the test program with a message, which the
 * TAP harness reports as a failure.
 */

#include "elf.h"
#include "fake_hal.h"
#include "host_libc.h"
#include "hal.h"
#include "kernel.h"
#include "physmem.h"
#include "smp.h"

/* One CPU: the host test program's. */
static struct cpu fake_cpu = { .ci_self = &fake_cpu };

struct cpu *
fake_curcpu(void)
{
	return (&fake_cpu);
}

void
ipi_poll(void)
{
}

uintptr_t hal_dmap_base;
const char hal_arch_name[] = "host";
const uint16_t hal_elf_machine = EM_X86_64;

void
fake_mem_setup(size_t size, const struct fake_range *ranges, int n)
{
	void *arena = aligned_alloc(4 << 20, size);

	if (arena == NULL) {
		printf("Bail out! fake_mem_setup: no memory\n");
		exit(2);
	}
	hal_dmap_base = (uintptr_t)arena - FAKE_PHYS_BASE;
	for (int i = 0; i < n; i++)
		physmem_add_ram(ranges[i].base, ranges[i].len);
}

/*
 * Time and the cycle counter move by a fixed step per reading: the random
 * source's jitter is then a function of the calls made, which is what a
 * test wants (a run repeats exactly).
 */
uint64_t fake_clock;

uint64_t
hal_cycles(void)
{
	return (fake_clock += 7);
}

uint64_t
hal_time_ns(void)
{
	return (fake_clock += 3);
}

const void *fake_entropy;
size_t fake_entropy_len;

size_t
hal_entropy(void *buf, size_t len)
{
	size_t n = fake_entropy_len < len ? fake_entropy_len : len;

	for (size_t i = 0; i < n; i++)
		((uint8_t *)buf)[i] = ((const uint8_t *)fake_entropy)[i];
	return (n);
}

__noreturn void
panic(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! panic: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(3);
}
