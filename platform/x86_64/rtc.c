/*
 * The PC's CMOS real-time clock (MC146818): date and time of day in BCD
 * or binary, 12- or 24-hour, as status register B says.  QEMU's microvm
 * machine may have none (rtc=off): the ports then read 0xff, which no
 * field may hold, and the answer is 0.
 */
#include "kernel.h"
#include "hal.h"

#include "x86.h"

#define IO_RTC		0x70	/* index; data at 0x71 */
#define RTC_SEC		0x00
#define RTC_MIN		0x02
#define RTC_HOUR	0x04
#define RTC_DAY		0x07
#define RTC_MONTH	0x08
#define RTC_YEAR	0x09
#define RTC_STATUSA	0x0a
#define RTC_STATUSB	0x0b
#define RTC_CENTURY	0x32	/* the PC's, where QEMU keeps it */
#define RTCSA_UIP	0x80	/* an update is under way */
#define RTCSB_24HR	0x02
#define RTCSB_BINARY	0x04
#define RTC_PM		0x80	/* in the hour, 12-hour mode */

static unsigned
rtc_read(unsigned reg)
{
	outb(IO_RTC, (uint8_t)reg);
	return (inb(IO_RTC + 1));
}

static unsigned
bcd(unsigned v, bool binary)
{
	return (binary ? v : (v >> 4) * 10 + (v & 0xf));
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

uint64_t
hal_rtc_ns(void)
{
	unsigned sec, min, hour, day, mon, year, cent, sb;
	bool binary;
	int64_t days;

	sb = rtc_read(RTC_STATUSB);
	if (sb == 0xff)
		return (0);
	binary = (sb & RTCSB_BINARY) != 0;
	/* Read twice until equal: an update between fields would tear the date. */
	for (int tries = 0; tries < 1000; tries++) {
		while (rtc_read(RTC_STATUSA) & RTCSA_UIP)
			cpu_relax();
		sec = rtc_read(RTC_SEC);
		min = rtc_read(RTC_MIN);
		hour = rtc_read(RTC_HOUR);
		day = rtc_read(RTC_DAY);
		mon = rtc_read(RTC_MONTH);
		year = rtc_read(RTC_YEAR);
		cent = rtc_read(RTC_CENTURY);
		if (sec == rtc_read(RTC_SEC) && min == rtc_read(RTC_MIN))
			break;
	}
	hour = (sb & RTCSB_24HR) ? bcd(hour, binary) :
	    bcd(hour & ~RTC_PM, binary) % 12 + ((hour & RTC_PM) ? 12 : 0);
	sec = bcd(sec, binary);
	min = bcd(min, binary);
	day = bcd(day, binary);
	mon = bcd(mon, binary);
	year = bcd(year, binary) + 100 * (cent != 0 && cent != 0xff ?
	    bcd(cent, binary) : 20);
	if (sec > 59 || min > 59 || hour > 23 || day < 1 || day > 31 ||
	    mon < 1 || mon > 12 || year < 1970)
		return (0);
	days = days_from_civil(year, mon, day);
	return ((uint64_t)((days * 86400 + hour * 3600 + min * 60 + sec)) *
	    1000000000ull);
}
