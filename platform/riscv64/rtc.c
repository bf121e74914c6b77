/*
 * The virt board's goldfish RTC: nanoseconds since the epoch, which QEMU
 * sets from the host's clock.  Reading TIME_LOW latches TIME_HIGH, so the
 * two halves belong together.
 */
#include "kernel.h"
#include "hal.h"

#include "machdep.h"

#define GOLDFISH_RTC_TIME_LOW	0x00
#define GOLDFISH_RTC_TIME_HIGH	0x04

uint64_t
hal_rtc_ns(void)
{
	volatile uint32_t *rtc = phys_to_kva(VIRT_RTC_PA);
	uint64_t lo, hi;

	lo = rtc[GOLDFISH_RTC_TIME_LOW / 4];
	hi = rtc[GOLDFISH_RTC_TIME_HIGH / 4];
	return (hi << 32 | lo);
}
