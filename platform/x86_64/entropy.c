/*
 * hal_entropy (hal.h): the CPU's random-number instructions.  RDSEED reads
 * the conditioned entropy source itself, the right thing to seed a
 * generator with; RDRAND reads a generator the hardware reseeds from that
 * source, good where RDSEED is missing or momentarily dry.  Either can
 * fail (CF clear, the output 0) and is simply tried again: RDRAND a few
 * times (Intel's DRNG guide: ten failures in a row mean a broken part),
 * RDSEED more, with PAUSE between tries (it fails when the source is
 * drained, and recovers as it refills).  QEMU 7.2's TCG offers RDRAND
 * only (-cpu max; it refuses +rdseed), so under the tools' default the
 * RDRAND path runs; RDSEED is used under KVM on a host that has it.
 */
#include "hal.h"
#include "kernel.h"
#include "x86.h"

#define RDRAND_RETRIES	10
#define RDSEED_RETRIES	100

static bool
rdrand64(uint64_t *v)
{
	bool ok;

	__asm__ volatile("rdrand %0" : "=r"(*v), "=@ccc"(ok));
	return (ok);
}

static bool
rdseed64(uint64_t *v)
{
	bool ok;

	__asm__ volatile("rdseed %0" : "=r"(*v), "=@ccc"(ok));
	return (ok);
}

/* One 64-bit word from the best instruction the CPU has; false if none gave one. */
static bool
hw_word(bool has_rdseed, bool has_rdrand, uint64_t *v)
{
	int i;

	if (has_rdseed) {
		for (i = 0; i < RDSEED_RETRIES; i++) {
			if (rdseed64(v))
				return (true);
			ia32_pause();
		}
	}
	if (has_rdrand) {
		for (i = 0; i < RDRAND_RETRIES; i++)
			if (rdrand64(v))
				return (true);
	}
	return (false);
}

/*
 * Fills buf a word at a time and stops at the first word neither
 * instruction would give: the bytes before it are the ones to trust.
 */
size_t
hal_entropy(void *buf, size_t len)
{
	uint32_t r[4];
	bool has_rdseed = false, has_rdrand;
	uint8_t *p = buf;
	uint64_t v;
	size_t n, done = 0;

	cpuid(0, 0, r);
	if (r[0] >= 7) {
		cpuid(7, 0, r);
		has_rdseed = (r[1] & CPUID_EBX_7_RDSEED) != 0;
	}
	cpuid(1, 0, r);
	has_rdrand = (r[2] & CPUID_ECX_1_RDRAND) != 0;
	while (done < len && hw_word(has_rdseed, has_rdrand, &v)) {
		n = MIN(len - done, sizeof(v));
		memcpy(p + done, &v, n);
		done += n;
	}
	return (done);
}
