/*
 * ok(): the TAP line every test prints, host and guest alike.  The
 * includer has declared printf and vprintf (the host's libc, or
 * <forkrt.h> in the guest) and <stdarg.h>.
 */
#ifndef _TAP_OK_H_
#define _TAP_OK_H_

static int tap_n, tap_failed;

static __attribute__((format(printf, 2, 3), unused)) int
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return (cond);
}

#endif
