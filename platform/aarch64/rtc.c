/* The virt board's PL031 RTC: RTCDR counts seconds since the epoch, set by QEMU from the host. */
#include "kernel.h"
#include "hal.h"

#include "machdep.h"

#define RTCDR	0x00

uint64_t
hal_rtc_ns(void)
{
	volatile uint32_t *rtc = phys_to_kva(VIRT_RTC_PA);

	return ((uint64_t)rtc[RTCDR / 4] * 1000000000ull);
}
